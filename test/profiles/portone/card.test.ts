/**
 * Card payments through `payment.payInstantly` of @portone/server-sdk, on
 * every backend: decided in the request (PAID, or PG_PROVIDER with the PG's
 * code), read back with getPayment, announced by a signed webhook; test
 * cards fix the outcome, other cards follow the engine.
 */
import { Payment } from '@portone/server-sdk';
import { afterEach, describe, expect, it } from 'vitest';
import { TEST_CARDS, PG_FAILURES } from '../../../src/profiles/portone/portone.cards.js';
import { BACKENDS } from '../hamster-world/setup.js';
import { APPROVED_CARD, DECLINED_CARD, PLAIN_CARD, STORE_ID, cardMethod, newId, order, refused, startPortOne, vaMethod, type PortOne } from './portone.js';
import { as, checkPayment, expectTime } from './shapes.js';

describe.each(BACKENDS)('PortOne card payments ($name)', (backend) => {
  let p: PortOne | undefined;
  afterEach(async () => {
    await p?.close();
    p = undefined;
  });

  it('pays with 4242…: 200 with pgTxId and paidAt, getPayment PAID in full, a signed Transaction.Paid', async () => {
    p = await startPortOne(backend);
    const id = newId();
    const answer = await p.pay.payInstantly(
      order(id, {
        orderName: '해바라기씨 1kg',
        amount: { total: 12_000 },
        method: cardMethod(APPROVED_CARD, { installmentMonth: 3 }),
        customer: { id: 'cust-1', name: { full: '김햄찌' }, email: 'ham@example.com' },
        customData: '{"cart":7}',
      }),
    );
    expect(Object.keys(answer)).toEqual(['payment']);
    expect(answer.payment.pgTxId).toMatch(/^pg_/);
    expectTime(answer.payment.paidAt, 'paidAt');

    const paid = as(await p.pay.getPayment({ paymentId: id }), 'PAID');
    expect(paid).toMatchObject({
      id,
      storeId: STORE_ID,
      orderName: '해바라기씨 1kg',
      currency: 'KRW',
      pgTxId: answer.payment.pgTxId,
      paidAt: answer.payment.paidAt,
      customer: { id: 'cust-1', name: '김햄찌', email: 'ham@example.com' },
      customData: '{"cart":7}',
      disputes: [],
      cancellations: [],
      channel: { type: 'TEST', pgProvider: 'TOSSPAYMENTS' },
    });
    expect(paid.amount).toEqual({ total: 12_000, taxFree: 0, vat: 1091, supply: 10_909, discount: 0, paid: 12_000, cancelled: 0, cancelledTaxFree: 0 });
    expect(paid.statusChangedAt).toBe(paid.paidAt);
    expect(paid.receiptUrl).toBe(`${p.t.url}/dashboard/transaction.html?tid=${encodeURIComponent(paid.transactionId)}`);
    const method = paid.method;
    if (method?.type !== 'PaymentMethodCard') throw new Error(`not a card: ${JSON.stringify(method)}`);
    expect(method.card).toMatchObject({ number: '424242******4242', bin: '424242', brand: 'VISA', type: 'CREDIT' });
    expect(JSON.stringify(paid)).not.toContain(APPROVED_CARD);
    expect(method.approvalNumber).toMatch(/\S/);
    expect(method.installment).toEqual({ month: 3, isInterestFree: false });

    const [hook] = await p.hooks(1);
    expect(hook!.webhook).toEqual({
      type: 'Transaction.Paid',
      timestamp: paid.paidAt,
      data: { paymentId: id, storeId: STORE_ID, transactionId: paid.transactionId },
    });
  });

  it('declines 4000000000000002: PayInstantlyError PG_PROVIDER with the PG code; getPayment FAILED; Transaction.Failed', async () => {
    p = await startPortOne(backend);
    const id = newId();
    const data = await refused(p.pay.payInstantly(order(id, { method: cardMethod(DECLINED_CARD) })), Payment.PayInstantlyError, 'PG_PROVIDER');
    expect(data.pgCode).toBe('INVALID_CARD_NUMBER');
    expect(data.pgMessage).toBe(PG_FAILURES.INVALID_CARD.pgMessage);

    const failed = as(await p.pay.getPayment({ paymentId: id }), 'FAILED');
    expect(failed.failure).toEqual({ reason: PG_FAILURES.INVALID_CARD.pgMessage, pgCode: 'INVALID_CARD_NUMBER', pgMessage: PG_FAILURES.INVALID_CARD.pgMessage });
    expect(failed.statusChangedAt).toBe(failed.failedAt);
    expect(failed.amount).toMatchObject({ total: 10_000, paid: 0, cancelled: 0 });
    expect(failed).not.toHaveProperty('paidAt');

    const [hook] = await p.hooks(1);
    expect(hook!.webhook).toEqual({ type: 'Transaction.Failed', timestamp: failed.failedAt, data: { paymentId: id, storeId: STORE_ID, transactionId: failed.transactionId } });
  });

  it('each declining test card answers its reason’s pgCode; each approving one pays', async () => {
    p = await startPortOne(backend, { 'payment.process.success-rate': 0 });
    for (const card of TEST_CARDS) {
      const id = newId(card.number);
      const call = p.pay.payInstantly(order(id, { method: cardMethod(card.number.replace(/(\d{4})(?=\d)/g, '$1-')) }));
      if (card.outcome.status === 'SUCCESS') {
        await call;
        as(await p.pay.getPayment({ paymentId: id }), 'PAID');
      } else {
        const data = await refused(call, Payment.PayInstantlyError, 'PG_PROVIDER');
        expect(data.pgCode, card.says).toBe(PG_FAILURES[card.outcome.reason].pgCode);
        expect(data.pgMessage).toBe(PG_FAILURES[card.outcome.reason].pgMessage);
        expect(as(await p.pay.getPayment({ paymentId: id }), 'FAILED').failure.pgCode).toBe(PG_FAILURES[card.outcome.reason].pgCode);
      }
    }
    expect(new Set(TEST_CARDS.filter((c) => c.outcome.status === 'FAILED').map((c) => c.outcome.status === 'FAILED' && c.outcome.reason)).size).toBe(5);
    await p.hooks(TEST_CARDS.length);
  });

  it('a card that is no test card follows the engine: success rate 100 pays, 0 declines with PG_PROVIDER', async () => {
    p = await startPortOne(backend, { 'payment.process.success-rate': 100 });
    await p.pay.payInstantly(order('always', { method: cardMethod(PLAIN_CARD) }));
    as(await p.pay.getPayment({ paymentId: 'always' }), 'PAID');
    await p.close();

    p = await startPortOne(backend, { 'payment.process.success-rate': 0 });
    const data = await refused(p.pay.payInstantly(order('never', { method: cardMethod(PLAIN_CARD) })), Payment.PayInstantlyError, 'PG_PROVIDER');
    expect(Object.values(PG_FAILURES).map((f) => f.pgCode)).toContain(data.pgCode);
    expect(as(await p.pay.getPayment({ paymentId: 'never' }), 'FAILED').failure.pgCode).toBe(data.pgCode);
  });

  it('a scenario rule on orderName or cardNumber decides a plain card', async () => {
    p = await startPortOne(backend, {
      scenarios: [
        { name: 'gift', match: { orderName: 'Gift*' }, effect: { outcome: 'FAILED', reason: 'LIMIT_EXCEEDED' } },
        { name: 'amex', match: { cardNumber: '3782*' }, effect: { outcome: 'FAILED', reason: 'EXPIRED_CARD' } },
      ],
    });
    const gift = await refused(p.pay.payInstantly(order('gift', { orderName: 'Gift box', method: cardMethod(PLAIN_CARD) })), Payment.PayInstantlyError, 'PG_PROVIDER');
    expect(gift.pgCode).toBe('EXCEED_MAX_AMOUNT');
    const amex = await refused(p.pay.payInstantly(order('amex', { method: cardMethod('378282246310005') })), Payment.PayInstantlyError, 'PG_PROVIDER');
    expect(amex.pgCode).toBe('INVALID_CARD_EXPIRATION');
    // A test card's outcome is fixed whatever the rules say.
    await p.pay.payInstantly(order('gift-ok', { orderName: 'Gift card', method: cardMethod(APPROVED_CARD) }));
    as(await p.pay.getPayment({ paymentId: 'gift-ok' }), 'PAID');
    await p.hooks(3);
  });

  it('ALREADY_PAID for a paid paymentId; a failed paymentId may be paid again, and getPayment shows the latest', async () => {
    p = await startPortOne(backend);
    const id = newId();
    await p.pay.payInstantly(order(id));
    await refused(p.pay.payInstantly(order(id)), Payment.PayInstantlyError, 'ALREADY_PAID');
    await refused(p.pay.payInstantly(order(id, { method: cardMethod(DECLINED_CARD) })), Payment.PayInstantlyError, 'ALREADY_PAID');
    expect(await p.t.count('payment_processes')).toBe(1);

    const retried = newId();
    await refused(p.pay.payInstantly(order(retried, { method: cardMethod(DECLINED_CARD) })), Payment.PayInstantlyError, 'PG_PROVIDER');
    const first = as(await p.pay.getPayment({ paymentId: retried }), 'FAILED');
    await refused(p.pay.payInstantly(order(retried, { method: cardMethod(DECLINED_CARD) })), Payment.PayInstantlyError, 'PG_PROVIDER');
    const answer = await p.pay.payInstantly(order(retried));
    const paid = as(await p.pay.getPayment({ paymentId: retried }), 'PAID');
    expect(paid.pgTxId).toBe(answer.payment.pgTxId);
    expect(paid.transactionId).not.toBe(first.transactionId);
    await refused(p.pay.payInstantly(order(retried)), Payment.PayInstantlyError, 'ALREADY_PAID');

    const hooks = await p.hooks(4);
    expect(hooks.map((h) => h.webhook.type)).toEqual(['Transaction.Paid', 'Transaction.Failed', 'Transaction.Failed', 'Transaction.Paid']);
  });

  it('calls racing for one paymentId pay it once: the others are ALREADY_PAID', async () => {
    p = await startPortOne(backend, { 'portone.virtual-account.deposit-after': '1h' });
    for (const [id, method] of [
      ['raced-card', cardMethod()],
      ['raced-va', vaMethod()],
    ] as const) {
      const results = await Promise.allSettled(Array.from({ length: 6 }, () => p!.pay.payInstantly(order(id, { method }))));
      expect(results.filter((r) => r.status === 'fulfilled'), id).toHaveLength(1);
      for (const r of results) {
        if (r.status === 'rejected') expect((r.reason as InstanceType<typeof Payment.PayInstantlyError>).data.type).toBe('ALREADY_PAID');
      }
    }
    expect(await p.t.count('payment_processes')).toBe(2);
    await p.hooks(2);
  });

  it('refuses what is not a payment: SUM_OF_PARTS_EXCEEDS_TOTAL_AMOUNT, INVALID_REQUEST — storing nothing', async () => {
    p = await startPortOne(backend);
    const sum = await refused(p.pay.payInstantly(order('sum', { amount: { total: 1000, taxFree: 800, vat: 300 } })), Payment.PayInstantlyError, 'SUM_OF_PARTS_EXCEEDS_TOTAL_AMOUNT');
    expect(sum.message).toMatch(/taxFree/);
    const bad: Array<[string, Record<string, unknown>]> = [
      ['orderName', { orderName: undefined }],
      ['method', { method: undefined }],
      ['method', { method: {} }],
      ['method', { method: { ...cardMethod(), ...{ virtualAccount: { bank: 'SHINHAN', expiry: { validHours: 1 }, option: { type: 'NORMAL' } } } } }],
      ['amount', { amount: undefined }],
      ['amount.total', { amount: { total: 0 } }],
      ['amount.total', { amount: { total: 10.5 } }],
      ['currency', { currency: undefined }],
      ['credential.number', { method: cardMethod('4242') }],
      ['expiryMonth', { method: { card: { credential: { number: APPROVED_CARD, expiryYear: '30', expiryMonth: '13' } } } }],
    ];
    for (const [field, change] of bad) {
      const request = { ...order(newId()), ...change } as ReturnType<typeof order>;
      const data = await refused(p.pay.payInstantly(request), Payment.PayInstantlyError, 'INVALID_REQUEST');
      expect(data.message, JSON.stringify(change)).toContain(field);
    }
    expect(await p.t.count('payment_processes')).toBe(0);
    expect(p.t.receiver.requests).toEqual([]);
  });

  it('shows what the request said: a separated name, an address, products, a VAT given, a Mastercard; a paymentId with any characters', async () => {
    p = await startPortOne(backend);
    const id = 'order 1/ä?#%&=+';
    await p.pay.payInstantly(
      order(id, {
        storeId: STORE_ID,
        amount: { total: 11_000, vat: 1000 },
        method: cardMethod('5555 5555 5555 4444'),
        customer: { name: { separated: { first: '햄찌', last: '김' } }, address: { addressLine1: '서울시 중구', addressLine2: '101호', country: 'KR' }, phoneNumber: '01000000000' },
        products: [{ id: 'seed-1', name: 'Seeds', amount: 5500, quantity: 2 }],
        productCount: 2,
        country: 'KR',
        isCulturalExpense: true,
      }),
    );
    const paid = as(await p.pay.getPayment({ paymentId: id, storeId: STORE_ID }), 'PAID');
    expect(paid).toMatchObject({
      id,
      customer: { name: '김햄찌', phoneNumber: '01000000000', address: { type: 'SEPARATED', oneLine: '서울시 중구 101호', addressLine1: '서울시 중구', addressLine2: '101호', country: 'KR' } },
      products: [{ id: 'seed-1', name: 'Seeds', amount: 5500, quantity: 2 }],
      productCount: 2,
      country: 'KR',
      isCulturalExpense: true,
      amount: { total: 11_000, taxFree: 0, vat: 1000, supply: 10_000 },
      method: { type: 'PaymentMethodCard', card: { brand: 'MASTER', number: '555555******4444' } },
    });
    await p.pay.cancelPayment({ paymentId: id, amount: 1000, reason: 'odd id' });
    expect((await p.pay.resendWebhook({ paymentId: id })).webhook.paymentStatus).toBe('PARTIAL_CANCELLED');
    const hooks = await p.hooks(3);
    for (const h of hooks) expect(h.webhook.data).toMatchObject({ paymentId: id });
    await refused(p.pay.getPayment({ paymentId: 'order 1' }), Payment.GetPaymentError, 'PAYMENT_NOT_FOUND');
  });

  it('PAYMENT_NOT_FOUND for an unknown paymentId, and for one only another store has', async () => {
    p = await startPortOne(backend, { merchants: [{ mid: 'store-b', webhookUrl: 'http://127.0.0.1:9/b', apiKey: 'secret-b-123' }] });
    const nothing = await refused(p.pay.getPayment({ paymentId: 'nope' }), Payment.GetPaymentError, 'PAYMENT_NOT_FOUND');
    expect(nothing.message).toContain('nope');
    await p.clientFor('secret-b-123').payment.payInstantly(order('b-only', { method: cardMethod(DECLINED_CARD) })).catch(() => undefined);
    await refused(p.pay.getPayment({ paymentId: 'b-only' }), Payment.GetPaymentError, 'PAYMENT_NOT_FOUND');
    checkPayment(await p.clientFor('secret-b-123').payment.getPayment({ paymentId: 'b-only' }));
  });
});
