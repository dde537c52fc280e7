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

  it('keeps the echo’s key order in its JSON text', () => {
    const text = webhookBody({ ...base, echo: { z: 1, a: { b: 2 } } }, 'SUCCESS');
    expect(JSON.parse(text).echo).toBe('{"z":1,"a":{"b":2}}');
  });

  it('the ACK carries the amount as sent', () => {
    expect(JSON.stringify(processAck({ amount: 12.345 }))).toBe('{"code":"ACK_OK","amount":12.345,"message":"Payment request accepted"}');
  });

  it('the notification status: NOT_SENT before any attempt, FAILED after failed ones, SENT once delivered', () => {
    const p = { ...base, status: 'SUCCESS' as const };
    expect(transactionResponse(p, undefined)).toMatchObject({ notificationStatus: 'NOT_SENT', notificationAttemptCount: 0, lastNotificationAt: null });
    expect(transactionResponse(p, { count: 2, lastAt: 0 })).toMatchObject({ notificationStatus: 'FAILED', notificationAttemptCount: 2 });
    expect(transactionResponse({ ...p, webhookSentAt: 5 }, { count: 3, lastAt: 0 })).toMatchObject({ notificationStatus: 'SENT', notificationAttemptCount: 3 });
  });

  it('a Spring page: counts, first and last', () => {
    expect(page([], 0, 0, 10)).toMatchObject({ totalPages: 0, first: true, last: true, empty: true, numberOfElements: 0 });
    expect(page([1, 2], 5, 1, 2)).toMatchObject({ totalPages: 3, first: false, last: false, pageable: { offset: 2, pageNumber: 1, pageSize: 2 } });
    expect(page([5], 5, 2, 2)).toMatchObject({ last: true, numberOfElements: 1 });
  });
});
