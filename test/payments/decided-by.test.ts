/**
 * The transaction view says who decided a payment: the scenario rule that
 * named its outcome, the success rate, or the manual trigger — so a payment
 * the trigger finalized does not read as decided by the rule it matched.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../setup/app.js';

let t: TestApp;
afterEach(async () => {
  await t?.close();
});

const view = async (tid: string) => (await (await t.get(`/api/payment/transaction/${tid}`)).json()) as Record<string, unknown>;

describe('decidedBy', () => {
  it('rule, random and trigger, each where it decided; null while not final', async () => {
    t = await startTestApp({
      scenarios: [
        { name: 'declined', match: { orderId: 'DECL_*' }, effect: { outcome: 'FAILED', reason: 'LIMIT_EXCEEDED' } },
        { name: 'slow-hook', match: { orderId: 'SLOW_*' }, effect: { webhook: { delay: '1s' } } },
      ],
    });
    const pay = async (orderId: string) => (await t.postPayment({ orderId, amount: 1000 })).json.transactionId as string;
    const byRule = await pay('DECL_1');
    const byRandom = await pay('PLAIN_1');
    const matchedNoOutcome = await pay('SLOW_1');
    const byTrigger = await pay('DECL_2');

    expect(await view(byTrigger)).toMatchObject({ status: 'PENDING', decidedBy: null });
    expect((await t.post(`/api/payment/webhook/trigger/${byTrigger}?status=SUCCESS`, undefined)).status).toBe(200);
    await t.app.processNow();

    expect(await view(byRule)).toMatchObject({ status: 'FAILED', scenario: 'declined', decidedBy: 'rule' });
    expect(await view(byRandom)).toMatchObject({ scenario: null, decidedBy: 'random' });
    // A rule that only shapes the webhook leaves the outcome to the success rate.
    expect(await view(matchedNoOutcome)).toMatchObject({ scenario: 'slow-hook', decidedBy: 'random' });
    expect(await view(byTrigger)).toMatchObject({ status: 'SUCCESS', scenario: 'declined', decidedBy: 'trigger' });
  });
});
