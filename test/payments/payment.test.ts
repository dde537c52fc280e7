import { describe, expect, it } from 'vitest';
import { FAIL_REASONS, failCode } from '../../src/payments/payment.js';

describe('payment failure reasons', () => {
  it('maps the five reasons to E001..E005 in the seed’s order', () => {
    expect(FAIL_REASONS.map(failCode)).toEqual(['E001', 'E002', 'E003', 'E004', 'E005']);
    expect(failCode('INSUFFICIENT_BALANCE')).toBe('E001');
    expect(failCode('SYSTEM_ERROR')).toBe('E005');
  });
});
