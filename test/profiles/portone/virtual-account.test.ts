/**
 * Virtual accounts through @portone/server-sdk, on every backend: issued in
 * the request (Transaction.VirtualAccountIssued at once), paid later by the
 * scheduler (processNow), expired by a rule, closed by closeVirtualAccount,
 * deposited at once by the admin trigger.
 */
import { Payment } from '@portone/server-sdk';
import { afterEach, describe, expect, it } from 'vitest';
import { BACKENDS } from '../hamster-world/setup.js';
import { STORE_ID, newId, order, refused, startPortOne, vaMethod, type PortOne } from './portone.js';
import { as, expectTime } from './shapes.js';

const vaOrder = (id: string, extra: Parameters<typeof order>[1] = {}) => order(id, { method: vaMethod(), orderName: 'Hamster house', ...extra });

describe.each(BACKENDS)('PortOne virtual accounts ($name)', (backend) => {
  let p: PortOne | undefined;
  afterEach(async () => {
    await p?.close();
    p = undefined;
  });

  it('issues an account: 200 with pgTxId and paidAt (the issue time), VIRTUAL_ACCOUNT_ISSUED, Transaction.VirtualAccountIssued at once', async () => {
    p = await startPortOne(backend, { 'portone.virtual-account.deposit-after': '0s' });
    const id = newId('va');
    const before = Date.now();
    const answer = await p.pay.payInstantly(vaOrder(id, { method: vaMethod({ bank: 'KOOKMIN', expiry: { validHours: 48 }, remitteeName: '햄스터상점' }) }));
    expect(answer.payment.pgTxId).toMatch(/^pg_/);
    expectTime(answer.payment.paidAt, 'paidAt');

    const issued = as(await p.pay.getPayment({ paymentId: id }), 'VIRTUAL_ACCOUNT_ISSUED');
    expect(issued).toMatchObject({ id, storeId: STORE_ID, pgTxId: answer.payment.pgTxId, orderName: 'Hamster house' });
    expect(issued.amount).toMatchObject({ total: 10_000, paid: 0, cancelled: 0 });
    expect(issued).not.toHaveProperty('paidAt');
    const method = issued.method;
    if (method?.type !== 'PaymentMethodVirtualAccount') throw new Error(`not a virtual account: ${JSON.stringify(method)}`);
    expect(method).toMatchObject({ bank: 'KOOKMIN', accountType: 'NORMAL', remitteeName: '햄스터상점' });
    expect(method.accountNumber).toMatch(/^\d{10,20}$/);
    expect(method.issuedAt).toBe(answer.payment.paidAt);
    const issuedAt = Date.parse(method.issuedAt!);
    expect(issuedAt).toBeGreaterThanOrEqual(before - 1000);
    expect(Date.parse(method.expiredAt!) - issuedAt).toBe(48 * 3_600_000);

    // Announced at once, with no processing pass.
    const [hook] = await p.hooks(1);
    expect(hook!.webhook).toEqual({
      type: 'Transaction.VirtualAccountIssued',
      timestamp: method.issuedAt,
      data: { paymentId: id, storeId: STORE_ID, transactionId: issued.transactionId },
    });

    // The deposit comes later: the scheduler's pass pays it.
    await p.process();
    const paid = as(await p.pay.getPayment({ paymentId: id }), 'PAID');
    expect(paid.transactionId).toBe(issued.transactionId);
    expect(paid.pgTxId).toBe(issued.pgTxId);
    expect(paid.amount).toMatchObject({ paid: 10_000 });
    expect(Date.parse(paid.paidAt)).toBeGreaterThanOrEqual(issuedAt);
    expect(paid.method).toMatchObject({ type: 'PaymentMethodVirtualAccount', accountNumber: method.accountNumber });
    const hooks = await p.hooks(2);
    expect(hooks[1]!.webhook).toEqual({ type: 'Transaction.Paid', timestamp: paid.paidAt, data: { paymentId: id, storeId: STORE_ID, transactionId: issued.transactionId } });
  });

  it('is not paid before deposit-after has passed', async () => {
    p = await startPortOne(backend, { 'portone.virtual-account.deposit-after': '1h' });
    const id = newId('va');
    await p.pay.payInstantly(vaOrder(id));
    expect(await p.process()).toMatchObject({ processed: 0 });
    as(await p.pay.getPayment({ paymentId: id }), 'VIRTUAL_ACCOUNT_ISSUED');
    await p.hooks(1);
  });

  it('expires (FAILED, VIRTUAL_ACCOUNT_EXPIRED, Transaction.Failed) when a rule on its orderName says FAILED', async () => {
    p = await startPortOne(backend, {
      'portone.virtual-account.deposit-after': '0s',
      scenarios: [{ name: 'never-deposited', match: { orderName: 'Unpaid*' }, effect: { outcome: 'FAILED' } }],
    });
    const id = newId('va');
    await p.pay.payInstantly(vaOrder(id, { orderName: 'Unpaid hamster house' }));
    await p.process();
    const failed = as(await p.pay.getPayment({ paymentId: id }), 'FAILED');
    expect(failed.failure).toMatchObject({ pgCode: 'VIRTUAL_ACCOUNT_EXPIRED' });
    expect(failed.method).toMatchObject({ type: 'PaymentMethodVirtualAccount' });
    const hooks = await p.hooks(2);
    expect(hooks.map((h) => h.webhook.type)).toEqual(['Transaction.VirtualAccountIssued', 'Transaction.Failed']);
    expect(hooks[1]!.webhook.timestamp).toBe(failed.failedAt);
    // An expired account's paymentId may be paid again.
    await p.pay.payInstantly(order(id));
    as(await p.pay.getPayment({ paymentId: id }), 'PAID');
    await p.hooks(3);
  });

  it('closeVirtualAccount: closedAt, FAILED (closed) with Transaction.Failed; PAYMENT_NOT_WAITING_FOR_DEPOSIT once it is not waiting', async () => {
    p = await startPortOne(backend, { 'portone.virtual-account.deposit-after': '0s' });
    const id = newId('va');
    await p.pay.payInstantly(vaOrder(id));
    const { closedAt } = await p.pay.closeVirtualAccount({ paymentId: id });
    expectTime(closedAt, 'closedAt');
    const closed = as(await p.pay.getPayment({ paymentId: id }), 'FAILED');
    expect(closed.failure).toMatchObject({ pgCode: 'VIRTUAL_ACCOUNT_CLOSED' });
    expect(closed.failedAt).toBe(closedAt);
    // Closed is final: the scheduler does not pay it afterwards, and it cannot be closed twice.
    await p.process();
    as(await p.pay.getPayment({ paymentId: id }), 'FAILED');
    await refused(p.pay.closeVirtualAccount({ paymentId: id }), Payment.CloseVirtualAccountError, 'PAYMENT_NOT_WAITING_FOR_DEPOSIT');

    const paidId = newId('va');
    await p.pay.payInstantly(vaOrder(paidId));
    await p.process();
    as(await p.pay.getPayment({ paymentId: paidId }), 'PAID');
    await refused(p.pay.closeVirtualAccount({ paymentId: paidId }), Payment.CloseVirtualAccountError, 'PAYMENT_NOT_WAITING_FOR_DEPOSIT');
    const card = newId('card');
    await p.pay.payInstantly(order(card));
    await refused(p.pay.closeVirtualAccount({ paymentId: card }), Payment.CloseVirtualAccountError, 'PAYMENT_NOT_WAITING_FOR_DEPOSIT');
    await refused(p.pay.closeVirtualAccount({ paymentId: 'nope' }), Payment.CloseVirtualAccountError, 'PAYMENT_NOT_FOUND');

    const hooks = await p.hooks(5);
    expect(hooks.map((h) => [h.webhook.type, 'paymentId' in h.webhook.data ? h.webhook.data.paymentId : null])).toEqual([
      ['Transaction.VirtualAccountIssued', id],
      ['Transaction.Failed', id],
      ['Transaction.VirtualAccountIssued', paidId],
      ['Transaction.Paid', paidId],
      ['Transaction.Paid', card],
    ]);
  });

  it('the admin trigger (SUCCESS, on the main listener, by transactionId) deposits it at once', async () => {
    p = await startPortOne(backend, { 'portone.virtual-account.deposit-after': '1h' });
    const id = newId('va');
    await p.pay.payInstantly(vaOrder(id));
    const issued = as(await p.pay.getPayment({ paymentId: id }), 'VIRTUAL_ACCOUNT_ISSUED');
    const res = await p.trigger(issued.transactionId, 'SUCCESS');
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ tid: issued.transactionId, status: 'SUCCESS', finalizedNow: true });
    const paid = as(await p.pay.getPayment({ paymentId: id }), 'PAID');
    const hooks = await p.hooks(2);
    expect(hooks.map((h) => h.webhook.type)).toEqual(['Transaction.VirtualAccountIssued', 'Transaction.Paid']);
    expect(hooks[1]!.webhook.timestamp).toBe(paid.paidAt);
    await refused(p.pay.closeVirtualAccount({ paymentId: id }), Payment.CloseVirtualAccountError, 'PAYMENT_NOT_WAITING_FOR_DEPOSIT');
  });

  it('refuses an account with no bank, no expiry or an expiry in the past (INVALID_REQUEST)', async () => {
    p = await startPortOne(backend);
    const cases: Array<[string, Record<string, unknown>]> = [
      ['bank', { bank: undefined }],
      ['expiry', { expiry: {} }],
      ['dueDate', { expiry: { dueDate: new Date(Date.now() - 60_000).toISOString() } }],
    ];
    for (const [field, change] of cases) {
      const method = { virtualAccount: { ...vaMethod().virtualAccount!, ...change } } as Payment.InstantPaymentMethodInput;
      const data = await refused(p.pay.payInstantly(vaOrder(newId('va'), { method })), Payment.PayInstantlyError, 'INVALID_REQUEST');
      expect(data.message).toContain(field);
    }
    expect(await p.t.count('payment_processes')).toBe(0);
  });
});
