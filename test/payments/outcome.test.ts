import { describe, expect, it } from 'vitest';
import { decideOutcome } from '../../src/payments/outcome.js';
import { FAIL_REASONS, type Outcome } from '../../src/payments/payment.js';
import { mulberry32, randomForPayments } from '../../src/payments/random.js';

function decideMany(seed: string, count: number, rate: number): Outcome[] {
  const randomFor = randomForPayments(seed);
  return Array.from({ length: count }, (_, i) => decideOutcome(randomFor(i + 1), rate));
}

describe('decideOutcome', () => {
  it('succeeds at the configured rate over thousands of seeded decisions', () => {
    for (const rate of [80, 50, 95]) {
      const outcomes = decideMany('rate-test', 5000, rate);
      const successes = outcomes.filter((o) => o.status === 'SUCCESS').length / outcomes.length;
      // 5000 Bernoulli trials: the standard deviation is ≤ 0.71 percentage points.
      expect(Math.abs(successes * 100 - rate)).toBeLessThan(3);
    }
  });

  it('draws every one of the seed’s five reasons, about equally often', () => {
    const failures = decideMany('reasons', 10_000, 0);
    const counts = new Map<string, number>();
    for (const f of failures) {
      expect(f.status).toBe('FAILED');
      if (f.status === 'FAILED') counts.set(f.reason, (counts.get(f.reason) ?? 0) + 1);
    }
    expect([...counts.keys()].sort()).toEqual([...FAIL_REASONS].sort());
    for (const n of counts.values()) expect(n / failures.length).toBeGreaterThan(0.17);
  });

  it('always succeeds at 100 and always fails at 0', () => {
    expect(decideMany('x', 1000, 100).every((o) => o.status === 'SUCCESS')).toBe(true);
    expect(decideMany('x', 1000, 0).every((o) => o.status === 'FAILED')).toBe(true);
  });

  it('repeats itself for the same seed and differs for another', () => {
    expect(decideMany('42', 500, 80)).toEqual(decideMany('42', 500, 80));
    expect(decideMany('42', 500, 80)).not.toEqual(decideMany('43', 500, 80));
  });

  it('gives each payment its own stream, independent of how many were decided before', () => {
    const randomFor = randomForPayments('seed');
    const alone = decideOutcome(randomFor(77), 50);
    decideMany('seed', 50, 50);
    expect(decideOutcome(randomFor(77), 50)).toEqual(alone);
  });

  it('mulberry32 yields numbers in [0, 1)', () => {
    const r = mulberry32(123);
    for (let i = 0; i < 10_000; i++) {
      const x = r();
      expect(x >= 0 && x < 1).toBe(true);
    }
  });
});
