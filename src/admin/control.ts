/**
 * The live test control every instance shares through the database: the
 * scenario rules and the merchant registry. Each instance keeps them in
 * memory (they are read on every payment) and reloads them when another
 * instance changes them: it watches their versions every second.
 */
import type { Database } from '../db/database.js';
import { readSetting, settingVersions, writeSetting } from '../store/settings.repository.js';
import type { Logger } from '../log.js';
import { DEFAULT_MERCHANT_NAME, DEFAULT_MID, resolveMerchant, type Merchant, type MerchantRecord, type Resolution, type UnknownMidPolicy } from '../merchants/merchant.js';
import * as repo from '../store/merchant.repository.js';
import { parseScenarios, type Scenario } from '../scenarios/scenario.js';
import type { Clock } from '../time.js';

const SCENARIOS = 'scenarios';
const MERCHANTS = 'merchants';

export interface ControlOptions {
  database: Database;
  clock: Clock;
  log: Logger;
  /** Rules from the configuration, which replace the stored ones at start; null: keep the stored ones. */
  configuredScenarios: readonly Scenario[] | null;
  configuredMerchants: readonly Merchant[];
  /** The default merchant's webhook URL (`payment.webhook.url`). */
  defaultWebhookUrl: string;
  unknownMid: UnknownMidPolicy;
}

export class Control {
  private rules: readonly Scenario[] = [];
  private byMid = new Map<string, MerchantRecord>();
  private byApiKey = new Map<string, MerchantRecord>();
  private versions = new Map<string, number>();

  constructor(private readonly o: ControlOptions) {}

  /** At start: the configuration's merchants (and rules, if any) are written, then everything is loaded. */
  async init(): Promise<void> {
    const { db } = this.o.database;
    const now = this.o.clock();
    const configured = this.o.configuredMerchants;
    await db.transaction().execute(async (trx) => {
      if (!configured.some((m) => m.mid === DEFAULT_MID)) {
        await repo.upsertMerchant(trx, { mid: DEFAULT_MID, webhookUrl: this.o.defaultWebhookUrl, secrets: [], active: true, name: DEFAULT_MERCHANT_NAME }, now);
      }
      for (const m of configured) await repo.upsertMerchant(trx, m, now);
      await writeSetting(trx, MERCHANTS, String(now));
      if (this.o.configuredScenarios !== null) {
        await writeSetting(trx, SCENARIOS, JSON.stringify(this.o.configuredScenarios.map((r) => r.source)));
      }
    });
    await this.refresh(true);
  }

  /** Reloads what another instance changed (cheap when nothing did). */
  async refresh(force = false): Promise<void> {
    const { db } = this.o.database;
    const versions = await settingVersions(db);
    if (force || versions.get(SCENARIOS) !== this.versions.get(SCENARIOS)) {
      const stored = await readSetting(db, SCENARIOS);
      this.rules = stored ? parseScenarios(JSON.parse(stored.value)) : [];
      if (!force) this.o.log.info({ rules: this.rules.map((r) => r.name) }, 'scenario rules reloaded');
    }
    if (force || versions.get(MERCHANTS) !== this.versions.get(MERCHANTS)) {
      const all = await repo.listMerchants(db);
      this.byMid = new Map(all.map((m) => [m.mid, m]));
      this.byApiKey = new Map(all.map((m) => [m.apiKey, m]));
    }
    this.versions = versions;
  }

  scenarios(): readonly Scenario[] {
    return this.rules;
  }

  /** True when some rule reorders webhooks (only then is a delivery worth checking against held ones). */
  reorders(): boolean {
    return this.rules.some((r) => r.effect.webhook.kind === 'reorder');
  }

  async setScenarios(rules: readonly Scenario[]): Promise<void> {
    const { db } = this.o.database;
    const version = await writeSetting(db, SCENARIOS, JSON.stringify(rules.map((r) => r.source)));
    this.rules = rules;
    this.versions.set(SCENARIOS, version);
  }

  merchants(): MerchantRecord[] {
    return [...this.byMid.values()].sort((a, b) => a.mid.localeCompare(b.mid));
  }

  merchant(mid: string): MerchantRecord | undefined {
    return this.byMid.get(mid);
  }

  /** The merchant (a PortOne store) whose API key (secret) this is. */
  merchantByApiKey(apiKey: string): MerchantRecord | undefined {
    return this.byApiKey.get(apiKey);
  }

  resolve(mid: string | null): Resolution {
    return resolveMerchant(mid, (m) => this.byMid.get(m), this.o.unknownMid);
  }

  async putMerchant(merchant: Merchant): Promise<void> {
    await this.changeMerchants((trx, now) => repo.upsertMerchant(trx, merchant, now));
  }

  async deleteMerchant(mid: string): Promise<boolean> {
    let deleted = false;
    await this.changeMerchants(async (trx) => {
      deleted = await repo.deleteMerchant(trx, mid);
    });
    return deleted;
  }

  private async changeMerchants(change: (trx: Database['db'], now: number) => Promise<void>): Promise<void> {
    const { db } = this.o.database;
    const now = this.o.clock();
    await db.transaction().execute(async (trx) => {
      await change(trx, now);
      await writeSetting(trx, MERCHANTS, String(now));
    });
    await this.refresh();
  }
}
