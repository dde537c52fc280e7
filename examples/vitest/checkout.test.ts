/**
 * hamster-pg in a Vitest suite, with the test helpers: no receiver of your own
 * (webhooks() shows what the built-in one got), no sleeps (waitFor), outcomes
 * scripted by rule or decided by hand (trigger), refunds (cancel), a clean
 * store per test (reset). The project's own `npm test` runs this file.
 */
import { afterAll, beforeAll, beforeEach, expect, test } from 'vitest';
import { startHamsterPg, type HamsterPg, type ScenarioRule } from 'hamster-pg';

const rules: ScenarioRule[] = [
  { name: 'limit', match: { orderId: 'ORD_LIMIT_*' }, effect: { outcome: 'FAILED', reason: 'LIMIT_EXCEEDED' } },
  { name: 'ok', match: { orderId: 'ORD_OK_*' }, effect: { outcome: 'SUCCESS' } },
  { name: 'manual', match: { orderId: 'ORD_MANUAL_*' }, effect: { delay: '1h' } },
];

let pg: HamsterPg;

beforeAll(async () => {
  pg = await startHamsterPg({ seed: 42, scenarios: rules });
});
afterAll(() => pg.stop());
beforeEach(() => pg.reset());

/** What your checkout does: ask the PG for a payment and keep its transaction id. */
async function checkout(orderId: string, amount: number): Promise<string> {
  const res = await fetch(`${pg.url}/api/payment`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ orderId, amount, echo: { mid: 'hamster_dummy_mid_001' } }),
  });
  expect(res.status).toBe(202);
  return ((await res.json()) as { transactionId: string }).transactionId;
}

test('a payment over the limit is declined with E004', async () => {
  const tid = await checkout('ORD_LIMIT_1', 10_000);
  await pg.waitFor(tid, 'FAILED');
  await pg.processNow(); // the webhook that follows, recorded
  expect(pg.webhooks({ tid }).map((w) => w.json)).toEqual([expect.objectContaining({ transactionId: tid, status: 'FAILED', code: 'E004' })]);
});

test('a refund of part of a payment keeps it SUCCESS', async () => {
  const tid = await checkout('ORD_OK_1', 10_000);
  await pg.waitFor(tid, 'SUCCESS');
  const { payment } = await pg.cancel(tid, { amount: 2500, reason: 'one item returned' });
  expect(payment).toMatchObject({ status: 'SUCCESS', cancelledAmount: 2500 });
});

test('a payment decided by hand', async () => {
  const tid = await checkout('ORD_MANUAL_1', 5000);
  await pg.trigger(tid, 'SUCCESS'); // its webhook is sent before this resolves
  expect(pg.webhooks({ tid })).toHaveLength(1);
});
