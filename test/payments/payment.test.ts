import { describe, expect, it } from 'vitest';
import { FAIL_REASONS, PAYMENT_STATUSES, canTransition, failCode, isFinal } from '../../src/payments/payment.js';

describe('payment state machine', () => {
  it('allows exactly PENDING → PROCESSING → SUCCESS | FAILED, PENDING → final for the trigger, and SUCCESS → CANCELLED', () => {
    const allowed = PAYMENT_STATUSES.flatMap((from) =>
      PAYMENT_STATUSES.filter((to) => canTransition(from, to)).map((to) => `${from}→${to}`),
    );
    expect(allowed.sort()).toEqual(
      [
        'PENDING→PROCESSING',
        'PENDING→SUCCESS',
        'PENDING→FAILED',
        'PROCESSING→SUCCESS',
        'PROCESSING→FAILED',
        'SUCCESS→CANCELLED',
      ].sort(),
    );
  });

  it('never changes the outcome of processing: FAILED and CANCELLED are the end, SUCCESS can only be cancelled', () => {
    for (const from of PAYMENT_STATUSES.filter(isFinal)) {
      for (const to of PAYMENT_STATUSES) expect(canTransition(from, to)).toBe(from === 'SUCCESS' && to === 'CANCELLED');
    }
  });

  it('maps the five reasons to E001..E005 in the seed’s order', () => {
    expect(FAIL_REASONS.map(failCode)).toEqual(['E001', 'E002', 'E003', 'E004', 'E005']);
    expect(failCode('INSUFFICIENT_BALANCE')).toBe('E001');
    expect(failCode('SYSTEM_ERROR')).toBe('E005');
  });
});
