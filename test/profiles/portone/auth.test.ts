/**
 * Who may call the PortOne API, through @portone/server-sdk: every method
 * answers UNAUTHORIZED (as its own error class) for a secret no store has,
 * and FORBIDDEN for a storeId that is not the secret's store; a second
 * store (a merchant with an API key) sees only its own payments.
 */
import { Payment, PortOneClient } from '@portone/server-sdk';
import { afterEach, describe, expect, it } from 'vitest';
import { BACKENDS } from '../hamster-world/setup.js';
import { API_SECRET, STORE_ID, newId, order, refused, startPortOne, type PortOne } from './portone.js';
import { as } from './shapes.js';

const [backend] = BACKENDS;

/** Each method in scope, to be called for `paymentId` (one after another), with the SDK error class it throws. */
function calls(pay: PortOneClient['payment'], paymentId: string, storeId?: string): Array<[string, () => Promise<unknown>, abstract new (...args: never[]) => Payment.PaymentError]> {
  const s = storeId === undefined ? {} : { storeId };
  return [
    ['payInstantly', () => pay.payInstantly(order(paymentId, s)), Payment.PayInstantlyError],
    ['preRegisterPayment', () => pay.preRegisterPayment({ paymentId, totalAmount: 1000, ...s }), Payment.PreRegisterPaymentError],
    ['getPayment', () => pay.getPayment({ paymentId, ...s }), Payment.GetPaymentError],
    ['getPayments', () => pay.getPayments({ filter: { ...s } }), Payment.GetPaymentsError],
    ['getAllPaymentsByCursor', () => pay.getAllPaymentsByCursor({ ...s }), Payment.GetAllPaymentsError],
    ['cancelPayment', () => pay.cancelPayment({ paymentId, reason: 'x', ...s }), Payment.CancelPaymentError],
    ['closeVirtualAccount', () => pay.closeVirtualAccount({ paymentId, ...s }), Payment.CloseVirtualAccountError],
    ['resendWebhook', () => pay.resendWebhook({ paymentId, ...s }), Payment.ResendWebhookError],
  ];
}

describe(`PortOne authorization (${backend!.name})`, () => {
  let p: PortOne | undefined;
  afterEach(async () => {
    await p?.close();
    p = undefined;
  });

  it('UNAUTHORIZED from every method for a wrong, empty or missing secret, changing nothing', async () => {
    p = await startPortOne(backend!);
    const id = newId();
    await p.pay.payInstantly(order(id));
    for (const secret of ['wrong-secret-123', '', `${API_SECRET}x`, API_SECRET.toUpperCase()]) {
      for (const [name, call, errorClass] of calls(p.clientFor(secret).payment, id)) {
        const data = await refused(call(), errorClass, 'UNAUTHORIZED');
        expect(data.message, `${name} with "${secret}"`).toMatch(/secret|Authorization/);
      }
    }
    // A bearer token is not this API's scheme.
    const bearer = await fetch(`${p.url}/payments/${id}`, { headers: { authorization: `Bearer ${API_SECRET}` } });
    expect(bearer.status).toBe(401);
    expect(await bearer.json()).toMatchObject({ type: 'UNAUTHORIZED' });
    as(await p.pay.getPayment({ paymentId: id }), 'PAID');
    expect(await p.t.count('payment_processes')).toBe(1);
    await p.hooks(1);
  });

  it('FORBIDDEN from every method for a storeId that is not the secret’s store, in the call or in the client', async () => {
    p = await startPortOne(backend!, { merchants: [{ mid: 'store-b', webhookUrl: 'http://127.0.0.1:9/b', apiKey: 'secret-b-123' }] });
    const id = newId();
    await p.pay.payInstantly(order(id));
    for (const [name, call, errorClass] of calls(p.pay, id, 'store-b')) {
      const data = await refused(call(), errorClass, 'FORBIDDEN');
      expect(data.message, name).toContain('store-b');
    }
    // The client's storeId goes into bodies and the cursor's query (not into getPayment's query).
    const misnamed = p.clientFor(API_SECRET, 'store-b').payment;
    await refused(misnamed.payInstantly(order(newId())), Payment.PayInstantlyError, 'FORBIDDEN');
    await refused(misnamed.cancelPayment({ paymentId: id, reason: 'x' }), Payment.CancelPaymentError, 'FORBIDDEN');
    await refused(misnamed.getAllPaymentsByCursor(), Payment.GetAllPaymentsError, 'FORBIDDEN');
    as(await misnamed.getPayment({ paymentId: id }), 'PAID');
    // Naming its own store is allowed everywhere.
    for (const [name, call] of calls(p.clientFor(API_SECRET, STORE_ID).payment, newId('own'), STORE_ID)) {
      await call().catch((e: unknown) => expect((e as { data: { type: string } }).data.type, name).not.toMatch(/FORBIDDEN|UNAUTHORIZED/));
    }
    as(await p.pay.getPayment({ paymentId: id }), 'PAID');
    await p.t.receiver.waitFor(2);
  });

  it('an inactive store is FORBIDDEN; a second store’s payments are its own', async () => {
    p = await startPortOne(backend!, {
      merchants: [
        { mid: 'store-b', webhookUrl: 'http://127.0.0.1:9/b', apiKey: 'secret-b-123' },
        { mid: 'store-off', webhookUrl: 'http://127.0.0.1:9/off', apiKey: 'secret-off-123', active: false },
      ],
    });
    await refused(p.clientFor('secret-off-123').payment.payInstantly(order(newId())), Payment.PayInstantlyError, 'FORBIDDEN');
    await refused(p.clientFor('secret-off-123').payment.getPayments(), Payment.GetPaymentsError, 'FORBIDDEN');

    const b = p.clientFor('secret-b-123').payment;
    await b.payInstantly(order('shared-id'));
    await p.pay.payInstantly(order('shared-id', { amount: { total: 777 } }));
    expect(as(await b.getPayment({ paymentId: 'shared-id' }), 'PAID')).toMatchObject({ storeId: 'store-b', amount: { total: 10_000 } });
    expect(as(await p.pay.getPayment({ paymentId: 'shared-id' }), 'PAID')).toMatchObject({ storeId: STORE_ID, amount: { total: 777 } });
    await b.cancelPayment({ paymentId: 'shared-id', reason: 'b only' });
    as(await p.pay.getPayment({ paymentId: 'shared-id' }), 'PAID');
    await p.hooks(1);
  });

  it('PortOneClient works with `new` too, as the SDK’s docs show it', async () => {
    p = await startPortOne(backend!);
    const Construct = PortOneClient as unknown as new (init: { secret: string; baseUrl: string }) => PortOneClient;
    const client = new Construct({ secret: API_SECRET, baseUrl: `${p.url}/ignored/prefix/` });
    await refused(client.payment.getPayment({ paymentId: 'none' }), Payment.GetPaymentError, 'PAYMENT_NOT_FOUND');
  });

  it('answers an unknown path with a JSON refusal, never HTML', async () => {
    p = await startPortOne(backend!);
    const res = await fetch(`${p.url}/no/such/api`, { headers: { authorization: `PortOne ${API_SECRET}` } });
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toContain('application/json');
    expect(await res.json()).toMatchObject({ type: expect.any(String), message: expect.any(String) });
  });
});
