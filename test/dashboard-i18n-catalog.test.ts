/**
 * The dashboard's message catalogs (dashboard/i18n.en.js, i18n.ko.js), read
 * as plain modules: the same keys, the same placeholders in every message,
 * plural forms well formed, and every English message translated except the
 * few that are meant to read the same. Then the language choice and t() of
 * dashboard/i18n.js, with the page's location and navigator stood in.
 */
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';

type Message = string | Record<string, string>;
type Catalog = Record<string, Message>;

const load = async (file: string): Promise<unknown> => import(new URL(`../dashboard/${file}`, import.meta.url).href);

/** Messages that read the same in both languages on purpose: ids, wire contract names, pure patterns. */
const SAME_IN_BOTH = ['field.tid', 'profile.seed', 'profile.hamster-world', 'decided.value', 'tl.stateValue', 'tx.running'];
const PLURAL_CATEGORIES = ['zero', 'one', 'two', 'few', 'many', 'other'];

/** The texts of a message: the one string, or each plural form. */
const forms = (m: Message): string[] => (typeof m === 'string' ? [m] : Object.values(m));
const placeholders = (m: Message): string[] => [...new Set(forms(m).flatMap((text) => [...text.matchAll(/\{(\w+)\}/g)].map((x) => x[1]!)))].sort();

describe('dashboard message catalogs', () => {
  let en: Catalog;
  let ko: Catalog;

  beforeAll(async () => {
    en = ((await load('i18n.en.js')) as { default: Catalog }).default;
    ko = ((await load('i18n.ko.js')) as { default: Catalog }).default;
  });

  it('have exactly the same keys', () => {
    expect(Object.keys(en).length).toBeGreaterThan(150);
    expect(Object.keys(ko).sort()).toEqual(Object.keys(en).sort());
  });

  it('have the same placeholders in each message', () => {
    const differ = Object.keys(en).filter((key) => JSON.stringify(placeholders(en[key]!)) !== JSON.stringify(placeholders(ko[key] ?? '')));
    expect(differ.map((key) => `${key}: ${placeholders(en[key]!).join(',')} ≠ ${placeholders(ko[key] ?? '').join(',')}`)).toEqual([]);
  });

  it('write plurals as Intl.PluralRules categories with `other`, counted by {count}', () => {
    for (const [lang, catalog] of Object.entries({ en, ko })) {
      for (const [key, message] of Object.entries(catalog)) {
        if (typeof message === 'string') continue;
        expect(Object.keys(message).every((c) => PLURAL_CATEGORIES.includes(c)), `${lang} ${key}`).toBe(true);
        expect(typeof message.other, `${lang} ${key}`).toBe('string');
        expect(placeholders(message), `${lang} ${key}`).toContain('count');
      }
    }
  });

  it('translate every English message (but the few meant to read the same), and leave no Korean message empty where English has words', () => {
    const same = Object.keys(en).filter((key) => forms(en[key]!).join() !== '' && JSON.stringify(en[key]) === JSON.stringify(ko[key]));
    expect(same.sort()).toEqual([...SAME_IN_BOTH].sort());
    const emptyKo = Object.keys(en).filter((key) => forms(en[key]!).some((text) => text !== '') && forms(ko[key] ?? '').some((text) => text === ''));
    expect(emptyKo).toEqual([]);
    // The glosses beside wire codes: none in English, each code's meaning in Korean.
    for (const key of Object.keys(en).filter((k) => /^(code|state)\./.test(k))) {
      expect(en[key], key).toBe('');
      expect(ko[key], key).toMatch(/[가-힣]/);
    }
  });
});

describe('dashboard i18n.js', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
    vi.resetModules();
  });

  /** i18n.js as a page with this query string in a browser with these languages sees it. */
  const page = async (search: string, languages: string[]) => {
    vi.resetModules();
    vi.stubGlobal('location', { search, pathname: '/', hash: '#/tx/T1' });
    vi.stubGlobal('navigator', { languages, language: languages[0] });
    return (await load('i18n.js')) as {
      lang: string;
      pickLang: (search: string, languages: readonly string[]) => string;
      t: (key: string, params?: Record<string, string | number>) => string;
      formatDateTime: (value: string) => string;
      languageHref: (lang: string) => string;
    };
  };

  it('takes ?lang= first, then the first Korean or English browser language, else English', async () => {
    const { pickLang } = await page('', ['en-US']);
    expect(pickLang('?lang=ko', ['en-US'])).toBe('ko');
    expect(pickLang('?lang=EN', ['ko-KR'])).toBe('en');
    expect(pickLang('?lang=fr', ['fr-FR', 'ko-KR', 'en'])).toBe('ko');
    expect(pickLang('', ['de', 'en-GB', 'ko'])).toBe('en');
    expect(pickLang('', ['ja', 'de'])).toBe('en');
    expect(pickLang('', [])).toBe('en');
  });

  it('fills placeholders, picks plural forms and formats numbers and dates in the chosen language', async () => {
    const enPage = await page('', ['en-US']);
    expect(enPage.lang).toBe('en');
    expect(enPage.t('rules.saved', { count: 1 })).toBe('Saved: 1 rule, in force at once.');
    expect(enPage.t('rules.saved', { count: 1200 })).toBe('Saved: 1,200 rules, in force at once.');
    expect(enPage.t('overview.showStatus', { status: 'FAILED' })).toBe('FAILED payments: show them');
    expect(enPage.formatDateTime('2026-02-05T09:03:07')).toBe('Feb 5, 2026, 09:03:07');
    expect(enPage.languageHref('ko')).toBe('/?lang=ko#/tx/T1');

    const koPage = await page('?lang=ko', ['en-US']);
    expect(koPage.lang).toBe('ko');
    expect(koPage.t('rules.saved', { count: 1 })).toBe('저장했습니다: 규칙 1개, 바로 적용됩니다.');
    expect(koPage.formatDateTime('2026-02-05T09:03:07')).toBe('2026. 2. 5. 9:03:07');
    expect(koPage.languageHref('en')).toBe('/?lang=en#/tx/T1');
  });
});
