/**
 * Reading many payments through @portone/server-sdk, on every backend:
 * `getPayments` (PortOne's filters, page number and size, exact totalCount)
 * and `getAllPaymentsByCursor` walked page by page with the last item's
 * cursor until a page comes back empty.
 */
import { Payment } from '@portone/server-sdk';
import { afterEach, describe, expect, it } from 'vitest';
import { BACKENDS } from '../hamster-world/setup.js';
import { DECLINED_CARD, STORE_ID, cardMethod, order, refused, startPortOne, vaMethod, type PortOne } from './portone.js';
import { checkPayment } from './shapes.js';

/** Seven payments of every status this emulation has, made in this order. */
async function makeAll(p: PortOne): Promise<Record<string, string[]>> {
  await p.pay.payInstantly(order('paid-1'));
  await p.pay.payInstantly(order('paid-2', { method: cardMethod('5555555555554444') }));
  await p.pay.payInstantly(order('failed-1', { method: cardMethod(DECLINED_CARD) })).catch(() => undefined);
  await p.pay.payInstantly(order('va-1', { method: vaMethod() }));
  await p.pay.payInstantly(order('part-1'));
  await p.pay.cancelPayment({ paymentId: 'part-1', amount: 100, reason: 'part' });
  await p.pay.payInstantly(order('cancelled-1'));
  await p.pay.cancelPayment({ paymentId: 'cancelled-1', reason: 'all' });
  await p.pay.payInstantly(order('va-paid', { method: vaMethod() }));
  const issued = await p.pay.getPayment({ paymentId: 'va-paid' });
  expect((await p.trigger(issued.status === 'VIRTUAL_ACCOUNT_ISSUED' ? issued.transactionId : '', 'SUCCESS')).status).toBe(200);
  return {
    PAID: ['paid-1', 'paid-2', 'va-paid'],
    FAILED: ['failed-1'],
    VIRTUAL_ACCOUNT_ISSUED: ['va-1'],
    PARTIAL_CANCELLED: ['part-1'],
    CANCELLED: ['cancelled-1'],
  };
}

const ALL = ['paid-1', 'paid-2', 'failed-1', 'va-1', 'part-1', 'cancelled-1', 'va-paid'];
const ids = (items: readonly Payment.Payment[]) => items.map((item) => checkPayment(item).id);

describe.each(BACKENDS)('PortOne lists ($name)', (backend) => {
  let p: PortOne | undefined;
  afterEach(async () => {
    await p?.close();
    p = undefined;
  });

  it('getPayments: every payment of the store by default, filtered by status and by method, with exact counts', async () => {
    p = await startPortOne(backend, { 'portone.virtual-account.deposit-after': '1h', merchants: [{ mid: 'store-b', webhookUrl: 'http://127.0.0.1:9/b', apiKey: 'secret-b-123' }] });
    const byStatus = await makeAll(p);
    await p.clientFor('secret-b-123').payment.payInstantly(order('b-1'));

    const all = await p.pay.getPayments();
    expect(all.page).toEqual({ number: 0, size: 10, totalCount: ALL.length });
    expect(ids(all.items).sort()).toEqual([...ALL].sort());
    for (const item of all.items) expect(item).toMatchObject({ storeId: STORE_ID });

    for (const [status, expected] of Object.entries(byStatus)) {
      const page = await p.pay.getPayments({ filter: { status: [status as Payment.PaymentStatus] } });
      expect(ids(page.items).sort(), status).toEqual([...expected].sort());
      expect(page.page.totalCount).toBe(expected.length);
      for (const item of page.items) expect(item.status).toBe(status);
    }
    const cancelledOrPart = await p.pay.getPayments({ filter: { status: ['PARTIAL_CANCELLED', 'CANCELLED'] } });
    expect(ids(cancelledOrPart.items).sort()).toEqual(['cancelled-1', 'part-1']);
    for (const never of ['READY', 'PENDING'] as const) {
      expect(await p.pay.getPayments({ filter: { status: [never] } })).toEqual({ items: [], page: { number: 0, size: 10, totalCount: 0 } });
    }

    const cards = await p.pay.getPayments({ filter: { methods: ['CARD'] } });
    expect(ids(cards.items).sort()).toEqual(['cancelled-1', 'failed-1', 'paid-1', 'paid-2', 'part-1']);
    for (const item of cards.items) expect(item).toMatchObject({ method: { type: 'PaymentMethodCard' } });
    const accounts = await p.pay.getPayments({ filter: { methods: ['VIRTUAL_ACCOUNT'] } });
    expect(ids(accounts.items).sort()).toEqual(['va-1', 'va-paid']);
    const paidAccounts = await p.pay.getPayments({ filter: { methods: ['VIRTUAL_ACCOUNT'], status: ['PAID'] } });
    expect(ids(paidAccounts.items)).toEqual(['va-paid']);
    expect((await p.pay.getPayments({ filter: { methods: ['TRANSFER', 'EASY_PAY'] } })).page.totalCount).toBe(0);
    expect((await p.pay.getPayments({ filter: { isTest: false } })).page.totalCount).toBe(0);
    expect((await p.pay.getPayments({ filter: { storeId: STORE_ID } })).page.totalCount).toBe(ALL.length);
    await refused(p.pay.getPayments({ filter: { storeId: 'store-b' } }), Payment.GetPaymentsError, 'FORBIDDEN');
    await refused(p.pay.getPayments({ filter: { status: ['PAYED' as Payment.PaymentStatus] } }), Payment.GetPaymentsError, 'INVALID_REQUEST');

    // Store B sees its own only.
    expect(ids((await p.clientFor('secret-b-123').payment.getPayments()).items)).toEqual(['b-1']);
    await p.hooks(10);
  });

  it('getPayments: pages by number and size, in either order; the time window', async () => {
    p = await startPortOne(backend, { 'portone.virtual-account.deposit-after': '1h' });
    await makeAll(p);
    const seen: string[] = [];
    for (let number = 0; ; number++) {
      const page = await p.pay.getPayments({ page: { number, size: 3 }, filter: { sortBy: 'REQUESTED_AT', sortOrder: 'ASC' } });
      expect(page.page).toEqual({ number, size: 3, totalCount: ALL.length });
      if (page.items.length === 0) break;
      expect(page.items.length).toBeLessThanOrEqual(3);
      seen.push(...ids(page.items));
    }
    expect(seen).toEqual(ALL);
    const newestFirst = await p.pay.getPayments({ page: { size: 100 }, filter: { sortBy: 'REQUESTED_AT', sortOrder: 'DESC' } });
    expect(ids(newestFirst.items)).toEqual([...ALL].reverse());

    const future = new Date(Date.now() + 3_600_000).toISOString();
    const past = new Date(Date.now() - 3_600_000).toISOString();
    expect((await p.pay.getPayments({ filter: { timestampType: 'CREATED_AT', from: future } })).page.totalCount).toBe(0);
    expect((await p.pay.getPayments({ filter: { timestampType: 'CREATED_AT', until: past } })).page.totalCount).toBe(0);
    expect((await p.pay.getPayments({ filter: { timestampType: 'CREATED_AT', from: past, until: future } })).page.totalCount).toBe(ALL.length);
    expect((await p.pay.getPayments({ filter: { timestampType: 'STATUS_CHANGED_AT', from: past, until: future } })).page.totalCount).toBe(ALL.length);
    await refused(p.pay.getPayments({ page: { size: 0 } }), Payment.GetPaymentsError, 'INVALID_REQUEST');
    await refused(p.pay.getPayments({ filter: { from: 'yesterday' } }), Payment.GetPaymentsError, 'INVALID_REQUEST');
    await p.hooks(10);
  });

  it('a paymentId paid again after a failure is one payment in the lists: its latest attempt', async () => {
    p = await startPortOne(backend);
    await p.pay.payInstantly(order('retried', { method: cardMethod(DECLINED_CARD) })).catch(() => undefined);
    await p.pay.payInstantly(order('retried'));
    await p.pay.payInstantly(order('other'));
    const all = await p.pay.getPayments();
    expect(all.page.totalCount).toBe(2);
    expect(ids(all.items).sort()).toEqual(['other', 'retried']);
    expect(all.items.find((item) => item.status !== 'PAID')).toBeUndefined();
    expect((await p.pay.getPayments({ filter: { status: ['FAILED'] } })).page.totalCount).toBe(0);
    const walked = (await p.pay.getAllPaymentsByCursor({ size: 10 })).items.map((i) => checkPayment(i.payment));
    expect(walked.map((w) => w.status)).toEqual(['PAID', 'PAID']);
    await p.hooks(3);
  });

  it('getAllPaymentsByCursor: oldest first, each next page after the last item’s cursor, until an empty page', async () => {
    p = await startPortOne(backend, { 'portone.virtual-account.deposit-after': '1h' });
    await makeAll(p);
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    for (;;) {
      const { items } = await p.pay.getAllPaymentsByCursor({ size: 2, ...(cursor === undefined ? {} : { cursor }) });
      pages++;
      if (items.length === 0) break;
      expect(items.length).toBeLessThanOrEqual(2);
      for (const item of items) {
        expect(typeof item.cursor).toBe('string');
        seen.push(checkPayment(item.payment).id);
      }
      cursor = items.at(-1)!.cursor;
    }
    expect(seen).toEqual(ALL);
    expect(pages).toBe(Math.ceil(ALL.length / 2) + 1);

    // The store the client names (init.storeId) is the secret's; another one is forbidden.
    expect((await p.clientFor('hamster-pg-portone-test-api-secret', STORE_ID).payment.getAllPaymentsByCursor({ size: 100 })).items).toHaveLength(ALL.length);
    await refused(p.pay.getAllPaymentsByCursor({ storeId: 'store-b' }), Payment.GetAllPaymentsError, 'FORBIDDEN');
    await refused(p.pay.getAllPaymentsByCursor({ cursor: 'not-a-cursor' }), Payment.GetAllPaymentsError, 'INVALID_REQUEST');
    const future = new Date(Date.now() + 3_600_000).toISOString();
    expect((await p.pay.getAllPaymentsByCursor({ from: future })).items).toEqual([]);
    await p.hooks(10);
  });
});
