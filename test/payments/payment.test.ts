import { describe, expect, it } from 'vitest';
import { FAIL_REASONS, PAYMENT_STATUSES, canTransition, failCode, isFinal } from '../../src/payments/payment.js';

describe('payment state machine', () => {
  it('allows exactly PENDING → PROCESSING → SUCCESS | FAILED, and PENDING → final for the trigger', () => {
    const allowed = PAYMENT_STATUSES.flatMap((from) =>
      PAYMENT_STATUSES.filter((to) => canTransition(from, to)).map((to) => `${from}→${to}`),
    );
    expect(allowed.sort()).toEqual(
      ['PENDING→PROCESSING', 'PENDING→SUCCESS', 'PENDING→FAILED', 'PROCESSING→SUCCESS', 'PROCESSING→FAILED'].sort(),
    );
  });

  it('never leaves a final status', () => {
    for (const from of PAYMENT_STATUSES.filter(isFinal)) {
      for (const to of PAYMENT_STATUSES) expect(canTransition(from, to)).toBe(false);
    }
  });

  it('maps the five reasons to E001..E005 in the seed’s order', () => {
    expect(FAIL_REASONS.map(failCode)).toEqual(['E001', 'E002', 'E003', 'E004', 'E005']);
    expect(failCode('INSUFFICIENT_BALANCE')).toBe('E001');
    expect(failCode('SYSTEM_ERROR')).toBe('E005');
  });
});
