/**
 * hamster-pg inside a test suite: start it in-process (in-memory store, free
 * port), script it, flush its work with processNow(), stop it.
 *
 *   const pg = await startHamsterPg({ seed: 42, scenarios: [...] });
 *   await fetch(`${pg.url}/api/payment`, …);
 *   await pg.waitFor(tid, 'SUCCESS');   // or pg.processNow(): settle what is due now
 *   pg.webhooks({ tid });               // what the built-in receiver got
 *   await pg.stop();
 *
 * Without webhookUrl, a receiver on 127.0.0.1 is started (and stopped) with it.
 * Nothing is read from the environment or from application.yml: a test gets
 * exactly what it asks for.
 */
import { App } from './app.js';
import type { ConfigKey } from './config.keys.js';
import { closestName, loadConfig } from './config.js';
import { ConfigError } from './errors.js';
import { createLogger } from './log.js';
import { cancel, trigger, waitFor, type CancelOptions, type CancelOutcome, type TriggerOptions, type WaitForOptions } from './embed.helpers.js';
import { startReceiver, type ReceivedWebhook, type Receiver } from './embed.receiver.js';
import type { MerchantInput } from './merchants/merchant.js';
import type { FinalStatus, PaymentProcess, PaymentStatus } from './payments/payment.js';
import type { ScenarioRule } from './scenarios/scenario.input.js';

export interface HamsterPgOptions {
  /**
   * Where the default merchant's webhooks go (payment.webhook.url), and the
   * PortOne store's unless portone.webhook.url is set. Left out: to the
   * built-in receiver, read with webhooks().
   */
  webhookUrl?: string;
  /** Makes outcomes repeat (payment.process.random-seed). */
  seed?: string | number;
  /** Scenario rules, as in application.yml (see docs/scripting.md, "Scenario rules"). */
  scenarios?: ScenarioRule[];
  /** Merchants besides the default one. */
  merchants?: MerchantInput[];
  /** Percent of payments that succeed when no rule decides (default 80). */
  successRate?: number;
  /** Standard Webhooks secret(s) to sign webhooks with. */
  webhookSecret?: string | string[];
  /**
   * The scheduler: on by default, polling every 100 ms from the start, so
   * payments settle on their own; processNow() settles them at once anyway.
   * false: nothing is processed until processNow() (or the trigger).
   */
  polling?: boolean | { fixedDelay?: number | string; initialDelay?: number | string; batchSize?: number };
  /** database.url; default ':memory:'. */
  database?: string;
  /** Default 0: a free port. */
  port?: number;
  /** Default 'silent'. */
  logLevel?: string;
  /** Any other setting, by its key (e.g. 'payment.webhook.retry.schedule': '0,100ms'). */
  settings?: Partial<Record<ConfigKey, unknown>>;
}

export interface HamsterPg {
  /** The base URL, e.g. http://127.0.0.1:41234 */
  readonly url: string;
  /** The PortOne V2 API's base URL: give it to PortOneClient({ secret, baseUrl }). */
  readonly portoneUrl: string;
  /** The running service, for what the options do not cover. */
  readonly app: App;
  /** Processes every due payment and sends every due webhook; resolves when all are recorded. */
  processNow(): Promise<{ processed: number; attempts: number }>;
  /** Resolves with the payment once its status is `status`; rejects after timeoutMs (10 s) or when it can no longer get there, naming both statuses. */
  waitFor(tid: string, status: PaymentStatus, options?: WaitForOptions): Promise<PaymentProcess>;
  /** What the built-in receiver got, oldest first (a copy); always empty when webhookUrl was given. */
  webhooks(filter?: { tid?: string }): ReceivedWebhook[];
  /** The built-in receiver's URL (give it to a merchant); null when webhookUrl was given. */
  readonly receiverUrl: string | null;
  /** Finalizes a payment that is not final yet and sends its webhook now (or sends it again); resolves with the payment. */
  trigger(tid: string, status: FinalStatus, options?: TriggerOptions): Promise<PaymentProcess>;
  /** Cancels a SUCCESS payment, whole or `amount` of it, and sends its webhook before resolving. */
  cancel(tid: string, options?: CancelOptions): Promise<CancelOutcome>;
  /** Empties the store (as DELETE /api/admin/data) and forgets the received webhooks; rules and merchants stay. */
  reset(): Promise<void>;
  /** Stops the service, then the built-in receiver. */
  stop(): Promise<void>;
}

/** Every option startHamsterPg knows: another is a mistake, said at once rather than ignored. */
const OPTION_NAMES = [
  'webhookUrl',
  'seed',
  'scenarios',
  'merchants',
  'successRate',
  'webhookSecret',
  'polling',
  'database',
  'port',
  'logLevel',
  'settings',
] as const satisfies ReadonlyArray<keyof HamsterPgOptions>;

export async function startHamsterPg(options: HamsterPgOptions = {}): Promise<HamsterPg> {
  for (const name of Object.keys(options)) {
    if (!(OPTION_NAMES as readonly string[]).includes(name)) {
      const hint = closestName(name, OPTION_NAMES);
      throw new ConfigError(`Unknown option ${name} for startHamsterPg${hint ? ` (did you mean ${hint}?)` : ''}`);
    }
  }
  const overrides: Partial<Record<ConfigKey, unknown>> = {
    'server.port': options.port ?? 0,
    'database.url': options.database ?? ':memory:',
    'logging.level': options.logLevel ?? 'silent',
  };
  if (options.webhookUrl !== undefined) overrides['payment.webhook.url'] = options.webhookUrl;
  if (options.seed !== undefined) overrides['payment.process.random-seed'] = String(options.seed);
  if (options.scenarios !== undefined) overrides.scenarios = options.scenarios;
  if (options.merchants !== undefined) overrides.merchants = options.merchants;
  if (options.successRate !== undefined) overrides['payment.process.success-rate'] = options.successRate;
  if (options.webhookSecret !== undefined) overrides['payment.webhook.secret'] = options.webhookSecret;
  const polling = options.polling ?? true;
  overrides['payment.process.polling.enabled'] = polling !== false;
  const p = typeof polling === 'object' ? polling : {};
  overrides['payment.process.polling.fixed-delay'] = p.fixedDelay ?? 100;
  overrides['payment.process.polling.initial-delay'] = p.initialDelay ?? 0;
  if (p.batchSize !== undefined) overrides['payment.process.polling.batch-size'] = p.batchSize;

  const settings = { ...overrides, ...options.settings };
  // No URL given anywhere: webhooks go to a receiver of our own.
  const tids = new Map<string, string>();
  let receiver: Receiver | null = null;
  if (settings['payment.webhook.url'] === undefined) {
    receiver = await startReceiver((body) => tids.get(body) ?? null);
    settings['payment.webhook.url'] = receiver.url;
  }
  let app: App;
  try {
    const { config } = loadConfig({ env: {}, readFile: false, overrides: settings });
    app = await App.create(config, { logger: createLogger(config.logging.level, false) });
    await app.start();
  } catch (error) {
    await receiver?.close();
    throw error;
  }
  if (receiver) app.engineEvents.subscribe((event) => {
    if (event.type === 'attempted') tids.set(event.outcome.delivery.payload, event.outcome.delivery.tid);
  });
  const stopped = new AbortController();
  return {
    url: app.url,
    portoneUrl: app.profileUrl('portone'),
    app,
    receiverUrl: receiver?.url ?? null,
    processNow: () => app.processNow(),
    waitFor: (tid, status, opts) => waitFor(app, stopped.signal, tid, status, opts),
    webhooks: (filter = {}) => (receiver?.received() ?? []).filter((w) => filter.tid === undefined || w.tid === filter.tid),
    trigger: (tid, status, opts) => trigger(app, tid, status, opts),
    cancel: (tid, opts) => cancel(app, tid, opts),
    reset: async () => {
      await app.store.resetData();
      tids.clear();
      receiver?.clear();
    },
    stop: async () => {
      stopped.abort();
      await app.stop();
      await receiver?.close();
    },
  };
}
