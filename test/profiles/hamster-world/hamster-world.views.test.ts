import { describe, expect, it } from 'vitest';
import type { PaymentProcess } from '../../../src/payments/payment.js';
import { page, processAck, transactionResponse, webhookBody } from '../../../src/profiles/hamster-world/hamster-world.views.js';
import { parseWebhook } from './cash-gateway.js';

const base: PaymentProcess = {
  id: 1,
  publicId: 'p1',
  tid: 'DUMMY_20260205_12345678',
  orderId: 'ORD-1',
  userPublicId: null,
  amount: 1000,
  status: 'SUCCESS',
  approvalNo: 'AP1',
  failReason: null,
  echo: null,
  webhookUrl: 'http://127.0.0.1:9/x',
  webhookSentAt: null,
  webhookResponseCode: null,
  requestedAt: 0,
  processingStartedAt: 0,
  processedAt: 0,
  claimToken: null,
  mid: 'hamster_dummy_mid_001',
  scenario: null,
  effect: null,
  processAfter: null,
  cancelledAt: null,
  profile: 'hamster-world',
  decidedBy: 'random',
  cancelledAmount: 0,
};

describe('hamster-world rendering', () => {
  it('the webhook of every event parses with the Cash Gateway’s non-null rules, echo as JSON text', () => {
    for (const event of ['SUCCESS', 'FAILED', 'CANCELLED'] as const) {
      const p = { ...base, status: event, failReason: event === 'FAILED' ? ('EXPIRED_CARD' as const) : null, approvalNo: event === 'FAILED' ? null : 'AP1' };
      const text = webhookBody(p, event);
      const hook = parseWebhook(text);
      expect(hook.userId).toBe('');
      expect(JSON.parse(text).echo).toBe('{}');
      expect(hook.status).toBe({ SUCCESS: 'COMPLETED', FAILED: 'FAILED', CANCELLED: 'CANCELLED' }[event]);
      expect(hook.failureReason).toBe(event === 'FAILED' ? 'EXPIRED_CARD' : null);
      expect(hook.approvalNo).toBe(event === 'FAILED' ? null : 'AP1');
    }
  });

  it('a part cancelled: PARTIAL_CANCELLED with the part’s amount, the upstream keys first, readable by the Cash Gateway as no success', () => {
    const cancellation = { id: 'cancel_1', amount: 3000, taxFreeAmount: 0, vatAmount: null, reason: null, cancelledAt: 0 };
    const p = { ...base, amount: 10000, cancelledAmount: 3000, approvalNo: 'AP1' };
    const text = webhookBody(p, 'PARTIAL_CANCELLED', { cancellation });
    expect(Object.keys(JSON.parse(text))).toEqual(['tid', 'midId', 'userId', 'orderId', 'amount', 'status', 'approvalNo', 'failureReason', 'echo', 'remainingAmount', 'cancellationId']);
    expect(parseWebhook(text)).toMatchObject({ amount: 3000, status: 'PARTIAL_CANCELLED', approvalNo: 'AP1', failureReason: null, code: '9999' });
    expect(JSON.parse(text)).toMatchObject({ remainingAmount: 7000, cancellationId: 'cancel_1' });
    expect(() => webhookBody(p, 'PARTIAL_CANCELLED')).toThrow();

    // The last part: CANCELLED with the payment's amount, and what the part took after the upstream keys.
    const last = { ...cancellation, id: 'cancel_2', amount: 7000 };
    const closing = JSON.parse(webhookBody({ ...p, status: 'CANCELLED', cancelledAmount: 10000 }, 'CANCELLED', { cancellation: last }));
    expect(closing).toMatchObject({ amount: 10000, status: 'CANCELLED', cancelledAmount: 7000, cancellationId: 'cancel_2' });
    // Cancelled whole at once: the body it always was.
    const whole = webhookBody({ ...p, status: 'CANCELLED', cancelledAmount: 10000 }, 'CANCELLED', { cancellation: { ...cancellation, amount: 10000 } });
    expect(Object.keys(JSON.parse(whole))).toEqual(['tid', 'midId', 'userId', 'orderId', 'amount', 'status', 'approvalNo', 'failureReason', 'echo']);
  });

  it('the views add the balance and the cancellations after the upstream fields', () => {
    const p = { ...base, status: 'SUCCESS' as const, amount: 10000, cancelledAmount: 3000 };
    const cancellation = { id: 'cancel_1', amount: 3000, taxFreeAmount: 0, vatAmount: null, reason: 'r', cancelledAt: new Date(2026, 1, 5, 10, 0, 7).getTime() };
    const view = transactionResponse(p, undefined, [cancellation]);
    expect(Object.keys(view).slice(-3)).toEqual(['cancelledAmount', 'remainingAmount', 'cancellations']);
    expect(view).toMatchObject({
      status: 'COMPLETED',
      cancelledAmount: 3000,
      remainingAmount: 7000,
      cancellations: [{ cancellationId: 'cancel_1', amount: 3000, reason: 'r', cancelledAt: '2026-02-05T10:00:07' }],
    });
  });

  it('keeps the echo’s key order in its JSON text', () => {
    const text = webhookBody({ ...base, echo: { z: 1, a: { b: 2 } } }, 'SUCCESS');
    expect(JSON.parse(text).echo).toBe('{"z":1,"a":{"b":2}}');
  });

  it('the ACK carries the amount as sent', () => {
    expect(JSON.stringify(processAck({ amount: 12.345 }))).toBe('{"code":"ACK_OK","amount":12.345,"message":"Payment request accepted"}');
  });

  it('the notification status: NOT_SENT before any attempt, FAILED after failed ones, SENT once delivered', () => {
    const p = { ...base, status: 'SUCCESS' as const };
    expect(transactionResponse(p, undefined, [])).toMatchObject({ notificationStatus: 'NOT_SENT', notificationAttemptCount: 0, lastNotificationAt: null });
    expect(transactionResponse(p, { count: 2, lastAt: 0 }, [])).toMatchObject({ notificationStatus: 'FAILED', notificationAttemptCount: 2 });
    expect(transactionResponse({ ...p, webhookSentAt: 5 }, { count: 3, lastAt: 0 }, [])).toMatchObject({ notificationStatus: 'SENT', notificationAttemptCount: 3 });
  });

  it('a Spring page: counts, first and last', () => {
    expect(page([], 0, 0, 10)).toMatchObject({ totalPages: 0, first: true, last: true, empty: true, numberOfElements: 0 });
    expect(page([1, 2], 5, 1, 2)).toMatchObject({ totalPages: 3, first: false, last: false, pageable: { offset: 2, pageNumber: 1, pageSize: 2 } });
    expect(page([5], 5, 2, 2)).toMatchObject({ last: true, numberOfElements: 1 });
  });
});
