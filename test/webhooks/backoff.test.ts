import { describe, expect, it } from 'vitest';
import {
  DEFAULT_SCHEDULE_MS,
  MAX_RETRY_AFTER_MS,
  afterAttempt,
  firstAttemptAt,
  isDelivered,
  jittered,
  parseRetryAfter,
  type RetryPolicy,
} from '../../src/webhooks/backoff.js';
import { KEYS } from '../../src/config.keys.js';

const exact = (scheduleMs: readonly number[]): RetryPolicy => ({ scheduleMs, jitterPercent: 0, random: () => 0.5 });

describe('the retry schedule', () => {
  it('defaults to the Standard Webhooks / Svix schedule: now, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h', () => {
    const min = 60_000;
    const h = 60 * min;
    expect(DEFAULT_SCHEDULE_MS).toEqual([0, 5000, 5 * min, 30 * min, 2 * h, 5 * h, 10 * h, 10 * h]);
    expect(KEYS['payment.webhook.retry.schedule'].default).toEqual(DEFAULT_SCHEDULE_MS);
  });

  it('a 2xx delivers', () => {
    for (const code of [200, 201, 204, 299]) {
      expect(afterAttempt({ attemptNo: 1, result: { responseCode: code }, now: 5, policy: exact(DEFAULT_SCHEDULE_MS) })).toEqual({
        state: 'DELIVERED',
        at: 5,
      });
    }
  });

  it('anything else waits for the next slot, counted from the failure, and after the last slot is DEAD', () => {
    const policy = exact([0, 1000, 60_000]);
    for (const code of [null, 199, 301, 302, 400, 404, 500, 503]) {
      expect(isDelivered({ responseCode: code })).toBe(false);
      expect(afterAttempt({ attemptNo: 1, result: { responseCode: code }, now: 0, policy })).toEqual({ state: 'PENDING', dueAt: 1000 });
    }
    expect(afterAttempt({ attemptNo: 2, result: { responseCode: 500 }, now: 10, policy })).toEqual({ state: 'PENDING', dueAt: 60_010 });
    expect(afterAttempt({ attemptNo: 3, result: { responseCode: 500 }, now: 10, policy })).toEqual({ state: 'DEAD' });
  });

  it('follows the default schedule attempt by attempt, 8 attempts in all', () => {
    const policy = exact(DEFAULT_SCHEDULE_MS);
    const delays: number[] = [];
    let now = 0;
    for (let attempt = 1; ; attempt++) {
      const next = afterAttempt({ attemptNo: attempt, result: { responseCode: 500 }, now, policy });
      if (next.state !== 'PENDING') {
        expect(next.state).toBe('DEAD');
        expect(attempt).toBe(8);
        break;
      }
      delays.push(next.dueAt - now);
      now = next.dueAt;
    }
    expect(delays).toEqual(DEFAULT_SCHEDULE_MS.slice(1));
  });

  it('410 Gone stops the delivery at once', () => {
    expect(afterAttempt({ attemptNo: 1, result: { responseCode: 410 }, now: 0, policy: exact(DEFAULT_SCHEDULE_MS) })).toEqual({ state: 'DEAD' });
  });

  it('honours Retry-After on 429 and 503 (never sooner than asked, capped at a day), and only there', () => {
    const policy = exact([0, 1000, 1000]);
    const after = (code: number, retryAfterMs: number | null) =>
      afterAttempt({ attemptNo: 1, result: { responseCode: code, retryAfterMs }, now: 0, policy });
    expect(after(429, 30_000)).toEqual({ state: 'PENDING', dueAt: 30_000 });
    expect(after(503, 30_000)).toEqual({ state: 'PENDING', dueAt: 30_000 });
    expect(after(503, 10)).toEqual({ state: 'PENDING', dueAt: 1000 }); // the schedule's slot is later
    expect(after(500, 30_000)).toEqual({ state: 'PENDING', dueAt: 1000 });
    expect(after(429, 365 * 86_400_000)).toEqual({ state: 'PENDING', dueAt: MAX_RETRY_AFTER_MS });
  });

  it('parses Retry-After as seconds or as an HTTP date', () => {
    const now = Date.parse('2026-02-05T10:00:00Z');
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter('Thu, 05 Feb 2026 10:01:00 GMT', now)).toBe(60_000);
    expect(parseRetryAfter('Thu, 05 Feb 2026 09:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter(undefined, now)).toBeNull();
    expect(parseRetryAfter('soon', now)).toBeNull();
  });

  it('varies delays by at most the jitter, both ways, and never an immediate attempt', () => {
    let r = 0;
    const randoms = [0, 0.25, 0.5, 0.75, 0.999];
    const policy = { jitterPercent: 10, random: () => randoms[r++ % randoms.length]! };
    const seen = randoms.map(() => jittered(10_000, policy));
    for (const d of seen) expect(d >= 9000 && d <= 11_000).toBe(true);
    expect(Math.min(...seen)).toBe(9000);
    expect(Math.max(...seen)).toBeGreaterThan(10_900);
    expect(jittered(0, policy)).toBe(0);
    expect(firstAttemptAt(100, { scheduleMs: [0, 5], jitterPercent: 10, random: () => 0.9 })).toBe(100);
  });
});
