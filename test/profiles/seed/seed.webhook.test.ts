import { describe, expect, it } from 'vitest';
import { webhookBody } from '../../../src/profiles/seed/seed.webhook.js';

const echo = { mid: 'hamster_dummy_mid_001', orderNumber: 'CGW_DUMMY_1', gatewayReferenceId: 'CGW_DUMMY_2' };

describe('webhook bodies', () => {
  it('success: exactly the seed’s keys, order and values', () => {
    const body = webhookBody({
      tid: 'DUMMY_20260205_12345678',
      status: 'SUCCESS',
      approvalNo: 'AP1738742800000',
      failReason: null,
      amount: 10000,
      echo,
    });
    expect(JSON.stringify(body)).toBe(
      JSON.stringify({
        status: 'SUCCESS',
        code: '0000',
        transactionId: 'DUMMY_20260205_12345678',
        approvalNo: 'AP1738742800000',
        amount: 10000,
        echo,
        message: 'Payment approved successfully',
      }),
    );
  });

  it('failure: exactly the seed’s keys, E00n code and message', () => {
    const body = webhookBody({
      tid: 'DUMMY_20260205_12345678',
      status: 'FAILED',
      approvalNo: null,
      failReason: 'LIMIT_EXCEEDED',
      amount: 10000.5,
      echo: null,
    });
    expect(JSON.stringify(body)).toBe(
      JSON.stringify({
        status: 'FAILED',
        code: 'E004',
        transactionId: 'DUMMY_20260205_12345678',
        amount: 10000.5,
        echo: null,
        message: 'Payment failed: LIMIT_EXCEEDED',
      }),
    );
  });

  it('refuses to announce a success without approval number or a failure without reason', () => {
    expect(() => webhookBody({ tid: 't', status: 'SUCCESS', approvalNo: null, failReason: null, amount: 1, echo: null })).toThrow();
    expect(() => webhookBody({ tid: 't', status: 'FAILED', approvalNo: null, failReason: null, amount: 1, echo: null })).toThrow();
  });
});
