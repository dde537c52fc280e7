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
      cancelledAmount: 0,
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
      cancelledAmount: 0,
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
    expect(() => webhookBody({ tid: 't', status: 'SUCCESS', approvalNo: null, failReason: null, amount: 1, cancelledAmount: 0, echo: null })).toThrow();
    expect(() => webhookBody({ tid: 't', status: 'FAILED', approvalNo: null, failReason: null, amount: 1, cancelledAmount: 0, echo: null })).toThrow();
  });

  const cancellation = (id: string, amount: number) => ({ id, amount, taxFreeAmount: 0, vatAmount: null, reason: null, cancelledAt: 0 });
  const paid = { tid: 'DUMMY_20260205_12345678', approvalNo: 'AP1', failReason: null, amount: 10000, echo } as const;

  it('a part cancelled: PARTIAL_CANCELLED with the part’s amount, what is left and the cancellation’s id', () => {
    const body = webhookBody({ ...paid, status: 'PARTIAL_CANCELLED', cancelledAmount: 3000 }, { cancellation: cancellation('cancel_1', 3000) });
    expect(JSON.stringify(body)).toBe(
      JSON.stringify({
        status: 'PARTIAL_CANCELLED',
        code: '0000',
        transactionId: 'DUMMY_20260205_12345678',
        amount: 3000,
        remainingAmount: 7000,
        cancellationId: 'cancel_1',
        echo,
        message: 'Payment partially cancelled',
      }),
    );
    expect(() => webhookBody({ ...paid, status: 'PARTIAL_CANCELLED', cancelledAmount: 3000 })).toThrow();
  });

  it('cancelled whole at once: the body it always was; after parts: the payment’s amount and what the last part took', () => {
    const whole = webhookBody({ ...paid, status: 'CANCELLED', cancelledAmount: 10000 }, { cancellation: cancellation('cancel_1', 10000) });
    expect(Object.keys(whole)).toEqual(['status', 'code', 'transactionId', 'amount', 'echo', 'message']);
    const last = webhookBody({ ...paid, status: 'CANCELLED', cancelledAmount: 10000 }, { cancellation: cancellation('cancel_2', 7000) });
    expect(JSON.stringify(last)).toBe(
      JSON.stringify({
        status: 'CANCELLED',
        code: '0000',
        transactionId: 'DUMMY_20260205_12345678',
        amount: 10000,
        cancelledAmount: 7000,
        cancellationId: 'cancel_2',
        echo,
        message: 'Payment cancelled successfully',
      }),
    );
  });

  it('the seed contract has no ISSUED webhook', () => {
    expect(() => webhookBody({ ...paid, status: 'ISSUED', cancelledAmount: 0 })).toThrow(/no ISSUED webhook/);
  });
});
