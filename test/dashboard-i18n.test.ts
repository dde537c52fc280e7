/**
 * The dashboard's language in a real Chromium: a Korean browser gets Korean
 * without asking, ?lang=en overrides it, the header's switch reloads the page
 * in the other language on the same route, and in Korean no English text of
 * the dashboard's own shows on any view (checked against every phrase of the
 * English catalog), at laptop and phone width.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, TEXT, WAIT } from './dashboard-texts.js';
import { startTestApp, type TestApp } from './setup/app.js';

type Message = string | Record<string, string>;
type Catalog = Record<string, Message>;

/**
 * Everything a person (or a screen reader) is shown, evaluated in the page: the title, the rendered
 * text (hidden elements and closed <details> are not rendered), labels, tooltips, placeholders,
 * the chart's title and description, and the options of every select. <pre> blocks are left out:
 * they hold the wire's bytes (request and response headers and bodies, echo JSON), never the UI's words.
 */
const SHOWN_TEXT = `(() => {
  const pres = [...document.querySelectorAll('pre')];
  for (const el of pres) el.style.display = 'none';
  const parts = [document.title, document.body.innerText];
  for (const el of pres) el.style.display = '';
  for (const el of document.querySelectorAll('[aria-label], [title], [placeholder], [alt]')) {
    for (const name of ['aria-label', 'title', 'placeholder', 'alt']) {
      const value = el.getAttribute(name);
      if (value) parts.push(value);
    }
  }
  for (const el of document.querySelectorAll('svg title, svg desc, option')) parts.push(el.textContent);
  return parts.join('\\n');
})()`;

const forms = (m: Message): string[] => (typeof m === 'string' ? [m] : Object.values(m));
const EDGE = /^[\s.,:;()·—–…→←|'"“”]+|[\s.,:;()·—–…→←|'"“”]+$/g;

/**
 * The English catalog's phrases: each message's text between its placeholders, trimmed of punctuation,
 * with at least three letters in a row — less those the Korean catalog uses too (names and wire terms
 * both languages keep on purpose: `TID`, `seed (/api/payment)`, `admin.token` …).
 */
function englishPhrases(en: Catalog, ko: Catalog): string[] {
  const koText = Object.values(ko).flatMap(forms).join('\n');
  const phrases = new Set<string>();
  for (const text of Object.values(en).flatMap(forms)) {
    for (const piece of text.split(/\{\w+\}/)) {
      const phrase = piece.replace(EDGE, '');
      if (/[A-Za-z]{3}/.test(phrase) && !koText.includes(phrase)) phrases.add(phrase);
    }
  }
  return [...phrases];
}

/** The phrases found in a text, as whole words, case and all (not inside an id: `msg_…_cancelled_…` is the wire's). */
function found(text: string, phrases: string[]): string[] {
  return phrases.filter((phrase) => new RegExp(`(?<![\\w])${phrase.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\\w])`).test(text));
}

describe('dashboard languages', () => {
  let t: TestApp;
  let browser: Browser;
  /** A browser whose language is Korean (navigator.languages: ko-KR). */
  let korean: BrowserContext;
  let page: Page;
  const errors: string[] = [];
  let phrases: string[];
  /** A SUCCESS payment with one part cancelled, a FAILED one, a PENDING one. */
  const tid = { paid: '', failed: '', waiting: '' };
  let deliveryId = 0;
  const ko = TEXT.ko;

  beforeAll(async () => {
    t = await startTestApp({
      'payment.process.success-rate': 100,
      scenarios: [{ name: 'decl-rule', match: { orderId: 'DECL_*' }, effect: { outcome: 'FAILED', reason: 'LIMIT_EXCEEDED' } }],
    });
    const pay = async (orderId: string) => String((await t.postPayment({ orderId, amount: 12_000, echo: { mid: 'hamster_dummy_mid_001' } })).json.transactionId);
    tid.paid = await pay('ORD_I18N_1');
    tid.failed = await pay('DECL_I18N_2');
    await t.app.processNow();
    const part = await t.post(`/api/payment/${tid.paid}/cancel`, { amount: 2000 });
    expect(part.status).toBe(200);
    tid.waiting = await pay('ORD_I18N_3');
    await t.receiver.waitFor(3);
    const log = (await (await t.get(`/api/payment/transaction/${tid.paid}/webhooks`)).json()) as { deliveries: { deliveryId: number }[] };
    deliveryId = log.deliveries[0]!.deliveryId;

    const load = async (file: string) => ((await import(new URL(`../dashboard/${file}`, import.meta.url).href)) as { default: Catalog }).default;
    phrases = englishPhrases(await load('i18n.en.js'), await load('i18n.ko.js'));

    browser = await launchChromium();
    korean = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'ko-KR' });
    page = await korean.newPage();
    page.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
  });

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  const html = () => page.evaluate('document.documentElement.lang');

  it('speaks Korean to a Korean browser without being asked (<html lang="ko">, title, header, views)', async () => {
    expect(await page.evaluate('navigator.language')).toBe('ko-KR');
    await page.goto(`${t.url}/`);
    await page.locator('#live[data-state="open"]').waitFor(WAIT);
    expect(await html()).toBe('ko');
    expect(await page.title()).toBe(ko.title);
    expect(await page.locator('.skip-link').textContent()).toBe(ko.skipLink);
    expect(await page.locator('#live-text').textContent()).toBe(ko.live);
    const main = page.getByRole('navigation', { name: '주 메뉴' });
    expect(await main.getByRole('link').allTextContents()).toEqual([ko.navPayments, ko.navWebhooks, 'API 문서', '메트릭']);
    expect(await page.getByRole('navigation', { name: '언어' }).getByRole('link').allTextContents()).toEqual(['English', '한국어']);
    expect(await page.locator('#lang-ko').getAttribute('aria-current')).toBe('true');
    expect(await page.locator('#lang-en').getAttribute('aria-current')).toBeNull();
    await page.locator(`tr[data-tid="${tid.paid}"]`).waitFor(WAIT);
    expect(await page.getByRole('button', { name: ko.apply, exact: true }).count()).toBe(1);
  });

  it('lets ?lang=en override a Korean browser', async () => {
    await page.goto(`${t.url}/?lang=en`);
    await page.locator('#live[data-state="open"]').waitFor(WAIT);
    expect(await html()).toBe('en');
    expect(await page.title()).toBe(TEXT.en.title);
    expect(await page.locator('.skip-link').textContent()).toBe(TEXT.en.skipLink);
    expect(await page.locator('#live-text').textContent()).toBe(TEXT.en.live);
    expect(await page.getByRole('navigation', { name: 'Main' }).getByRole('link').first().textContent()).toBe(TEXT.en.navPayments);
    expect(await page.locator('#lang-en').getAttribute('aria-current')).toBe('true');
    await page.getByRole('button', { name: TEXT.en.apply, exact: true }).waitFor(WAIT);
  });

  it('switches language from the header, reloading the page on the route it was on', async () => {
    // In English, go to a payment's page the way a user does (the route changes, not the page) …
    await page.goto(`${t.url}/?lang=en`);
    await page.locator(`tr[data-tid="${tid.paid}"] a`).click();
    await page.locator('h1', { hasText: `${TEXT.en.transaction} ${tid.paid}` }).waitFor(WAIT);
    await page.evaluate('window.notReloaded = true');
    // … then to Korean: a new page, the same payment.
    await page.getByRole('link', { name: '한국어', exact: true }).click();
    await page.waitForURL(`${t.url}/?lang=ko#/tx/${tid.paid}`);
    await page.locator('h1', { hasText: `${ko.transaction} ${tid.paid}` }).waitFor(WAIT);
    expect(await page.evaluate('window.notReloaded')).toBeUndefined();
    expect(await html()).toBe('ko');
    await page.getByRole('button', { name: ko.resendWebhook, exact: true }).waitFor(WAIT);

    // And back, from the webhook inspector with a filter.
    await page.getByRole('link', { name: ko.navWebhooks, exact: true }).click();
    await page.locator('.wh-tabs a[data-state="DELIVERED"]').click();
    await page.waitForURL(/#\/webhooks\?state=DELIVERED$/);
    await page.getByRole('link', { name: 'English', exact: true }).click();
    await page.waitForURL(`${t.url}/?lang=en#/webhooks?state=DELIVERED`);
    await page.locator('h1', { hasText: 'Webhook deliveries' }).waitFor(WAIT);
    expect(await html()).toBe('en');
  });

  it('shows no English text of its own on any view in Korean (and the check finds it in English)', async () => {
    const leaks: string[] = [];
    const scan = async (view: string) => {
      for (const phrase of found(String(await page.evaluate(SHOWN_TEXT)), phrases)) leaks.push(`${view}: "${phrase}"`);
    };
    const at = (route: string) => `${t.url}/?lang=ko${route}`;

    // The home page with every part shown: figures, chart, list, the two tools open and loaded.
    await page.goto(at('#/'));
    await page.locator(`tr[data-tid="${tid.waiting}"]`).waitFor(WAIT);
    await page.locator('.chart svg').waitFor(WAIT);
    await expect.poll(() => page.locator('.stat-value.placeholder').count(), WAIT).toBe(0);
    await page.getByText(ko.newTestPayment, { exact: true }).click();
    await page.getByText(ko.scenarioRules, { exact: true }).click();
    await expect.poll(() => page.getByLabel(ko.rulesEditor).inputValue(), WAIT).toContain('decl-rule');
    await scan('home');
    // A filtered list (its summary sentence), and one with nothing in it.
    await page.goto(at('#/?status=FAILED'));
    await page.locator(`tr[data-tid="${tid.failed}"]`).waitFor(WAIT);
    await expect.poll(() => page.locator('tbody tr').count(), WAIT).toBe(1);
    await scan('list, filtered');
    await page.goto(at('#/?orderId=NOTHING_LIKE_THIS'));
    await page.locator('.empty', { hasText: '조건에 맞는 결제가 없습니다.' }).waitFor(WAIT);
    await scan('list, empty');

    // A paid payment with a part cancelled: re-sent, a response body open, the cancel question asked.
    await page.goto(at(`#/tx/${tid.paid}`));
    await page.locator('.attempt').first().waitFor(WAIT);
    await page.getByRole('button', { name: ko.resendWebhook, exact: true }).click();
    await page.locator('.msg-ok', { hasText: ko.webhookResent }).waitFor(WAIT);
    await page.locator('.attempt summary').first().click();
    await page.getByRole('button', { name: ko.cancel, exact: true }).click();
    await page.getByRole('alertdialog').waitFor(WAIT);
    await scan('payment (SUCCESS, part cancelled)');
    await page.getByRole('button', { name: ko.keepIt, exact: true }).click();
    // A failed one, one still waiting, and one that does not exist.
    await page.goto(at(`#/tx/${tid.failed}`));
    await page.locator('.tl-head strong', { hasText: '결제 실패' }).waitFor(WAIT);
    await scan('payment (FAILED)');
    await page.goto(at(`#/tx/${tid.waiting}`));
    await page.locator('.tl-wait').waitFor(WAIT);
    await scan('payment (PENDING)');
    await page.goto(at('#/tx/NO_SUCH_TID'));
    await page.locator('.tx .msg-error', { hasText: 'NO_SUCH_TID' }).waitFor(WAIT);
    await scan('payment (none)');

    // The webhook inspector: the list on a state, one delivery re-sent, one that does not exist.
    await page.goto(at('#/webhooks?state=DELIVERED'));
    await page.locator('tr[data-delivery]').first().waitFor(WAIT);
    await scan('webhooks');
    await page.goto(at(`#/webhooks/${deliveryId}`));
    await page.locator('.wh-attempt').first().waitFor(WAIT);
    await page.getByRole('button', { name: ko.resend, exact: true }).click();
    await page.locator('.delivery .msg-ok').waitFor(WAIT);
    await scan('delivery');
    await page.goto(at('#/webhooks/987654'));
    await page.locator('.delivery .msg-error', { hasText: '987654' }).waitFor(WAIT);
    await scan('delivery (none)');

    expect(leaks).toEqual([]);

    // The same check on the English home page finds the English phrases: it can see a leak.
    await page.goto(`${t.url}/?lang=en#/`);
    await page.locator(`tr[data-tid="${tid.waiting}"]`).waitFor(WAIT);
    await expect.poll(() => page.locator('.stat-value.placeholder').count(), WAIT).toBe(0);
    const english = found(String(await page.evaluate(SHOWN_TEXT)), phrases);
    expect(english).toEqual(expect.arrayContaining(['Transactions', 'Apply', 'Scenario rules', 'Dead deliveries', 'Skip to content']));
    expect(english.length).toBeGreaterThan(30);
  });

  it('fits a 375 px wide screen in Korean, with the tools open', async () => {
    await page.setViewportSize({ width: 375, height: 800 });
    const width = async () => Number(await page.evaluate('document.documentElement.scrollWidth'));
    await page.goto(`${t.url}/?lang=ko#/`);
    await page.locator(`tr[data-tid="${tid.paid}"]`).waitFor(WAIT);
    await page.getByText(ko.newTestPayment, { exact: true }).click();
    await page.getByText(ko.scenarioRules, { exact: true }).click();
    await expect.poll(() => page.getByLabel(ko.rulesEditor).inputValue(), WAIT).toContain('decl-rule');
    expect(await width()).toBeLessThanOrEqual(376);
    await page.goto(`${t.url}/?lang=ko#/tx/${tid.paid}`);
    await page.locator('.attempt').first().waitFor(WAIT);
    expect(await width()).toBeLessThanOrEqual(376);
    expect(errors).toEqual([]);
  });
});
