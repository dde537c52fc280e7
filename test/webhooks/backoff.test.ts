import { describe, expect, it } from 'vitest';
import { SINGLE_ATTEMPT, afterAttempt, isDelivered } from '../../src/webhooks/backoff.js';

describe('after an attempt', () => {
  it('a 2xx delivers', () => {
    for (const code of [200, 201, 204, 299]) {
      expect(afterAttempt({ attemptNo: 1, result: { responseCode: code }, now: 5, scheduleMs: SINGLE_ATTEMPT })).toEqual({
        state: 'DELIVERED',
        at: 5,
      });
    }
  });

  it('anything else, with the seed’s single attempt, is DEAD', () => {
    for (const code of [null, 199, 301, 400, 404, 410, 500, 503]) {
      expect(isDelivered({ responseCode: code })).toBe(false);
      expect(afterAttempt({ attemptNo: 1, result: { responseCode: code }, now: 5, scheduleMs: SINGLE_ATTEMPT })).toEqual({
        state: 'DEAD',
      });
    }
  });

  it('follows a longer schedule slot by slot, then gives up', () => {
    const scheduleMs = [0, 1000, 60_000];
    expect(afterAttempt({ attemptNo: 1, result: { responseCode: 500 }, now: 0, scheduleMs })).toEqual({ state: 'PENDING', dueAt: 1000 });
    expect(afterAttempt({ attemptNo: 2, result: { responseCode: 500 }, now: 10, scheduleMs })).toEqual({ state: 'PENDING', dueAt: 60_010 });
    expect(afterAttempt({ attemptNo: 3, result: { responseCode: 500 }, now: 10, scheduleMs })).toEqual({ state: 'DEAD' });
  });
});
