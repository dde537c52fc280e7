/**
 * A virtual account whose expiry comes before portone.virtual-account.deposit-after
 * is decided at its expiry — and then it was not paid: FAILED, expired, with
 * Transaction.Failed — whatever the success rate says.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { BACKENDS } from '../hamster-world/setup.js';
import { newId, order, startPortOne, vaMethod, type PortOne } from './portone.js';
import { as } from './shapes.js';

describe.each(BACKENDS)('PortOne virtual account expiry ($name)', (backend) => {
  let p: PortOne | undefined;
  afterEach(async () => {
    await p?.close();
    p = undefined;
  });

  it('expires unpaid at its due date when that comes before the deposit', async () => {
    p = await startPortOne(backend, { 'portone.virtual-account.deposit-after': '1h', 'payment.process.success-rate': 100 });
    const id = newId('va-exp');
    const dueDate = new Date(Date.now() + 1_500).toISOString();
    await p.pay.payInstantly(order(id, { method: vaMethod({ expiry: { dueDate } }) }));
    await p.process();
    expect((await p.pay.getPayment({ paymentId: id })).status).toBe('VIRTUAL_ACCOUNT_ISSUED'); // not yet due
    await new Promise((r) => setTimeout(r, Date.parse(dueDate) - Date.now() + 50));
    await p.process();
    const failed = as(await p.pay.getPayment({ paymentId: id }), 'FAILED');
    expect(failed.failure).toMatchObject({ pgCode: 'VIRTUAL_ACCOUNT_EXPIRED' });
    expect(Date.parse(failed.failedAt)).toBeGreaterThanOrEqual(Date.parse(dueDate));
    expect((await p.hooks(2)).map((h) => h.webhook.type)).toEqual(['Transaction.VirtualAccountIssued', 'Transaction.Failed']);
  });
});
