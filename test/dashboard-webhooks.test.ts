/**
 * The webhook inspector in a real Chromium against a real service whose
 * receiver refuses webhooks: the overview's "Dead deliveries" opens the DEAD
 * list with its counts, a delivery shows each attempt's exact request and
 * answer, Resend sends one, "Resend all DEAD" requeues the rest, and long ids
 * never wrap mid-token — in English and in Korean (?lang=), the service
 * emptied and filled again between the two.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emptyService, LANGS, launchChromium, TEXT, WAIT } from './dashboard-texts.js';
import { startTestApp, type TestApp } from './setup/app.js';

/** Text pieces of ids (between their <wbr>s) that a line break cuts through, evaluated in the page. */
const PIECES_ON_MORE_THAN_ONE_LINE = `[...document.querySelectorAll('tr[data-delivery] td.token, .fields dd .id-text')]
  .flatMap((el) => { const w = document.createTreeWalker(el, NodeFilter.SHOW_TEXT); const out = []; for (let n = w.nextNode(); n; n = w.nextNode()) out.push(n); return out; })
  .filter((node) => { const r = document.createRange(); r.selectNodeContents(node); return new Set([...r.getClientRects()].filter((b) => b.width > 0).map((b) => Math.round(b.top))).size > 1; })
  .map((node) => node.textContent)`;
const SECRET = `whsec_${Buffer.from('the dashboard inspector signs its webhooks').toString('base64')}`;

describe('dashboard: webhook inspector', () => {
  let t: TestApp;
  let browser: Browser;

  beforeAll(async () => {
    t = await startTestApp({
      'payment.process.success-rate': 100,
      'payment.webhook.retry.schedule': '0',
      'payment.webhook.secret': SECRET,
      'admin.allow-data-reset': true,
    });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  describe.each(LANGS)('in %s', (lang) => {
    const s = TEXT[lang];
    /** The dashboard in this language at a route (`#/webhooks`). */
    const at = (route = '') => `${t.url}/?lang=${lang}${route}`;
    let context: BrowserContext;
    let page: Page;
    const errors: string[] = [];
    const tids: string[] = [];

    beforeAll(async () => {
      // Three payments whose webhooks the receiver refused: DEAD after their one attempt.
      await emptyService(t);
      t.receiver.answer = () => ({ status: 500, body: '{"error":"receiver down"}' });
      for (let i = 0; i < 3; i++) tids.push(String((await t.postPayment({ orderId: `WH_UI_${i}`, amount: 500 })).json.transactionId));
      await t.app.processNow();
      await t.receiver.waitFor(3);
      context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-US' });
      page = await context.newPage();
      page.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(`console: ${m.text()}`);
      });
    });

    afterAll(async () => {
      await context?.close();
    });

    it('opens the DEAD deliveries from the overview, with a count per state', async () => {
      await page.goto(at());
      await page.locator('[data-stat="dead"]', { hasText: '3' }).waitFor(WAIT);
      await page.getByRole('link', { name: s.deadDeliveries, exact: true }).click();
      await page.waitForURL(/#\/webhooks\?state=DEAD$/);
      await page.locator('tr[data-delivery]').nth(2).waitFor(WAIT);
      expect(await page.locator('tr[data-delivery] .badge').allTextContents()).toEqual(['DEAD', 'DEAD', 'DEAD']);
      expect(await page.locator('.wh-tabs a[data-state="DEAD"] .wh-count').textContent()).toBe('3');
      expect(await page.locator('.wh-tabs a[data-state="DEAD"]').getAttribute('aria-current')).toBe('page');
      expect(await page.locator('.wh-tabs a[data-state="DELIVERED"] .wh-count').textContent()).toBe('0');
      expect(await page.locator('tr[data-delivery] td').nth(1).textContent()).toBe(tids[2]);

      await page.getByLabel(s.tidOrSubject, { exact: true }).fill(tids[0]!);
      await page.getByRole('button', { name: s.apply, exact: true }).click();
      await page.waitForURL(new RegExp(`state=DEAD&tid=${tids[0]}`));
      await expect.poll(() => page.locator('tr[data-delivery]').count(), WAIT).toBe(1);
      await page.getByRole('button', { name: s.clear, exact: true }).click();
      await expect.poll(() => page.locator('tr[data-delivery]').count(), WAIT).toBe(3);
      // Ids break only between tokens: each piece between separators sits on one line.
      expect(await page.evaluate(PIECES_ON_MORE_THAN_ONE_LINE)).toEqual([]);
    });

    it('shows an attempt’s exact request (headers with the signature, body) and the answer, and resends it', async () => {
      await page.goto(at(`#/webhooks?state=DEAD&tid=${tids[1]}`));
      await page.locator('tr[data-delivery] a').first().click();
      await page.waitForURL(/#\/webhooks\/\d+$/);
      const attempt = page.locator('.wh-attempt[data-attempt="1"]');
      await attempt.waitFor(WAIT);
      const received = t.receiver.requests.find((r) => (r.json as { transactionId?: string }).transactionId === tids[1])!;
      const headers = await attempt.locator('.wh-request .wh-headers').textContent();
      expect(headers).toContain(`webhook-signature: ${String(received.headers['webhook-signature'])}`);
      expect(headers).toContain(`webhook-id: ${String(received.headers['webhook-id'])}`);
      expect(headers).toContain('content-type: application/json');
      expect(await attempt.locator('.wh-request .wh-body').textContent()).toBe(received.body);
      expect(await attempt.locator('.wh-response').textContent()).toContain('HTTP 500');
      expect(await attempt.locator('.wh-response .wh-body').textContent()).toBe('{"error":"receiver down"}');

      t.receiver.answer = () => ({ status: 200, body: '{"ok":true}' });
      await page.getByRole('button', { name: s.resend, exact: true }).click();
      await page.locator('.msg-ok', { hasText: s.deliveredHttp200 }).waitFor(WAIT);
      await page.locator('.msg-ok a').click();
      await page.locator('h1 .badge', { hasText: 'DELIVERED' }).waitFor(WAIT);
      expect(await page.locator('.wh-attempt .wh-response').first().textContent()).toContain('HTTP 200');
    });

    it('"Resend all DEAD" requeues every DEAD delivery shown, and the counts follow', async () => {
      await page.goto(at('#/webhooks?state=DEAD'));
      const button = page.getByRole('button', { name: s.resendAll(3, 'DEAD'), exact: true });
      await button.waitFor(WAIT);
      await button.click();
      await page.locator('.msg-ok', { hasText: s.requeued(3, 'DEAD') }).waitFor(WAIT);
      await t.receiver.waitFor(7);
      await page.locator('.wh-tabs a[data-state="DEAD"] .wh-count', { hasText: /^0$/ }).waitFor(WAIT);
      await page.locator('.empty', { hasText: s.noDeliveries }).waitFor(WAIT);
      // The list follows the live stream as the requeued deliveries go out.
      await page.locator('.wh-tabs a[data-state="DELIVERED"] .wh-count', { hasText: /^4$/ }).waitFor(WAIT);
    });

    it('fits a 375 px wide screen and leaves no console errors', async () => {
      await page.setViewportSize({ width: 375, height: 740 });
      await page.goto(at('#/webhooks'));
      await page.locator('tr[data-delivery]').first().waitFor(WAIT);
      expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(375);
      expect(await page.evaluate(PIECES_ON_MORE_THAN_ONE_LINE)).toEqual([]);
      await page.locator('tr[data-delivery] a').first().click();
      await page.locator('.wh-attempt').first().waitFor(WAIT);
      expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(375);
      // At phone width ids may wrap, but only after a separator (breakableId).
      expect(await page.locator('.fields dd .id-text wbr').count()).toBeGreaterThan(0);
      expect(await page.evaluate(PIECES_ON_MORE_THAN_ONE_LINE)).toEqual([]);
      expect(errors).toEqual([]);
    });
  });
});
