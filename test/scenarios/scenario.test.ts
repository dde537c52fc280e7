/** Scenario rules: parsing with useful errors, and matching. Pure. */
import { describe, expect, it } from 'vitest';
import {
  ScenarioError,
  globToRegExp,
  parseScenario,
  parseScenarios,
  selectScenario,
  type MatchInput,
} from '../../src/scenarios/scenario.js';

const input = (o: Partial<MatchInput> = {}): MatchInput => ({ orderId: 'ORD_1', userPublicId: null, amount: 1000, mid: null, ...o });

function problemsOf(raw: unknown): string[] {
  try {
    parseScenarios(raw);
  } catch (error) {
    if (error instanceof ScenarioError) return error.problems.map((p) => `${p.field}: ${p.message}`);
    throw error;
  }
  return [];
}

describe('parsing scenario rules', () => {
  it('reads every form of match and effect', () => {
    const rule = parseScenario({
      name: 'all-forms',
      match: { orderId: 'ORD_*', userPublicId: { prefix: 'USR_' }, amount: { min: 10, max: 20 }, mid: 'm1' },
      effect: { outcome: 'FAILED', reason: 'LIMIT_EXCEEDED', delay: { min: '1s', max: '2s' }, webhook: { duplicate: 3 }, accept: 'normal' },
    });
    expect(rule.match).toEqual({ orderId: { glob: 'ORD_*' }, userPublicId: { prefix: 'USR_' }, amount: { min: 10, max: 20 }, mid: 'm1' });
    expect(rule.effect).toEqual({
      outcome: 'FAILED',
      reason: 'LIMIT_EXCEEDED',
      delay: { minMs: 1000, maxMs: 2000 },
      webhook: { kind: 'duplicate', copies: 3 },
      accept: { kind: 'normal' },
    });
    expect(parseScenario({ name: 'x', match: { orderId: 'EXACT', amount: 5 } }).match).toEqual({
      orderId: { exact: 'EXACT' },
      amount: { min: 5, max: 5 },
    });
    const effects = ['none', 'reorder', 'bad-signature', { delay: '10s' }].map((webhook) => parseScenario({ name: 'w', effect: { webhook } }).effect.webhook);
    expect(effects).toEqual([{ kind: 'none' }, { kind: 'reorder' }, { kind: 'bad-signature' }, { kind: 'delay', ms: 10_000 }]);
    const accepts = [500, '503', 429, 'timeout', { timeout: '2s' }, 'lose'].map((accept) => parseScenario({ name: 'a', effect: { accept } }).effect.accept);
    expect(accepts).toEqual([
      { kind: 'fail', status: 500 },
      { kind: 'fail', status: 503 },
      { kind: 'fail', status: 429 },
      { kind: 'timeout', ms: 30_000 },
      { kind: 'timeout', ms: 2000 },
      { kind: 'lose' },
    ]);
  });

  it('names every wrong field, with what is allowed', () => {
    const problems = problemsOf([
      {
        name: 'bad name!',
        match: { orderId: 5, amount: { min: 9, max: 1 }, colour: 'red' },
        effect: { outcome: 'MAYBE', reason: 'NOPE', webhook: { duplicate: 1 }, accept: 404, delay: '-1s' },
      },
      { name: 'dup' },
      { name: 'dup' },
    ]);
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^scenarios\[0\]\.name: must be 1-64 letters/),
        expect.stringMatching(/^scenarios\[0\]\.match\.orderId: must be text/),
        expect.stringMatching(/^scenarios\[0\]\.match\.amount: has min above max/),
        expect.stringMatching(/^scenarios\[0\]\.match\.colour: is not a match field/),
        expect.stringMatching(/^scenarios\[0\]\.effect\.outcome: must be SUCCESS or FAILED/),
        expect.stringMatching(/^scenarios\[0\]\.effect\.reason: must be one of INSUFFICIENT_BALANCE/),
        expect.stringMatching(/^scenarios\[0\]\.effect\.webhook: must be normal, none/),
        expect.stringMatching(/^scenarios\[0\]\.effect\.accept: must be normal, 500/),
        expect.stringMatching(/^scenarios\[0\]\.effect\.delay: must be a duration/),
        expect.stringMatching(/^scenarios\[2\]\.name: repeats the name dup/),
      ]),
    );
    expect(problemsOf({ name: 'x' })).toEqual(['scenarios: must be a list of rules']);
    expect(problemsOf([{ name: 'r', effect: { reason: 'INVALID_CARD' } }])).toEqual([
      'scenarios[0].effect.reason: goes only with outcome FAILED',
    ]);
  });
});

describe('matching', () => {
  const rules = parseScenarios([
    { name: 'by-prefix', match: { orderId: { prefix: 'ORD_LIMIT_' } }, effect: { outcome: 'FAILED' } },
    { name: 'by-glob', match: { orderId: 'ORD_?_CARD*' }, effect: { outcome: 'FAILED' } },
    { name: 'by-exact', match: { orderId: 'ORD_EXACT' } },
    { name: 'by-user', match: { userPublicId: 'USR_9' } },
    { name: 'by-range', match: { amount: { min: 100, max: 200 } } },
    { name: 'by-amount', match: { amount: 777 } },
    { name: 'by-mid', match: { mid: 'shop_b' } },
    { name: 'both', match: { orderId: 'BOTH_*', mid: 'shop_c' } },
  ]);
  const pick = (o: Partial<MatchInput>, header: string | null = null) => {
    const r = selectScenario(rules, input(o), header);
    return 'rule' in r ? (r.rule?.name ?? null) : `unknown:${r.unknownName}`;
  };

  it('picks by each match kind', () => {
    expect(pick({ orderId: 'ORD_LIMIT_42' })).toBe('by-prefix');
    expect(pick({ orderId: 'ORD_X_CARD_9' })).toBe('by-glob');
    expect(pick({ orderId: 'ORD_XY_CARD' })).toBeNull(); // ? is one character
    expect(pick({ orderId: 'ORD_EXACT' })).toBe('by-exact');
    expect(pick({ orderId: 'ORD_EXACT2' })).toBeNull();
    expect(pick({ userPublicId: 'USR_9' })).toBe('by-user');
    expect(pick({ amount: 100 })).toBe('by-range');
    expect(pick({ amount: 200 })).toBe('by-range');
    expect(pick({ amount: 200.001 })).toBeNull();
    expect(pick({ amount: 777 })).toBe('by-amount');
    expect(pick({ mid: 'shop_b' })).toBe('by-mid');
  });

  it('needs every field of a rule to match', () => {
    expect(pick({ orderId: 'BOTH_1', mid: 'shop_c' })).toBe('both');
    expect(pick({ orderId: 'BOTH_1', mid: 'shop_x' })).toBeNull();
  });

  it('takes the first matching rule: order matters', () => {
    expect(pick({ orderId: 'ORD_LIMIT_1', amount: 150, mid: 'shop_b' })).toBe('by-prefix');
    expect(pick({ orderId: 'ORD_1', amount: 150, mid: 'shop_b' })).toBe('by-range');
  });

  it('lets the X-Hamster-Scenario header name a rule, whatever its match says', () => {
    expect(pick({ orderId: 'NOTHING' }, 'by-mid')).toBe('by-mid');
    expect(pick({}, 'no-such-rule')).toBe('unknown:no-such-rule');
  });

  it('treats every character but * and ? literally in globs', () => {
    expect(globToRegExp('A.B(1)+[x]*').test('A.B(1)+[x]yz')).toBe(true);
    expect(globToRegExp('A.B').test('AxB')).toBe(false);
  });

  it('matches what a contract adds: PortOne’s orderName and card number', () => {
    const rules = parseScenarios([
      { name: 'gift', match: { orderName: 'Gift*' } },
      { name: 'card', match: { cardNumber: { prefix: '4111' } } },
    ]);
    expect(rules[0]!.match).toEqual({ orderName: { glob: 'Gift*' } });
    const choose = (o: Partial<MatchInput>) => {
      const r = selectScenario(rules, input(o), null);
      return 'rule' in r ? (r.rule?.name ?? null) : null;
    };
    expect(choose({ orderName: 'Gift card 10,000' })).toBe('gift');
    expect(choose({ orderName: 'Hamster food' })).toBeNull();
    expect(choose({ cardNumber: '4111111111111111' })).toBe('card');
    // A request without those facts (another contract's) matches neither.
    expect(choose({})).toBeNull();
    expect(problemsOf([{ name: 'x', match: { orderName: 5 } }])).toEqual([expect.stringMatching(/^scenarios\[0\]\.match\.orderName: /)]);
  });
});
