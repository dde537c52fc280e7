/**
 * The helpers' and the options' types, as a user's TypeScript sees them
 * through the package: scenario rules and merchants are checked as written,
 * and each helper's result has its documented shape. (tsc --noEmit checks the
 * @ts-expect-error lines; the tests check the same values at run time.)
 */
import { describe, expect, expectTypeOf, it } from 'vitest';
import type { CancelOutcome, HamsterPg, HamsterPgOptions, MerchantInput, PaymentProcess, PaymentStatus, ReceivedWebhook, ScenarioRule } from 'hamster-pg';

describe('public types', () => {
  it('takes scenario rules as written in application.yml', () => {
    const rules = [
      { name: 'limit', match: { orderId: 'ORD_LIMIT_*' }, effect: { outcome: 'FAILED', reason: 'LIMIT_EXCEEDED' } },
      { name: 'slow', match: { amount: { min: 1000, max: 2000 }, mid: 'shop_a' }, effect: { delay: { min: '1s', max: 5000 }, webhook: { duplicate: 3 } } },
      { name: 'lost', match: { orderId: { prefix: 'LOST_' } }, effect: { accept: 'lose', webhook: 'none' } },
      { name: 'down', effect: { accept: 503 } },
    ] satisfies ScenarioRule[];
    // @ts-expect-error a reason that is not one of the five
    const wrongReason: ScenarioRule = { name: 'x', effect: { outcome: 'FAILED', reason: 'NO_MONEY' } };
    // @ts-expect-error accept has no 404
    const wrongAccept: ScenarioRule = { name: 'x', effect: { accept: 404 } };
    // @ts-expect-error a rule needs a name
    const nameless: ScenarioRule = { match: { orderId: 'A' } };
    const merchants: MerchantInput[] = [{ mid: 'shop_a', webhookUrl: 'http://127.0.0.1:9001/hooks', secrets: ['whsec_aGFtc3Rlci1wZyBzaG9wIGEgc2VjcmV0'] }];
    // @ts-expect-error webhookURL is not a merchant field
    const misspelt: MerchantInput = { mid: 'shop_b', webhookURL: 'http://127.0.0.1:9002/hooks' };
    const options: HamsterPgOptions = { scenarios: rules, merchants };
    expect([options.scenarios, options.merchants].map((l) => l?.length)).toEqual([4, 1]);
    expect([wrongReason, wrongAccept, nameless, misspelt]).toHaveLength(4);
  });

  it('types the helpers', () => {
    expectTypeOf<HamsterPg['waitFor']>().parameter(1).toEqualTypeOf<PaymentStatus>();
    expectTypeOf<HamsterPg['waitFor']>().returns.resolves.toEqualTypeOf<PaymentProcess>();
    expectTypeOf<HamsterPg['webhooks']>().returns.toEqualTypeOf<ReceivedWebhook[]>();
    expectTypeOf<ReceivedWebhook['json']>().toBeUnknown();
    expectTypeOf<HamsterPg['trigger']>().parameter(1).toEqualTypeOf<'SUCCESS' | 'FAILED'>();
    expectTypeOf<HamsterPg['cancel']>().returns.resolves.toEqualTypeOf<CancelOutcome>();
    expectTypeOf<HamsterPg['reset']>().returns.resolves.toBeVoid();
  });
});
