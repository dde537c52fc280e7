/**
 * The engine behind the PortOne contract, on every backend: a seeded run
 * repeats itself outcome for outcome (cards decided in the request, virtual
 * accounts by the scheduler), and the real polling scheduler pays a virtual
 * account once deposit-after has passed, with no help from the test.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { BACKENDS } from '../hamster-world/setup.js';
import { PLAIN_CARD, STORE_ID, cardMethod, order, startPortOne, vaMethod, type PortOne } from './portone.js';
import { checkPayment } from './shapes.js';

/** The outcome of each payment of a fixed sequence: its status, and its PG code when it failed. */
async function seededRun(p: PortOne): Promise<string[]> {
  const cards = 16;
  const accounts = 8;
  for (let i = 0; i < cards; i++) {
    await p.pay.payInstantly(order(`card-${i}`, { amount: { total: 1000 + i }, method: cardMethod(PLAIN_CARD) })).catch(() => undefined);
  }
  for (let i = 0; i < accounts; i++) await p.pay.payInstantly(order(`va-${i}`, { amount: { total: 2000 + i }, method: vaMethod() }));
  await p.process();
  const outcomes: string[] = [];
  for (const id of [...Array.from({ length: cards }, (_, i) => `card-${i}`), ...Array.from({ length: accounts }, (_, i) => `va-${i}`)]) {
    const payment = checkPayment(await p.pay.getPayment({ paymentId: id }));
    outcomes.push(payment.status === 'FAILED' ? `${id} FAILED ${payment.failure.pgCode}` : `${id} ${payment.status}`);
  }
  await p.hooks(cards + 2 * accounts);
  return outcomes;
}

describe.each(BACKENDS)('PortOne and the engine ($name)', (backend) => {
  let p: PortOne | undefined;
  afterEach(async () => {
    await p?.close();
    p = undefined;
  });

  it('a seeded run repeats itself: two fresh apps, the same payments, the same statuses and failure codes', async () => {
    const settings = { 'payment.process.random-seed': 'hamster-portone-7', 'payment.process.success-rate': 50, 'portone.virtual-account.deposit-after': '0s' };
    p = await startPortOne(backend, settings);
    const first = await seededRun(p);
    await p.close();
    p = await startPortOne(backend, settings);
    const second = await seededRun(p);
    expect(second).toEqual(first);
    // A mix, or the comparison would prove little.
    expect(first.some((o) => o.startsWith('card') && o.endsWith('PAID'))).toBe(true);
    expect(first.some((o) => o.startsWith('card') && o.includes('FAILED'))).toBe(true);
    expect(first.some((o) => o.startsWith('va') && o.endsWith('PAID'))).toBe(true);
    expect(first.some((o) => o.startsWith('va') && o.includes('FAILED VIRTUAL_ACCOUNT_EXPIRED'))).toBe(true);
  });

  it('the real polling scheduler pays a virtual account after deposit-after, and leaves card payments alone', async () => {
    p = await startPortOne(backend, {
      'payment.process.polling.enabled': true,
      'payment.process.polling.initial-delay': 0,
      'payment.process.polling.fixed-delay': 50,
      'portone.virtual-account.deposit-after': '300ms',
    });
    await p.pay.payInstantly(order('card-1'));
    const issuedAnswer = await p.pay.payInstantly(order('va-1', { method: vaMethod() }));
    expect((await p.pay.getPayment({ paymentId: 'va-1' })).status).toBe('VIRTUAL_ACCOUNT_ISSUED');
    const hooks = await p.hooks(3);
    const types = hooks.map((h) => [h.webhook.type, 'paymentId' in h.webhook.data ? h.webhook.data.paymentId : null]);
    expect(types).toContainEqual(['Transaction.Paid', 'card-1']);
    expect(types).toContainEqual(['Transaction.VirtualAccountIssued', 'va-1']);
    expect(types).toContainEqual(['Transaction.Paid', 'va-1']);
    const paid = checkPayment(await p.pay.getPayment({ paymentId: 'va-1' }));
    if (paid.status !== 'PAID') throw new Error(`not paid: ${paid.status}`);
    expect(paid.storeId).toBe(STORE_ID);
    expect(Date.parse(paid.paidAt) - Date.parse(issuedAnswer.payment.paidAt)).toBeGreaterThanOrEqual(300);
    // Nothing more is owed: the card was settled once, in its request.
    await new Promise((r) => setTimeout(r, 200));
    expect(p.t.receiver.requests).toHaveLength(3);
  });
});
