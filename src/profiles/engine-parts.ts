/**
 * What the profiles add to the engine's composition (app.ts), each asked of
 * every profile so the composition root names none: their merchants (a
 * PortOne store), their webhooks' retry schedules, their say in a decision,
 * and the listeners of their own, started and stopped with the main one.
 */
import type { Config } from '../config.js';
import type { DocumentedPaths } from '../http/openapi.js';
import type { Merchant } from '../merchants/merchant.js';
import type { Outcome, PaymentProcess } from '../payments/payment.js';
import type { RetryPolicy } from '../webhooks/backoff.js';
import type { Profile, ProfileDeps, ProfileServer } from './profile.js';

/** The configured merchants, then each profile's own (unless `merchants:` names its MID itself). */
export function configuredMerchants(profiles: readonly Profile[], config: Config): Merchant[] {
  const own = profiles.flatMap((p) => p.merchants?.(config) ?? []).filter((m) => !config.merchants.some((c) => c.mid === m.mid));
  return [...config.merchants, ...own];
}

/** The retry policy of a delivery: its profile's schedule, else the engine's. */
export function retryPolicies(profiles: readonly Profile[], config: Config, engine: RetryPolicy): (profile: string | null) => RetryPolicy {
  const byProfile = new Map<string, RetryPolicy>();
  for (const p of profiles) {
    const scheduleMs = p.retryScheduleMs?.(config);
    if (scheduleMs) byProfile.set(p.name, { ...engine, scheduleMs });
  }
  return (profile) => (profile === null ? engine : (byProfile.get(profile) ?? engine));
}

/** The engine's decision, then the payment's profile's say in it. */
export function decideWithProfiles(
  profiles: readonly Profile[],
  engine: (payment: PaymentProcess) => Outcome,
  clock: () => number,
): (payment: PaymentProcess) => Outcome {
  const byName = new Map(profiles.map((p) => [p.name, p]));
  return (payment) => {
    const outcome = engine(payment);
    const contract = byName.get(payment.profile);
    return contract?.decide ? contract.decide(payment, outcome, clock()) : outcome;
  };
}

/** The OpenAPI paths of the contracts on listeners of their own, each naming its listener's URL (once known). */
export function documentedPaths(profiles: readonly Profile[], urlOf: (name: string) => string | null): DocumentedPaths {
  const out: DocumentedPaths = { paths: {}, components: { schemas: {}, securitySchemes: {} } };
  for (const p of profiles) {
    const doc = p.documentedPaths?.(urlOf(p.name));
    if (!doc) continue;
    Object.assign(out.paths, doc.paths);
    Object.assign(out.components.schemas, doc.components.schemas);
    Object.assign(out.components.securitySchemes, doc.components.securitySchemes);
  }
  return out;
}

/** The listeners of profiles that need their own (PortOne's). */
export class ProfileListeners {
  private readonly own: Array<{ name: string; server: ProfileServer; url: string | null }> = [];

  constructor(profiles: readonly Profile[], deps: ProfileDeps) {
    for (const p of profiles) {
      const server = p.serve?.(deps);
      if (server) this.own.push({ name: p.name, server, url: null });
    }
  }

  async listen(): Promise<void> {
    for (const o of this.own) o.url = await o.server.listen();
  }

  /** Each listening one's URL, by `<name>Url` (for the start-up line). */
  urls(): Record<string, string | null> {
    return Object.fromEntries(this.own.map((o) => [`${o.name}Url`, o.url]));
  }

  url(name: string): string | null {
    return this.own.find((o) => o.name === name)?.url ?? null;
  }

  close(): Promise<unknown> {
    return Promise.all(this.own.filter((o) => o.url !== null).map((o) => o.server.close()));
  }

  closeAllConnections(): void {
    for (const o of this.own) o.server.closeAllConnections();
  }
}
