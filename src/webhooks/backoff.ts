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
import type { NextState } from './delivery.repository.js';
import type { Random } from '../payments/random.js';

export const DEFAULT_SCHEDULE_MS: readonly number[] = [0, 5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000];

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
