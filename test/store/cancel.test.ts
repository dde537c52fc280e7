/**
 * The store's cancellation on a real database, on every backend: a part and
 * then the rest, each with its record and webhook; the compare-and-set on
 * cancelled_amount refusing a stale read and a race; the cancellations of
 * many payments read at once.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/database.js';
import type { PaymentProcess } from '../../src/payments/payment.js';
import type { Store } from '../../src/store/store.js';
import { backends, makeStore } from '../setup/store.js';

const PLAN = { profile: 'seed', webhookUrl: 'http://127.0.0.1:1/hook', mid: null, scenario: null, effect: null };

describe.each(backends())('store cancellation on $name', (backend) => {
  let opened: Awaited<ReturnType<typeof backend.open>>;
  let database: Database;
  let store: Store;
  const now = new Date(2026, 1, 5, 10, 0, 0).getTime();

  beforeEach(async () => {
    opened = await backend.open();
    database = opened.database;
    store = makeStore(database, { clock: () => now });
  });
  afterEach(async () => {
    await database.close();
    await opened.drop();
  });

  const count = async (table: 'payments' | 'webhook_deliveries' | 'payment_cancellations') =>
    Number((await database.db.selectFrom(table).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
  const succeeded = async (amount = 10000): Promise<PaymentProcess> => {
    const p = await store.acceptPayment({ orderId: 'ORD', userPublicId: null, amount, echo: null }, PLAN);
    const [done] = await store.finalize([{ payment: p, outcome: { status: 'SUCCESS' } }], { from: ['PENDING'], fenced: false, origin: 'MANUAL' });
    return done!.payment;
  };

  it('cancels a part (SUCCESS, its record and a PARTIAL_CANCELLED webhook), then the rest (CANCELLED with its final row)', async () => {
    const p = await succeeded();
    const part = await store.cancel(p, { amount: 3000, reason: 'returned' });
    expect(part!.payment).toMatchObject({ status: 'SUCCESS', cancelledAmount: 3000, cancelledAt: now });
    expect(part!.cancellation).toMatchObject({ amount: 3000, reason: 'returned', cancelledAt: now });
    expect(part!.delivery).toMatchObject({ eventStatus: 'PARTIAL_CANCELLED' });
    expect(JSON.parse(part!.delivery!.payload)).toMatchObject({ status: 'PARTIAL_CANCELLED', amount: 3000, remainingAmount: 7000, cancellationId: part!.cancellation.id });
    expect(await count('payments')).toBe(1); // a part is no final state

    const rest = await store.cancel(part!.payment, {});
    expect(rest!.payment).toMatchObject({ status: 'CANCELLED', cancelledAmount: 10000 });
    expect(rest!.cancellation.amount).toBe(7000);
    expect(rest!.delivery).toMatchObject({ eventStatus: 'CANCELLED' });
    expect(await count('payments')).toBe(2);
    expect((await store.cancellations([p.id])).get(p.id)!.map((c) => [c.id, c.amount])).toEqual([
      [part!.cancellation.id, 3000],
      [rest!.cancellation.id, 7000],
    ]);
  });

  it('a stale read loses the compare-and-set on cancelled_amount and writes nothing', async () => {
    const p = await succeeded();
    expect(await store.cancel(p, { amount: 6000 })).not.toBeNull();
    // `p` still says nothing was cancelled: its cancellation must not be recorded on top.
    expect(await store.cancel(p, { amount: 6000 })).toBeNull();
    expect(await store.cancel(p, {})).toBeNull();
    expect((await store.findPayment(p.tid))!).toMatchObject({ status: 'SUCCESS', cancelledAmount: 6000 });
    expect(await count('payment_cancellations')).toBe(1);
    expect(await count('webhook_deliveries')).toBe(2); // SUCCESS and the one part
    // Read again, the rest is cancelled; once CANCELLED, nothing more.
    const fresh = (await store.findPayment(p.tid))!;
    expect((await store.cancel(fresh, {}))!.payment.status).toBe('CANCELLED');
    expect(await store.cancel(fresh, { amount: 1 })).toBeNull();
    expect(await store.cancel((await store.findPayment(p.tid))!, { amount: 1 })).toBeNull();
  });

  it('concurrent cancellations from the same read: exactly one is recorded', async () => {
    const p = await succeeded();
    const others = await Promise.all(Array.from({ length: 4 }, () => opened.concurrent()));
    try {
      const stores = [store, ...others.map((db) => makeStore(db, { clock: () => now }))];
      const results = await Promise.all(stores.map((s) => s.cancel(p, { amount: 6000 })));
      expect(results.filter((r) => r !== null)).toHaveLength(1);
      expect((await store.findPayment(p.tid))!.cancelledAmount).toBe(6000);
      expect(await count('payment_cancellations')).toBe(1);
    } finally {
      for (const db of others) await db.close();
    }
  });

  it('reads the cancellations of many payments at once, each oldest first; payments without any are absent', async () => {
    const [a, b, c] = [await succeeded(), await succeeded(), await succeeded()];
    const a1 = await store.cancel(a, { amount: 1000 });
    await store.cancel(b, {});
    const a2 = await store.cancel(a1!.payment, { amount: 2000, vatAmount: 100, taxFreeAmount: 50 });
    const all = await store.cancellations([a.id, b.id, c.id]);
    expect(all.get(a.id)!.map((x) => x.amount)).toEqual([1000, 2000]);
    expect(all.get(a.id)![1]).toEqual(a2!.cancellation);
    expect(all.get(a.id)![1]).toMatchObject({ vatAmount: 100, taxFreeAmount: 50 });
    expect(all.get(b.id)!.map((x) => x.amount)).toEqual([10000]);
    expect(all.has(c.id)).toBe(false);
    expect((await store.cancellations([])).size).toBe(0);
  });
});
