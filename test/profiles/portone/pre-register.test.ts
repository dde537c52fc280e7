/**
 * `payment.preRegisterPayment` of @portone/server-sdk, on every backend:
 * what is registered (total, tax-free part, currency) is what a later
 * payment of that paymentId must be.
 */
import { Payment } from '@portone/server-sdk';
import { afterEach, describe, expect, it } from 'vitest';
import { BACKENDS } from '../hamster-world/setup.js';
import { DECLINED_CARD, cardMethod, newId, order, refused, startPortOne, vaMethod, type PortOne } from './portone.js';
import { as } from './shapes.js';

describe.each(BACKENDS)('PortOne pre-registration ($name)', (backend) => {
  let p: PortOne | undefined;
  afterEach(async () => {
    await p?.close();
    p = undefined;
  });

  it('a payment of another amount is INVALID_REQUEST; of the registered one, PAID', async () => {
    p = await startPortOne(backend);
    const id = newId('pre');
    expect(await p.pay.preRegisterPayment({ paymentId: id, totalAmount: 15_000, currency: 'KRW' })).toEqual({});
    // Registered, not paid: there is no payment to read yet.
    await refused(p.pay.getPayment({ paymentId: id }), Payment.GetPaymentError, 'PAYMENT_NOT_FOUND');

    const wrong = await refused(p.pay.payInstantly(order(id, { amount: { total: 14_999 } })), Payment.PayInstantlyError, 'INVALID_REQUEST');
    expect(wrong.message).toContain('15000');
    await refused(p.pay.payInstantly(order(id, { amount: { total: 15_000 }, currency: 'USD' })), Payment.PayInstantlyError, 'INVALID_REQUEST');
    await refused(p.pay.payInstantly(order(id, { amount: { total: 10_000 }, method: vaMethod() })), Payment.PayInstantlyError, 'INVALID_REQUEST');
    expect(await p.t.count('payment_processes')).toBe(0);

    await p.pay.payInstantly(order(id, { amount: { total: 15_000 } }));
    expect(as(await p.pay.getPayment({ paymentId: id }), 'PAID').amount.total).toBe(15_000);
    await p.hooks(1);
  });

  it('the tax-free part must match too; registering again replaces what was registered', async () => {
    p = await startPortOne(backend);
    const id = newId('pre');
    await p.pay.preRegisterPayment({ paymentId: id, totalAmount: 10_000, taxFreeAmount: 1000 });
    await refused(p.pay.payInstantly(order(id, { amount: { total: 10_000 } })), Payment.PayInstantlyError, 'INVALID_REQUEST');
    await p.pay.preRegisterPayment({ paymentId: id, totalAmount: 12_000 });
    await refused(p.pay.payInstantly(order(id, { amount: { total: 10_000, taxFree: 1000 } })), Payment.PayInstantlyError, 'INVALID_REQUEST');
    await p.pay.payInstantly(order(id, { amount: { total: 12_000, taxFree: 500 } }));
    expect(as(await p.pay.getPayment({ paymentId: id }), 'PAID').amount).toMatchObject({ total: 12_000, taxFree: 500 });
    await p.hooks(1);
  });

  it('ALREADY_PAID on a paid paymentId (and on one waiting for a deposit); a failed one may be registered again', async () => {
    p = await startPortOne(backend, { 'portone.virtual-account.deposit-after': '1h' });
    const paid = newId('paid');
    await p.pay.payInstantly(order(paid));
    await refused(p.pay.preRegisterPayment({ paymentId: paid, totalAmount: 10_000 }), Payment.PreRegisterPaymentError, 'ALREADY_PAID');
    const va = newId('va');
    await p.pay.payInstantly(order(va, { method: vaMethod() }));
    await refused(p.pay.preRegisterPayment({ paymentId: va, totalAmount: 10_000 }), Payment.PreRegisterPaymentError, 'ALREADY_PAID');

    const failed = newId('failed');
    await p.pay.payInstantly(order(failed, { method: cardMethod(DECLINED_CARD) })).catch(() => undefined);
    expect(await p.pay.preRegisterPayment({ paymentId: failed, totalAmount: 2000 })).toEqual({});
    await refused(p.pay.payInstantly(order(failed)), Payment.PayInstantlyError, 'INVALID_REQUEST');
    await p.pay.payInstantly(order(failed, { amount: { total: 2000 } }));
    as(await p.pay.getPayment({ paymentId: failed }), 'PAID');
    await p.hooks(4);
  });

  it('refuses a malformed registration (INVALID_REQUEST)', async () => {
    p = await startPortOne(backend);
    await refused(p.pay.preRegisterPayment({ paymentId: newId(), totalAmount: 0 }), Payment.PreRegisterPaymentError, 'INVALID_REQUEST');
    await refused(p.pay.preRegisterPayment({ paymentId: newId(), currency: 'won' }), Payment.PreRegisterPaymentError, 'INVALID_REQUEST');
    await refused(p.pay.preRegisterPayment({ paymentId: newId(), taxFreeAmount: -1 }), Payment.PreRegisterPaymentError, 'INVALID_REQUEST');
  });
});
