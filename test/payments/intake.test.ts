/**
 * Planning an incoming payment (intake.ts): which rule applies, a scripted
 * fault of the accept call, the merchant, and the plan the store is given.
 * Pure: rules come from parseScenarios, merchants from resolveMerchant over a map.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_MID, resolveMerchant, type Merchant, type UnknownMidPolicy } from '../../src/merchants/merchant.js';
import { planIntake, type Intake } from '../../src/payments/intake.js';
import type { NewPayment } from '../../src/payments/payment.js';
import { randomForPayments } from '../../src/payments/random.js';
import { DEFAULT_ACCEPT_TIMEOUT_MS, parseScenarios, pickDelay, type Scenario } from '../../src/scenarios/scenario.js';

const DEFAULT_URL = 'http://127.0.0.1:9000/default';
const SHOP_URL = 'http://127.0.0.1:9001/shop';

const MERCHANTS: Merchant[] = [
  { mid: DEFAULT_MID, webhookUrl: DEFAULT_URL, secrets: [], active: true },
  { mid: 'shop_a', webhookUrl: SHOP_URL, secrets: [], active: true },
  { mid: 'sleeping', webhookUrl: 'http://127.0.0.1:9002/sleeping', secrets: [], active: false },
];

const payment = (o: Partial<NewPayment> = {}): NewPayment => ({
  orderId: 'ORD_1',
  userPublicId: 'USR_1',
  amount: 10000,
  echo: { mid: 'shop_a' },
  ...o,
});

function plan(o: {
  input?: NewPayment;
  header?: string | null;
  rules?: readonly Scenario[];
  policy?: UnknownMidPolicy;
  merchants?: Merchant[];
}): { intake: Intake; resolved: Array<string | null> } {
  const byMid = new Map((o.merchants ?? MERCHANTS).map((m) => [m.mid, m]));
  const resolved: Array<string | null> = [];
  const input = o.input ?? payment();
  const intake = planIntake({
    profile: 'seed',
    input,
    // Where the seed's contract names the merchant: echo.mid.
    mid: typeof input.echo?.mid === 'string' ? input.echo.mid : null,
    header: o.header ?? null,
    rules: o.rules ?? [],
    resolve: (mid) => {
      resolved.push(mid);
      return resolveMerchant(mid, (m) => byMid.get(m), o.policy ?? 'refuse');
    },
  });
  return { intake, resolved };
}

function accepted(intake: Intake) {
  if (intake.kind !== 'accept') throw new Error(`expected an accept plan, got ${JSON.stringify(intake)}`);
  return intake;
}

describe('choosing the rule', () => {
  const rules = parseScenarios([
    { name: 'limit', match: { orderId: 'ORD_LIMIT_*' }, effect: { outcome: 'FAILED', reason: 'LIMIT_EXCEEDED' } },
    { name: 'big', match: { amount: { min: 50000 } }, effect: { outcome: 'FAILED' } },
    { name: 'everything', effect: { outcome: 'SUCCESS' } },
  ]);

  it('takes the first rule whose match fits when no header names one', () => {
    // ORD_LIMIT_1 with a big amount fits both 'limit' and 'big': the first listed wins.
    const { intake } = plan({ rules, input: payment({ orderId: 'ORD_LIMIT_1', amount: 60000 }) });
    expect(accepted(intake).rule?.name).toBe('limit');
    expect(accepted(plan({ rules, input: payment({ amount: 60000 }) }).intake).rule?.name).toBe('big');
    expect(accepted(plan({ rules, input: payment() }).intake).rule?.name).toBe('everything');
  });

  it('applies no rule when none matches', () => {
    const only = parseScenarios([{ name: 'limit', match: { orderId: 'ORD_LIMIT_*' }, effect: { outcome: 'FAILED' } }]);
    const a = accepted(plan({ rules: only }).intake);
    expect(a.rule).toBeNull();
    expect(a.plan).toEqual({ profile: 'seed', webhookUrl: SHOP_URL, mid: 'shop_a', scenario: null, effect: null });
  });

  it('applies the rule the header names even when its match does not fit, ahead of an earlier match', () => {
    // The payment fits 'everything' only; the header picks 'limit' anyway.
    const a = accepted(plan({ rules, header: 'limit' }).intake);
    expect(a.rule?.name).toBe('limit');
    expect(a.plan.scenario).toBe('limit');
    expect(a.plan.effect).toEqual({ outcome: 'FAILED', reason: 'LIMIT_EXCEEDED', webhook: { kind: 'normal' }, accept: { kind: 'normal' } });
  });

  it('reports a header naming no rule as unknown, before looking at the merchant', () => {
    // The MID is unknown too: the scenario name is what gets reported.
    const { intake, resolved } = plan({ rules, header: 'no-such-rule', input: payment({ echo: { mid: 'nobody' } }) });
    expect(intake).toEqual({ kind: 'unknown-scenario', name: 'no-such-rule' });
    expect(resolved).toEqual([]);
  });

  it('reports a header naming no rule as unknown even when there are no rules at all', () => {
    expect(plan({ rules: [], header: 'limit' }).intake).toEqual({ kind: 'unknown-scenario', name: 'limit' });
  });

  it('matches a rule on echo.mid', () => {
    const byMid = parseScenarios([
      { name: 'shop-a', match: { mid: 'shop_a' }, effect: { outcome: 'FAILED' } },
      { name: 'others', effect: { outcome: 'SUCCESS' } },
    ]);
    expect(accepted(plan({ rules: byMid }).intake).rule?.name).toBe('shop-a');
    expect(accepted(plan({ rules: byMid, input: payment({ echo: null }) }).intake).rule?.name).toBe('others');
  });
});

describe('scripted faults of the accept call', () => {
  const faults = [
    { accept: 500, fault: { kind: 'fail', status: 500 } },
    { accept: 503, fault: { kind: 'fail', status: 503 } },
    { accept: 429, fault: { kind: 'fail', status: 429 } },
    { accept: 'timeout', fault: { kind: 'timeout', ms: DEFAULT_ACCEPT_TIMEOUT_MS } },
    { accept: { timeout: '10s' }, fault: { kind: 'timeout', ms: 10_000 } },
    { accept: 'lose', fault: { kind: 'lose' } },
  ] as const;

  it.each(faults)('answers accept: $accept as a fault, without resolving the merchant', ({ accept, fault }) => {
    const rules = parseScenarios([{ name: 'faulty', effect: { accept } }]);
    // An unknown MID would be refused: the fault is answered first, and the merchant never asked for.
    const { intake, resolved } = plan({ rules, input: payment({ echo: { mid: 'nobody' } }) });
    expect(intake).toEqual({ kind: 'fault', rule: rules[0], fault });
    expect(resolved).toEqual([]);
  });

  it('answers a fault named by the header, whatever the rule matches', () => {
    const rules = parseScenarios([{ name: 'down', match: { orderId: 'NEVER' }, effect: { accept: 503 } }]);
    expect(plan({ rules }).intake).toMatchObject({ kind: 'accept', rule: null });
    expect(plan({ rules, header: 'down' }).intake).toEqual({ kind: 'fault', rule: rules[0], fault: { kind: 'fail', status: 503 } });
  });

  it('accepts normally under a rule whose accept is normal', () => {
    const rules = parseScenarios([{ name: 'fine', effect: { accept: 'normal', outcome: 'SUCCESS' } }]);
    const { intake, resolved } = plan({ rules });
    expect(accepted(intake).rule?.name).toBe('fine');
    expect(resolved).toEqual(['shop_a']);
  });
});

describe('the merchant', () => {
  it('plans a payment for a known, active MID with that merchant’s webhook URL', () => {
    const { intake, resolved } = plan({});
    expect(resolved).toEqual(['shop_a']);
    expect(accepted(intake).plan).toEqual({ profile: 'seed', webhookUrl: SHOP_URL, mid: 'shop_a', scenario: null, effect: null });
  });

  it('takes a payment without echo, or without echo.mid, for the default merchant', () => {
    for (const echo of [null, {}, { orderNumber: 'X' }]) {
      const { intake, resolved } = plan({ input: payment({ echo }) });
      expect(resolved).toEqual([null]);
      expect(accepted(intake).plan).toMatchObject({ webhookUrl: DEFAULT_URL, mid: DEFAULT_MID });
    }
  });

  it('refuses an unknown MID under policy refuse', () => {
    const { intake } = plan({ input: payment({ echo: { mid: 'nobody' } }), policy: 'refuse' });
    expect(intake).toEqual({ kind: 'refused', why: 'unknown', mid: 'nobody' });
  });

  it('refuses an inactive MID under policy refuse', () => {
    const { intake } = plan({ input: payment({ echo: { mid: 'sleeping' } }), policy: 'refuse' });
    expect(intake).toEqual({ kind: 'refused', why: 'inactive', mid: 'sleeping' });
  });

  it('takes an unknown or inactive MID for the default merchant under policy default', () => {
    for (const mid of ['nobody', 'sleeping']) {
      const { intake } = plan({ input: payment({ echo: { mid } }), policy: 'default' });
      expect(accepted(intake).plan).toEqual({ profile: 'seed', webhookUrl: DEFAULT_URL, mid: DEFAULT_MID, scenario: null, effect: null });
    }
  });

  it('refuses under policy default when there is no default merchant to fall back to', () => {
    const withoutDefault = MERCHANTS.filter((m) => m.mid !== DEFAULT_MID);
    const { intake } = plan({ input: payment({ echo: { mid: 'nobody' } }), policy: 'default', merchants: withoutDefault });
    expect(intake).toEqual({ kind: 'refused', why: 'unknown', mid: 'nobody' });
  });

  it('refuses a rule’s payment for an unknown merchant (a rule does not bypass the merchant check)', () => {
    const rules = parseScenarios([{ name: 'fails', effect: { outcome: 'FAILED' } }]);
    expect(plan({ rules, input: payment({ echo: { mid: 'nobody' } }) }).intake).toEqual({ kind: 'refused', why: 'unknown', mid: 'nobody' });
  });
});

describe('the plan', () => {
  it('carries the rule’s name and effect, and the merchant’s MID and URL', () => {
    const rules = parseScenarios([
      { name: 'dupes', match: { userPublicId: 'USR_1' }, effect: { outcome: 'FAILED', reason: 'EXPIRED_CARD', webhook: { duplicate: 3 } } },
    ]);
    const a = accepted(plan({ rules }).intake);
    expect(a.rule).toBe(rules[0]);
    expect(a.plan).toEqual({
      profile: 'seed',
      webhookUrl: SHOP_URL,
      mid: 'shop_a',
      scenario: 'dupes',
      effect: { outcome: 'FAILED', reason: 'EXPIRED_CARD', webhook: { kind: 'duplicate', copies: 3 }, accept: { kind: 'normal' } },
    });
    expect(a.plan.effect).toBe(rules[0]!.effect);
  });

  it('gives no delay when the rule has none', () => {
    const rules = parseScenarios([{ name: 'plain', effect: { outcome: 'SUCCESS' } }]);
    expect(accepted(plan({ rules }).intake).plan).not.toHaveProperty('delay');
  });

  it('gives a fixed delay as a range of one value, as data', () => {
    const rules = parseScenarios([{ name: 'slow', effect: { delay: '2s' } }]);
    expect(accepted(plan({ rules }).intake).plan.delay).toEqual({ minMs: 2000, maxMs: 2000 });
    const zero = parseScenarios([{ name: 'zero', effect: { delay: 0 } }]);
    expect(accepted(plan({ rules: zero }).intake).plan.delay).toEqual({ minMs: 0, maxMs: 0 });
  });

  it('gives a delay range as data: the store draws from it once the payment has its id', () => {
    const rules = parseScenarios([{ name: 'range', effect: { delay: { min: '1s', max: '5s' } } }]);
    expect(accepted(plan({ rules }).intake).plan.delay).toEqual({ minMs: 1000, maxMs: 5000 });
  });
});

describe('drawing a delay from a range (pickDelay)', () => {
  const range = { minMs: 1000, maxMs: 5000 };

  it('is seeded by the payment id: same seed and id, same delay, within the range', () => {
    const ids = Array.from({ length: 50 }, (_, i) => i + 1);
    const first = ids.map((id) => pickDelay(range, randomForPayments('seed-1')(id)));
    expect(ids.map((id) => pickDelay(range, randomForPayments('seed-1')(id)))).toEqual(first);
    for (const d of first) {
      expect(Number.isInteger(d)).toBe(true);
      expect(d).toBeGreaterThanOrEqual(1000);
      expect(d).toBeLessThanOrEqual(5000);
    }
    // Different ids land on different delays (50 draws from 4,001 values are not all equal).
    expect(new Set(first).size).toBeGreaterThan(1);
  });

  it('maps the generator’s extremes onto the ends of the range', () => {
    expect(pickDelay({ minMs: 100, maxMs: 200 }, () => 0)).toBe(100);
    expect(pickDelay({ minMs: 100, maxMs: 200 }, () => 0.999999999)).toBe(200);
  });
});
