/**
 * Billing keys through @portone/server-sdk, on every backend: issued for a
 * card (BillingKey.Issued), read back, paid with (a card payment: the key's
 * test number decides), deleted (BillingKey.Deleted) and then refused; an
 * invalid card gets no key. Every webhook verified with Webhook.verify.
 */
import { Payment } from '@portone/server-sdk';
import { afterEach, describe, expect, it } from 'vitest';
import { BACKENDS } from '../hamster-world/setup.js';
import { APPROVED_CARD, DECLINED_CARD, STORE_ID, newId, refused, startPortOne, type PortOne } from './portone.js';
import { as, expectTime } from './shapes.js';

const { IssueBillingKeyError, GetBillingKeyInfoError, DeleteBillingKeyError } = Payment.BillingKey;
const credential = (number: string) => ({ card: { credential: { number, expiryYear: '2030', expiryMonth: '12' } } });

describe.each(BACKENDS)('PortOne billing keys ($name)', (backend) => {
  let p: PortOne | undefined;
  afterEach(async () => {
    await p?.close();
    p = undefined;
  });

  it('issues a key, pays with it, deletes it — then payments and a second delete are refused', async () => {
    p = await startPortOne(backend);
    const { billingKeyInfo } = await p.pay.billingKey.issueBillingKey({
      method: credential(APPROVED_CARD),
      customer: { id: 'cust-7', name: { full: '김햄찌' } },
      customData: '{"plan":"monthly"}',
    });
    expect(billingKeyInfo.billingKey).toMatch(/^billing-key-/);
    expectTime(billingKeyInfo.issuedAt, 'issuedAt');
    expect(billingKeyInfo.channels?.[0]).toMatchObject({ type: 'TEST', pgProvider: 'TOSSPAYMENTS' });

    const info = await p.pay.billingKey.getBillingKeyInfo({ billingKey: billingKeyInfo.billingKey });
    expect(Payment.BillingKey.isUnrecognizedBillingKeyInfo(info)).toBe(false);
    if (info.status !== 'ISSUED') throw new Error(`not ISSUED: ${JSON.stringify(info)}`);
    expect(info).toMatchObject({ billingKey: billingKeyInfo.billingKey, storeId: STORE_ID, issuedAt: billingKeyInfo.issuedAt, customer: { id: 'cust-7', name: '김햄찌' } });
    expect(info.methods?.[0]).toMatchObject({ type: 'BillingKeyPaymentMethodCard', card: { number: '424242******4242', brand: 'VISA' } });

    const paymentId = newId('sub');
    const paid = await p.pay.payWithBillingKey({ paymentId, billingKey: billingKeyInfo.billingKey, orderName: 'Monthly seeds', amount: { total: 9_900 }, currency: 'KRW' });
    const payment = as(await p.pay.getPayment({ paymentId }), 'PAID');
    expect(payment).toMatchObject({ billingKey: billingKeyInfo.billingKey, pgTxId: paid.payment.pgTxId, paidAt: paid.payment.paidAt, customer: { id: 'cust-7' } });

    const { deletedAt } = await p.pay.billingKey.deleteBillingKey({ billingKey: billingKeyInfo.billingKey, reason: 'cancelled plan', requester: 'CUSTOMER' });
    expectTime(deletedAt, 'deletedAt');
    const deleted = await p.pay.billingKey.getBillingKeyInfo({ billingKey: billingKeyInfo.billingKey });
    expect(deleted).toMatchObject({ status: 'DELETED', deletedAt });
    await refused(p.pay.billingKey.deleteBillingKey({ billingKey: billingKeyInfo.billingKey }), DeleteBillingKeyError, 'BILLING_KEY_ALREADY_DELETED');
    await refused(
      p.pay.payWithBillingKey({ paymentId: newId('sub'), billingKey: billingKeyInfo.billingKey, orderName: 'x', amount: { total: 100 }, currency: 'KRW' }),
      Payment.PayWithBillingKeyError,
      'BILLING_KEY_ALREADY_DELETED',
    );

    const hooks = await p.hooks(3);
    expect(hooks.map((h) => h.webhook)).toEqual([
      { type: 'BillingKey.Issued', timestamp: expect.any(String), data: { billingKey: billingKeyInfo.billingKey, storeId: STORE_ID } },
      { type: 'Transaction.Paid', timestamp: paid.payment.paidAt, data: { paymentId, storeId: STORE_ID, transactionId: payment.transactionId } },
      { type: 'BillingKey.Deleted', timestamp: expect.any(String), data: { billingKey: billingKeyInfo.billingKey, storeId: STORE_ID } },
    ]);
  });

  it('refuses an invalid card, an unknown key, and decides each payment by the key’s test number', async () => {
    p = await startPortOne(backend);
    const invalid = await refused(p.pay.billingKey.issueBillingKey({ method: credential(DECLINED_CARD) }), IssueBillingKeyError, 'PG_PROVIDER');
    expect(invalid).toMatchObject({ pgCode: 'INVALID_CARD_NUMBER' });
    await refused(p.pay.billingKey.getBillingKeyInfo({ billingKey: 'billing-key-nobody' }), GetBillingKeyInfoError, 'BILLING_KEY_NOT_FOUND');
    await refused(
      p.pay.payWithBillingKey({ paymentId: newId('sub'), billingKey: 'billing-key-nobody', orderName: 'x', amount: { total: 100 }, currency: 'KRW' }),
      Payment.PayWithBillingKeyError,
      'BILLING_KEY_NOT_FOUND',
    );

    // Insufficient balance is not checked at issue: the key is issued, and every payment with it is declined.
    const { billingKeyInfo } = await p.pay.billingKey.issueBillingKey({ method: credential('4000000000009995') });
    const paymentId = newId('sub');
    const declined = await refused(
      p.pay.payWithBillingKey({ paymentId, billingKey: billingKeyInfo.billingKey, orderName: 'x', amount: { total: 5_000 }, currency: 'KRW' }),
      Payment.PayWithBillingKeyError,
      'PG_PROVIDER',
    );
    expect(declined).toMatchObject({ pgCode: 'NOT_ENOUGH_BALANCE', pgMessage: expect.any(String) });
    expect(as(await p.pay.getPayment({ paymentId }), 'FAILED').failure).toMatchObject({ pgCode: 'NOT_ENOUGH_BALANCE' });

    // Another store's secret does not see this store's key.
    // (A second store, added through the admin API: a merchant with an apiKey.)
    const put = await fetch(`${p.t.url}/api/admin/merchants/store-b`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ webhookUrl: p.t.receiver.url, apiKey: 'store-b-api-secret' }),
    });
    expect(put.status).toBe(201);
    await refused(p.clientFor('store-b-api-secret').payment.billingKey.getBillingKeyInfo({ billingKey: billingKeyInfo.billingKey }), GetBillingKeyInfoError, 'BILLING_KEY_NOT_FOUND');
    // BillingKey.Issued, Transaction.Failed.
    expect((await p.hooks(2)).map((h) => h.webhook.type)).toEqual(['BillingKey.Issued', 'Transaction.Failed']);
  });
});
