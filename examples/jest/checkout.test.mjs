/* global describe, it, expect, beforeAll, afterAll */
/**
 * hamster-pg in a Jest suite. Only Jest's globals are used (describe, it,
 * expect, beforeAll, afterAll and matchers both Jest and Vitest have), so the
 * same file runs under either. hamster-pg is an ES module: run Jest with
 *   NODE_OPTIONS=--experimental-vm-modules npx jest
 * The project's own `npm test` runs this file through Vitest
 * (test/examples/jest-example.test.ts).
 */
import { startHamsterPg } from 'hamster-pg';

describe('checkout against hamster-pg', () => {
  let pg;

  beforeAll(async () => {
    pg = await startHamsterPg({
      seed: 42,
      scenarios: [
        { name: 'limit', match: { orderId: 'ORD_LIMIT_*' }, effect: { outcome: 'FAILED', reason: 'LIMIT_EXCEEDED' } },
        { name: 'manual', match: { orderId: 'ORD_MANUAL_*' }, effect: { delay: '1h' } },
      ],
    });
  });

  afterAll(async () => {
    await pg.stop();
  });

  async function checkout(orderId, amount) {
    const res = await fetch(`${pg.url}/api/payment`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ orderId, amount, echo: { mid: 'hamster_dummy_mid_001' } }),
    });
    expect(res.status).toBe(202);
    return (await res.json()).transactionId;
  }

  it('declines a payment over the limit', async () => {
    const tid = await checkout('ORD_LIMIT_J1', 10000);
    const payment = await pg.waitFor(tid, 'FAILED', { timeoutMs: 4000 });
    expect(payment.failReason).toBe('LIMIT_EXCEEDED');
    await pg.processNow();
    expect(pg.webhooks({ tid })[0].json).toMatchObject({ transactionId: tid, status: 'FAILED', code: 'E004' });
  });

  it('cancels a payment decided by hand, in two parts', async () => {
    const tid = await checkout('ORD_MANUAL_J1', 8000);
    await pg.trigger(tid, 'SUCCESS');
    expect((await pg.cancel(tid, { amount: 3000 })).payment.cancelledAmount).toBe(3000);
    expect((await pg.cancel(tid)).payment.status).toBe('CANCELLED');
    await expect(pg.cancel(tid)).rejects.toThrow('cannot be cancelled');
  });

  it('starts again from an empty store after reset()', async () => {
    await pg.reset();
    expect(pg.webhooks()).toEqual([]);
  });
});
