/**
 * `payment.cancelPayment` of @portone/server-sdk, on every backend: a part,
 * then the rest, each a SUCCEEDED cancellation listed on the payment and
 * announced by its webhook (cancellationId = the cancellation's id), and
 * PortOne's refusals for what cannot be cancelled.
 */
import { Payment } from '@portone/server-sdk';
import { afterEach, describe, expect, it } from 'vitest';
import { BACKENDS } from '../hamster-world/setup.js';
import { DECLINED_CARD, STORE_ID, cardMethod, newId, order, refused, startPortOne, vaMethod, type PortOne } from './portone.js';
import { as, checkCancellation } from './shapes.js';

describe.each(BACKENDS)('PortOne cancellation ($name)', (backend) => {
  let p: PortOne | undefined;
  afterEach(async () => {
    await p?.close();
    p = undefined;
  });

  it('cancels a part (PARTIAL_CANCELLED, Transaction.PartialCancelled), then the rest (CANCELLED, Transaction.Cancelled)', async () => {
    p = await startPortOne(backend);
    const id = newId();
    await p.pay.payInstantly(order(id, { amount: { total: 10_000 } }));
    const paid = as(await p.pay.getPayment({ paymentId: id }), 'PAID');

    const part = checkCancellation((await p.pay.cancelPayment({ paymentId: id, amount: 3000, reason: '일부 반품', requester: 'CUSTOMER' })).cancellation);
    expect(part).toMatchObject({ status: 'SUCCEEDED', totalAmount: 3000, taxFreeAmount: 0, vatAmount: 273, reason: '일부 반품', trigger: 'API' });
    const partly = as(await p.pay.getPayment({ paymentId: id }), 'PARTIAL_CANCELLED');
    expect(partly.amount).toMatchObject({ total: 10_000, paid: 10_000, cancelled: 3000, cancelledTaxFree: 0 });
    expect(partly.cancellations).toEqual([part]);
    expect(partly.cancelledAt).toBe(part.cancelledAt);
    expect(partly.statusChangedAt).toBe(part.cancelledAt);
    expect(partly.paidAt).toBe(paid.paidAt);
    expect(partly.transactionId).toBe(paid.transactionId);

    const rest = checkCancellation((await p.pay.cancelPayment({ paymentId: id, reason: '전체 취소' })).cancellation);
    expect(rest).toMatchObject({ totalAmount: 7000, taxFreeAmount: 0, reason: '전체 취소' });
    expect(rest.id).not.toBe(part.id);
    const cancelled = as(await p.pay.getPayment({ paymentId: id }), 'CANCELLED');
    expect(cancelled.amount).toMatchObject({ paid: 10_000, cancelled: 10_000 });
    expect(cancelled.cancellations).toEqual([part, rest]);
    expect(cancelled.cancelledAt).toBe(rest.cancelledAt);

    const hooks = await p.hooks(3);
    const data = { paymentId: id, storeId: STORE_ID, transactionId: paid.transactionId };
    expect(hooks.map((h) => h.webhook)).toEqual([
      { type: 'Transaction.Paid', timestamp: paid.paidAt, data },
      { type: 'Transaction.PartialCancelled', timestamp: part.cancelledAt, data: { ...data, cancellationId: part.id } },
      { type: 'Transaction.Cancelled', timestamp: rest.cancelledAt, data: { ...data, cancellationId: rest.id } },
    ]);

    await refused(p.pay.cancelPayment({ paymentId: id, reason: 'again' }), Payment.CancelPaymentError, 'PAYMENT_ALREADY_CANCELLED');
    await refused(p.pay.cancelPayment({ paymentId: id, amount: 1, reason: 'again' }), Payment.CancelPaymentError, 'PAYMENT_ALREADY_CANCELLED');
  });

  it('cancels a whole payment in one call: CANCELLED with one cancellation of the total', async () => {
    p = await startPortOne(backend);
    const id = newId();
    await p.pay.payInstantly(order(id, { amount: { total: 5500 } }));
    const cancellation = checkCancellation((await p.pay.cancelPayment({ paymentId: id, reason: 'changed my mind' })).cancellation);
    expect(cancellation).toMatchObject({ totalAmount: 5500, vatAmount: 500 });
    const cancelled = as(await p.pay.getPayment({ paymentId: id }), 'CANCELLED');
    expect(cancelled.cancellations).toEqual([cancellation]);
    const hooks = await p.hooks(2);
    expect(hooks[1]!.webhook).toMatchObject({ type: 'Transaction.Cancelled', data: { cancellationId: cancellation.id } });
  });

  it('CANCEL_AMOUNT_EXCEEDS_CANCELLABLE_AMOUNT beyond what is left, and CANCELLABLE_AMOUNT_CONSISTENCY_BROKEN for a wrong balance', async () => {
    p = await startPortOne(backend);
    const id = newId();
    await p.pay.payInstantly(order(id, { amount: { total: 10_000 } }));
    await refused(p.pay.cancelPayment({ paymentId: id, amount: 10_001, reason: 'too much' }), Payment.CancelPaymentError, 'CANCEL_AMOUNT_EXCEEDS_CANCELLABLE_AMOUNT');
    await p.pay.cancelPayment({ paymentId: id, amount: 4000, reason: 'part', currentCancellableAmount: 10_000 });
    await refused(p.pay.cancelPayment({ paymentId: id, amount: 6001, reason: 'too much' }), Payment.CancelPaymentError, 'CANCEL_AMOUNT_EXCEEDS_CANCELLABLE_AMOUNT');
    const broken = await refused(
      p.pay.cancelPayment({ paymentId: id, amount: 1000, reason: 'stale', currentCancellableAmount: 10_000 }),
      Payment.CancelPaymentError,
      'CANCELLABLE_AMOUNT_CONSISTENCY_BROKEN',
    );
    expect(broken.message).toContain('6000');
    await p.pay.cancelPayment({ paymentId: id, amount: 1000, reason: 'fresh', currentCancellableAmount: 6000 });
    const partly = as(await p.pay.getPayment({ paymentId: id }), 'PARTIAL_CANCELLED');
    expect(partly.amount.cancelled).toBe(5000);
    expect(partly.cancellations.map((c) => checkCancellation(c).totalAmount)).toEqual([4000, 1000]);
    await p.hooks(3);
  });

  it('PAYMENT_NOT_PAID for a failed payment and for a virtual account not yet paid; PAYMENT_NOT_FOUND for none', async () => {
    p = await startPortOne(backend, { 'portone.virtual-account.deposit-after': '1h' });
    const failed = newId('failed');
    await p.pay.payInstantly(order(failed, { method: cardMethod(DECLINED_CARD) })).catch(() => undefined);
    await refused(p.pay.cancelPayment({ paymentId: failed, reason: 'x' }), Payment.CancelPaymentError, 'PAYMENT_NOT_PAID');
    const va = newId('va');
    await p.pay.payInstantly(order(va, { method: vaMethod() }));
    await refused(p.pay.cancelPayment({ paymentId: va, reason: 'x' }), Payment.CancelPaymentError, 'PAYMENT_NOT_PAID');
    await refused(p.pay.cancelPayment({ paymentId: 'nope', reason: 'x' }), Payment.CancelPaymentError, 'PAYMENT_NOT_FOUND');
    as(await p.pay.getPayment({ paymentId: failed }), 'FAILED');
    as(await p.pay.getPayment({ paymentId: va }), 'VIRTUAL_ACCOUNT_ISSUED');
    // Once deposited, the virtual account can be cancelled.
    const issued = as(await p.pay.getPayment({ paymentId: va }), 'VIRTUAL_ACCOUNT_ISSUED');
    expect((await p.trigger(issued.transactionId, 'SUCCESS')).status).toBe(200);
    await p.pay.cancelPayment({ paymentId: va, reason: 'refund', amount: 2000 });
    as(await p.pay.getPayment({ paymentId: va }), 'PARTIAL_CANCELLED');
    await p.hooks(4);
  });

  it('tax-free parts: CANCEL_TAX_FREE_AMOUNT_EXCEEDS_…, CANCEL_TAX_AMOUNT_EXCEEDS_…, SUM_OF_PARTS_EXCEEDS_CANCEL_AMOUNT; amount.cancelledTaxFree', async () => {
    p = await startPortOne(backend);
    const id = newId();
    await p.pay.payInstantly(order(id, { amount: { total: 10_000, taxFree: 2000 } }));
    const paid = as(await p.pay.getPayment({ paymentId: id }), 'PAID');
    expect(paid.amount).toMatchObject({ total: 10_000, taxFree: 2000, vat: 727, supply: 7273 });

    const cancel = (amount: number, taxFreeAmount?: number, vatAmount?: number) =>
      p!.pay.cancelPayment({ paymentId: id, reason: 'tax', amount, ...(taxFreeAmount === undefined ? {} : { taxFreeAmount }), ...(vatAmount === undefined ? {} : { vatAmount }) });
    await refused(cancel(5000, 3000), Payment.CancelPaymentError, 'CANCEL_TAX_FREE_AMOUNT_EXCEEDS_CANCELLABLE_TAX_FREE_AMOUNT');
    await refused(cancel(9000, 0), Payment.CancelPaymentError, 'CANCEL_TAX_AMOUNT_EXCEEDS_CANCELLABLE_TAX_AMOUNT');
    await refused(cancel(1000, 800, 300), Payment.CancelPaymentError, 'SUM_OF_PARTS_EXCEEDS_CANCEL_AMOUNT');

    const { cancellation } = await cancel(3000, 1500);
    expect(checkCancellation(cancellation)).toMatchObject({ totalAmount: 3000, taxFreeAmount: 1500, vatAmount: 136 });
    await refused(cancel(1000, 501), Payment.CancelPaymentError, 'CANCEL_TAX_FREE_AMOUNT_EXCEEDS_CANCELLABLE_TAX_FREE_AMOUNT');
    const partly = as(await p.pay.getPayment({ paymentId: id }), 'PARTIAL_CANCELLED');
    expect(partly.amount).toMatchObject({ cancelled: 3000, cancelledTaxFree: 1500 });

    // The rest, whole: it takes the tax-free part that is left.
    const rest = (await p.pay.cancelPayment({ paymentId: id, reason: 'rest' })).cancellation;
    expect(rest).toMatchObject({ totalAmount: 7000, taxFreeAmount: 500 });
    expect(as(await p.pay.getPayment({ paymentId: id }), 'CANCELLED').amount).toMatchObject({ cancelled: 10_000, cancelledTaxFree: 2000 });
    await p.hooks(3);
  });

  it('cancels racing for one payment are checked one after another (currentCancellableAmount, the tax-free part)', async () => {
    p = await startPortOne(backend);
    const id = newId();
    await p.pay.payInstantly(order(id, { amount: { total: 10_000, taxFree: 2000 } }));
    const race = async (n: number, call: () => Promise<unknown>) => {
      const results = await Promise.allSettled(Array.from({ length: n }, call));
      return results.map((r) => (r.status === 'fulfilled' ? 'ok' : (r.reason as InstanceType<typeof Payment.CancelPaymentError>).data.type)).sort();
    };
    expect(await race(5, () => p!.pay.cancelPayment({ paymentId: id, amount: 1000, currentCancellableAmount: 10_000, reason: 'once' }))).toEqual([
      ...Array<string>(4).fill('CANCELLABLE_AMOUNT_CONSISTENCY_BROKEN'),
      'ok',
    ]);
    expect(await race(5, () => p!.pay.cancelPayment({ paymentId: id, amount: 2000, taxFreeAmount: 2000, reason: 'tax-free' }))).toEqual([
      ...Array<string>(4).fill('CANCEL_TAX_FREE_AMOUNT_EXCEEDS_CANCELLABLE_TAX_FREE_AMOUNT'),
      'ok',
    ]);
    const partly = as(await p.pay.getPayment({ paymentId: id }), 'PARTIAL_CANCELLED');
    expect(partly.amount).toMatchObject({ cancelled: 3000, cancelledTaxFree: 2000 });
    expect(partly.cancellations).toHaveLength(2);
    await p.hooks(3);
  });

  it('skipWebhook: the cancellation is made and listed, and no webhook is sent or kept for it', async () => {
    p = await startPortOne(backend);
    const id = newId();
    await p.pay.payInstantly(order(id));
    await p.hooks(1);
    const deliveries = await p.t.count('webhook_deliveries');
    const { cancellation } = await p.pay.cancelPayment({ paymentId: id, amount: 1000, reason: 'quiet', skipWebhook: true });
    await p.process();
    expect(as(await p.pay.getPayment({ paymentId: id }), 'PARTIAL_CANCELLED').cancellations).toEqual([cancellation]);
    await p.pay.cancelPayment({ paymentId: id, reason: 'quiet too', skipWebhook: true });
    await p.process();
    as(await p.pay.getPayment({ paymentId: id }), 'CANCELLED');
    expect(await p.t.count('webhook_deliveries')).toBe(deliveries);
    expect(p.t.receiver.requests).toHaveLength(1);
  });

  it('refuses a cancel without a reason or with a non-positive amount (INVALID_REQUEST), changing nothing', async () => {
    p = await startPortOne(backend);
    const id = newId();
    await p.pay.payInstantly(order(id));
    const noReason = { paymentId: id } as Parameters<typeof p.pay.cancelPayment>[0];
    expect((await refused(p.pay.cancelPayment(noReason), Payment.CancelPaymentError, 'INVALID_REQUEST')).message).toContain('reason');
    await refused(p.pay.cancelPayment({ paymentId: id, amount: 0, reason: 'zero' }), Payment.CancelPaymentError, 'INVALID_REQUEST');
    await refused(p.pay.cancelPayment({ paymentId: id, amount: -5, reason: 'negative' }), Payment.CancelPaymentError, 'INVALID_REQUEST');
    await refused(p.pay.cancelPayment({ paymentId: id, amount: 1.5, reason: 'fraction' }), Payment.CancelPaymentError, 'INVALID_REQUEST');
    as(await p.pay.getPayment({ paymentId: id }), 'PAID');
    await p.hooks(1);
  });
});
