/**
 * Merchants: parsing with errors that name every wrong field, and resolving a
 * payment's MID to the merchant it is for (or a refusal). Pure.
 */
import { describe, expect, it } from 'vitest';
import { InvalidDefinition } from '../../src/errors.js';
import {
  DEFAULT_MID,
  MerchantError,
  parseMerchant,
  parseMerchants,
  resolveMerchant,
  type Merchant,
  type UnknownMidPolicy,
} from '../../src/merchants/merchant.js';

const SECRET = `whsec_${Buffer.alloc(24, 7).toString('base64')}`;
const OTHER_SECRET = `whsec_${Buffer.alloc(32, 9).toString('base64')}`;

/** The problems a parse reports, as `field: message`; fails the test when it parses. */
function problemsOf(parse: () => unknown): Array<{ field: string; message: string }> {
  try {
    parse();
  } catch (error) {
    if (error instanceof MerchantError) return error.problems;
    throw error;
  }
  throw new Error('expected a MerchantError, but it parsed');
}
const fieldsOf = (parse: () => unknown) => problemsOf(parse).map((p) => p.field);

describe('parseMerchant', () => {
  it('reads a merchant with the defaults: no secrets of its own, active', () => {
    expect(parseMerchant({ mid: 'shop_a', webhookUrl: 'http://127.0.0.1:9001/hooks' })).toEqual({
      mid: 'shop_a',
      webhookUrl: 'http://127.0.0.1:9001/hooks',
      secrets: [],
      active: true,
    });
  });

  it('reads every field, with webhook-url as application.yml spells it', () => {
    expect(parseMerchant({ mid: 'shop_b', 'webhook-url': 'https://example.test/h', secrets: [SECRET, OTHER_SECRET], active: false })).toEqual({
      mid: 'shop_b',
      webhookUrl: 'https://example.test/h',
      secrets: [SECRET, OTHER_SECRET],
      active: false,
    });
  });

  it('takes the MID from the URL (admin API), and accepts the same MID in the body', () => {
    expect(parseMerchant({ webhookUrl: 'http://h/x' }, '', 'from_path').mid).toBe('from_path');
    expect(parseMerchant({ mid: 'from_path', webhookUrl: 'http://h/x' }, '', 'from_path').mid).toBe('from_path');
  });

  it('names every wrong field at once, under its path', () => {
    const problems = problemsOf(() =>
      parseMerchant({ mid: 'has space', webhookUrl: 'ftp://example.test/x', secrets: ['not-a-secret'], active: 'yes', colour: 'red' }, 'merchants[3]'),
    );
    expect(problems.map((p) => p.field)).toEqual([
      'merchants[3].colour',
      'merchants[3].mid',
      'merchants[3].webhookUrl',
      'merchants[3].secrets',
      'merchants[3].active',
    ]);
    for (const p of problems) expect(p.message).not.toBe('');
  });

  it('is an InvalidDefinition whose message lists each problem', () => {
    let caught: unknown;
    try {
      parseMerchant({ mid: '', webhookUrl: 'nope' });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(MerchantError);
    expect(caught).toBeInstanceOf(InvalidDefinition);
    expect((caught as Error).message).toBe(
      'merchant.mid must be 1-100 printable ASCII characters; merchant.webhookUrl must be an absolute http:// or https:// URL',
    );
  });

  it('requires a MID of 1-100 printable ASCII characters', () => {
    const url = 'http://h/x';
    for (const mid of [undefined, '', ' ', 'a b', 'é', 'x'.repeat(101), 42, null]) {
      expect(fieldsOf(() => parseMerchant({ mid, webhookUrl: url }))).toEqual(['merchant.mid']);
    }
    expect(parseMerchant({ mid: 'x'.repeat(100), webhookUrl: url }).mid).toHaveLength(100);
    expect(parseMerchant({ mid: '!~', webhookUrl: url }).mid).toBe('!~');
  });

  it('refuses a MID in the body that differs from the URL’s, and checks the URL’s MID itself', () => {
    expect(problemsOf(() => parseMerchant({ mid: 'other', webhookUrl: 'http://h/x' }, '', 'from_path'))).toEqual([
      { field: 'mid', message: 'differs from the one in the URL' },
    ]);
    expect(fieldsOf(() => parseMerchant({ webhookUrl: 'http://h/x' }, '', 'bad mid'))).toEqual(['mid']);
  });

  it('requires an absolute http(s) webhook URL', () => {
    for (const webhookUrl of [undefined, '', 'relative/path', 'ftp://h/x', 'mailto:a@b', 42]) {
      expect(fieldsOf(() => parseMerchant({ mid: 'm', webhookUrl }))).toEqual(['merchant.webhookUrl']);
    }
  });

  it('requires secrets to be a list of at most 10 whsec_ secrets of at least 16 bytes', () => {
    const short = `whsec_${Buffer.alloc(8).toString('base64')}`;
    for (const secrets of [[short], ['whsec_not base64'], [SECRET, 42], Array<string>(11).fill(SECRET), 42]) {
      expect(fieldsOf(() => parseMerchant({ mid: 'm', webhookUrl: 'http://h/x', secrets }))).toEqual(['merchant.secrets']);
    }
    expect(parseMerchant({ mid: 'm', webhookUrl: 'http://h/x', secrets: [] }).secrets).toEqual([]);
    expect(parseMerchant({ mid: 'm', webhookUrl: 'http://h/x', secrets: Array<string>(10).fill(SECRET) }).secrets).toHaveLength(10);
  });

  it('also reads secrets written as one text, separated by commas or spaces (the configuration reader’s form)', () => {
    expect(parseMerchant({ mid: 'm', webhookUrl: 'http://h/x', secrets: `${SECRET}, ${OTHER_SECRET}` }).secrets).toEqual([SECRET, OTHER_SECRET]);
  });

  // KNOWN BUG (reported, not fixed here): secrets go through the configuration
  // reader `list`, which reads anything that is neither a list nor text as an
  // empty text — so an object or a boolean is taken silently as "no secrets of
  // its own" (the global secret then signs), instead of being named as wrong.
  it('names secrets that are an object or a boolean as wrong', () => {
    for (const secrets of [{ a: SECRET }, {}, true]) {
      expect(fieldsOf(() => parseMerchant({ mid: 'm', webhookUrl: 'http://h/x', secrets }))).toEqual(['merchant.secrets']);
    }
  });

  it('requires active to be a boolean', () => {
    for (const active of ['true', 1, null]) {
      expect(fieldsOf(() => parseMerchant({ mid: 'm', webhookUrl: 'http://h/x', active }))).toEqual(['merchant.active']);
    }
  });

  it('refuses what is not an object, naming the path (or the body, for the admin API)', () => {
    for (const raw of [null, 'shop', 42, [], undefined]) {
      expect(fieldsOf(() => parseMerchant(raw, 'merchants[0]'))).toEqual(['merchants[0]']);
      expect(fieldsOf(() => parseMerchant(raw, ''))).toEqual(['body']);
    }
  });
});

describe('parseMerchants', () => {
  it('reads a list in order', () => {
    const list = parseMerchants([
      { mid: 'a', webhookUrl: 'http://h/a' },
      { mid: 'b', 'webhook-url': 'http://h/b', active: false },
    ]);
    expect(list.map((m) => [m.mid, m.webhookUrl, m.active])).toEqual([
      ['a', 'http://h/a', true],
      ['b', 'http://h/b', false],
    ]);
    expect(parseMerchants([])).toEqual([]);
  });

  it('names every wrong field of every merchant, by index', () => {
    const fields = fieldsOf(() =>
      parseMerchants([
        { mid: 'ok', webhookUrl: 'http://h/ok' },
        { mid: 'bad mid', webhookUrl: 'nope' },
        { mid: 'ok2', webhookUrl: 'http://h/ok2', active: 'no' },
        'not an object',
      ]),
    );
    expect(fields).toEqual(['merchants[1].mid', 'merchants[1].webhookUrl', 'merchants[2].active', 'merchants[3]']);
  });

  it('refuses a repeated MID, naming the repeat', () => {
    expect(
      problemsOf(() =>
        parseMerchants(
          [
            { mid: 'a', webhookUrl: 'http://h/1' },
            { mid: 'b', webhookUrl: 'http://h/2' },
            { mid: 'a', webhookUrl: 'http://h/3' },
          ],
          'cfg.merchants',
        ),
      ),
    ).toEqual([{ field: 'cfg.merchants[2].mid', message: 'repeats a' }]);
  });

  it('refuses what is not a list', () => {
    for (const raw of [null, {}, 'a', { mid: 'a', webhookUrl: 'http://h/a' }]) {
      expect(problemsOf(() => parseMerchants(raw))).toEqual([{ field: 'merchants', message: 'must be a list of merchants' }]);
    }
  });
});

describe('resolveMerchant', () => {
  const merchant = (mid: string, active = true): Merchant => ({ mid, webhookUrl: `http://h/${mid}`, secrets: [], active });
  const lookupOf = (...merchants: Merchant[]) => {
    const byMid = new Map(merchants.map((m) => [m.mid, m]));
    return (mid: string) => byMid.get(mid);
  };
  const DEFAULT = merchant(DEFAULT_MID);
  const SHOP = merchant('shop');
  const SLEEPING = merchant('sleeping', false);
  const lookup = lookupOf(DEFAULT, SHOP, SLEEPING);
  const POLICIES: UnknownMidPolicy[] = ['refuse', 'default'];

  it.each(POLICIES)('gives a payment without a MID to the default merchant (policy %s), not as a fallback', (policy) => {
    expect(resolveMerchant(null, lookup, policy)).toEqual({ merchant: DEFAULT, fellBack: false });
  });

  it.each(POLICIES)('gives a known, active MID its own merchant (policy %s)', (policy) => {
    expect(resolveMerchant('shop', lookup, policy)).toEqual({ merchant: SHOP, fellBack: false });
    expect(resolveMerchant(DEFAULT_MID, lookup, policy)).toEqual({ merchant: DEFAULT, fellBack: false });
  });

  it('refuses an unknown MID under policy refuse', () => {
    expect(resolveMerchant('nobody', lookup, 'refuse')).toEqual({ refused: 'unknown', mid: 'nobody' });
  });

  it('refuses an inactive MID under policy refuse', () => {
    expect(resolveMerchant('sleeping', lookup, 'refuse')).toEqual({ refused: 'inactive', mid: 'sleeping' });
  });

  it('falls back to the default merchant for an unknown or inactive MID under policy default', () => {
    expect(resolveMerchant('nobody', lookup, 'default')).toEqual({ merchant: DEFAULT, fellBack: true });
    expect(resolveMerchant('sleeping', lookup, 'default')).toEqual({ merchant: DEFAULT, fellBack: true });
  });

  it('is case-sensitive: a MID differing only in case is another (unknown) merchant', () => {
    expect(resolveMerchant('SHOP', lookup, 'refuse')).toEqual({ refused: 'unknown', mid: 'SHOP' });
  });

  describe('when the default merchant itself is missing or inactive', () => {
    const withoutDefault = lookupOf(SHOP, SLEEPING);
    const inactiveDefault = lookupOf(merchant(DEFAULT_MID, false), SHOP, SLEEPING);

    it.each(POLICIES)('refuses a payment without a MID as unknown / inactive default (policy %s)', (policy) => {
      expect(resolveMerchant(null, withoutDefault, policy)).toEqual({ refused: 'unknown', mid: DEFAULT_MID });
      expect(resolveMerchant(null, inactiveDefault, policy)).toEqual({ refused: 'inactive', mid: DEFAULT_MID });
    });

    it.each(POLICIES)('refuses the default MID named explicitly (policy %s)', (policy) => {
      expect(resolveMerchant(DEFAULT_MID, withoutDefault, policy)).toEqual({ refused: 'unknown', mid: DEFAULT_MID });
      expect(resolveMerchant(DEFAULT_MID, inactiveDefault, policy)).toEqual({ refused: 'inactive', mid: DEFAULT_MID });
    });

    it('refuses an unknown or inactive MID under policy default when there is no default merchant, with its own reason', () => {
      expect(resolveMerchant('nobody', withoutDefault, 'default')).toEqual({ refused: 'unknown', mid: 'nobody' });
      expect(resolveMerchant('sleeping', withoutDefault, 'default')).toEqual({ refused: 'inactive', mid: 'sleeping' });
    });

    it('still gives an active MID its own merchant', () => {
      expect(resolveMerchant('shop', withoutDefault, 'default')).toEqual({ merchant: SHOP, fellBack: false });
      expect(resolveMerchant('shop', inactiveDefault, 'default')).toEqual({ merchant: SHOP, fellBack: false });
    });

    // KNOWN BUG (reported, not fixed here): the fallback takes the default
    // merchant without checking that it is active, so under policy default an
    // unknown or inactive MID is taken for an inactive default merchant — whose
    // own payments (no MID, or its MID) are refused as inactive just above.
    it('refuses an unknown or inactive MID under policy default when the default merchant is inactive', () => {
      expect(resolveMerchant('nobody', inactiveDefault, 'default')).toHaveProperty('refused');
      expect(resolveMerchant('sleeping', inactiveDefault, 'default')).toHaveProperty('refused');
    });
  });
});
