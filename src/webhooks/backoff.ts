/**
 * What happens to a delivery after an attempt. Pure.
 *
 * `scheduleMs[i]` is the delay before attempt i+1: the first counts from the
 * final state (normally 0: at once), each next one from the failure before
 * it. The default is the Standard Webhooks / Svix schedule. Delays vary at
 * random by up to `jitterPercent`, so many deliveries that failed together do
 * not all retry in the same instant.
 *
 * A 2xx delivers. 410 Gone stops the delivery (DEAD) at once. A 429 or 503
 * with Retry-After waits at least that long. Anything else waits for the next
 * slot; after the last one the delivery is DEAD.
 */
import type { NextState } from '../store/delivery.repository.js';
import type { Random } from '../payments/random.js';

const S = 1000;
const MIN = 60 * S;
const H = 60 * MIN;

export const DEFAULT_SCHEDULE_MS: readonly number[] = [0, 5 * S, 5 * MIN, 30 * MIN, 2 * H, 5 * H, 10 * H, 10 * H];

/**
 * Published PG schedules (`payment.webhook.retry.preset`), each as the delay
 * before every attempt, the first at once:
 * - default: Standard Webhooks / Svix — now, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h;
 * - toss: Toss Payments — 7 retries after 1, 4, 16, 64, 256, 1024, 4096 minutes;
 * - portone: PortOne — 0, 1, 4, 16, 64, 256 minutes;
 * - stripe: Stripe publishes only "up to 3 days, with exponential back-off";
 *   this is an approximation: 1 min doubling to 24 h, about 72 h in all.
 */
export const RETRY_PRESETS = {
  default: DEFAULT_SCHEDULE_MS,
  toss: [0, 1, 4, 16, 64, 256, 1024, 4096].map((m) => m * MIN),
  portone: [0, 1, 4, 16, 64, 256].map((m) => m * MIN),
  stripe: [0, 1 * MIN, 5 * MIN, 30 * MIN, 1 * H, 2 * H, 4 * H, 8 * H, 12 * H, 24 * H, 20 * H],
} as const satisfies Record<string, readonly number[]>;

export type RetryPreset = keyof typeof RETRY_PRESETS;
/** In the table's order, which the configuration's "allowed" message shows. */
export const RETRY_PRESET_NAMES = Object.keys(RETRY_PRESETS) as RetryPreset[];

/** Every delay divided by `timeScale` (60: minutes become seconds). */
export function scaleSchedule(scheduleMs: readonly number[], timeScale: number): number[] {
  return scheduleMs.map((ms) => Math.round(ms / timeScale));
}

/** A Retry-After longer than this is treated as this (a receiver cannot park a delivery for ever). */
export const MAX_RETRY_AFTER_MS = 24 * 3_600_000;

export interface RetryPolicy {
  scheduleMs: readonly number[];
  jitterPercent: number;
  random: Random;
}

export interface AttemptFacts {
  responseCode: number | null;
  /** Parsed Retry-After header, in ms, if the receiver sent one. */
  retryAfterMs?: number | null;
}

export function isDelivered(result: Pick<AttemptFacts, 'responseCode'>): boolean {
  return result.responseCode !== null && result.responseCode >= 200 && result.responseCode < 300;
}

export function jittered(delayMs: number, policy: Pick<RetryPolicy, 'jitterPercent' | 'random'>): number {
  if (delayMs === 0 || policy.jitterPercent === 0) return delayMs;
  const spread = policy.jitterPercent / 100;
  return Math.max(0, Math.round(delayMs * (1 + spread * (2 * policy.random() - 1))));
}

/** When a new delivery's first attempt is due. */
export function firstAttemptAt(now: number, policy: RetryPolicy): number {
  return now + jittered(policy.scheduleMs[0] ?? 0, policy);
}

export function afterAttempt(args: { attemptNo: number; result: AttemptFacts; now: number; policy: RetryPolicy }): NextState {
  const { attemptNo, result, now, policy } = args;
  if (isDelivered(result)) return { state: 'DELIVERED', at: now };
  if (result.responseCode === 410) return { state: 'DEAD' };
  const slot = policy.scheduleMs[attemptNo];
  if (slot === undefined) return { state: 'DEAD' };
  let delay = jittered(slot, policy);
  const asked = result.retryAfterMs;
  if ((result.responseCode === 429 || result.responseCode === 503) && asked !== undefined && asked !== null) {
    delay = Math.max(delay, Math.min(asked, MAX_RETRY_AFTER_MS));
  }
  return { state: 'PENDING', dueAt: now + delay };
}

/** Retry-After as delay-seconds or an HTTP date; null when absent or unreadable. */
export function parseRetryAfter(value: string | string[] | undefined, nowMs: number): number | null {
  const v = Array.isArray(value) ? value[0] : value;
  if (v === undefined) return null;
  const text = v.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const date = Date.parse(text);
  return Number.isNaN(date) ? null : Math.max(0, date - nowMs);
}
