/**
 * The dashboard in a real browser (Chromium through playwright-core) against
 * a real service: payments appear and change live, filters work, a
 * transaction's actions show their outcome, and the page fits a phone —
 * in English and in Korean (?lang=), the service emptied between the two.
 * The scheduler's loop is off: processNow() finalizes when the test says so.
 */
import { PortOneClient } from '@portone/server-sdk';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emptyService, exactly, LANGS, launchChromium, TEXT, WAIT } from './dashboard-texts.js';
import { startTestApp, type TestApp } from './setup/app.js';

/** The form controls with no accessible label (outerHTML), evaluated in the page. */
const UNLABELLED_CONTROLS = `[...document.querySelectorAll('input, select, textarea')]
  .filter((el) => el.type !== 'hidden')
  .filter((el) => el.labels.length === 0 && !el.getAttribute('aria-label') && !el.getAttribute('aria-labelledby'))
  .map((el) => el.outerHTML)`;

describe('dashboard', () => {
  let t: TestApp;
  let browser: Browser;

  beforeAll(async () => {
    t = await startTestApp({
      'payment.process.success-rate': 100,
      'admin.allow-data-reset': true,
      scenarios: [{ name: 'declined', match: { orderId: 'DECL_*' }, effect: { outcome: 'FAILED', reason: 'LIMIT_EXCEEDED' } }],
    });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  describe.each(LANGS)('in %s', (lang) => {
    const s = TEXT[lang];
    /** The dashboard in this language at a route (`#/tx/…`). */
    const at = (route = '') => `${t.url}/?lang=${lang}${route}`;
    let context: BrowserContext;
    let page: Page;
    const errors: string[] = [];
    /** tids by name */
    const tid: Record<string, string> = {};

    const pay = async (name: string, orderId: string) => {
      const res = await t.postPayment({ orderId, amount: 10_000, echo: { mid: 'hamster_dummy_mid_001' } });
      expect(res.status).toBe(202);
      tid[name] = res.json.transactionId as string;
      return tid[name];
    };
    const row = (name: string) => page.locator(`tr[data-tid="${tid[name]}"]`);
    const badge = (name: string, status: string) => page.locator(`tr[data-tid="${tid[name]}"] .badge`, { hasText: status });
    const shownStatuses = () => page.locator('tbody .badge').allTextContents();
    const shownOrderIds = () => page.locator('tbody td.order').allTextContents();

    beforeAll(async () => {
      await emptyService(t);
      // An English browser either way: ?lang= in the URL chooses the language.
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

    it('shows new payments and their status changes live, without a reload', async () => {
      await page.goto(at());
      await page.locator('#live[data-state="open"]').waitFor(WAIT);
      expect(await page.locator('#live-text').textContent()).toBe(s.live);
      expect(await page.evaluate('document.documentElement.lang')).toBe(lang);
      expect(await page.title()).toBe(s.title);
      await page.locator('.empty', { hasText: s.noPaymentsYet }).waitFor(WAIT);
      await page.evaluate('window.notReloaded = true');

      await pay('ok', 'ORD_LIVE_1');
      await pay('declined', 'DECL_1');
      await badge('ok', 'PENDING').waitFor(WAIT);
      await badge('declined', 'PENDING').waitFor(WAIT);
      // Newest first.
      expect(await page.locator('tbody tr').first().getAttribute('data-tid')).toBe(tid.declined);

      await t.app.processNow();
      await badge('ok', 'SUCCESS').waitFor(WAIT);
      await badge('declined', 'FAILED').waitFor(WAIT);
      await expect.poll(() => row('declined').textContent(), WAIT).toContain('LIMIT_EXCEEDED');
      // The overview follows too.
      await expect.poll(() => page.locator('[data-stat="SUCCESS"]').textContent(), WAIT).toBe('1');
      await expect.poll(() => page.locator('[data-stat="FAILED"]').textContent(), WAIT).toBe('1');
      await page.locator('.chart svg[role="img"] title').first().waitFor({ state: 'attached', ...WAIT });

      expect(await page.evaluate('window.notReloaded')).toBe(true);
    });

    it('filters by status (live, too) and by order id prefix', async () => {
      await page.getByLabel(s.status, { exact: true }).selectOption('FAILED');
      await page.getByRole('button', { name: s.apply, exact: true }).click();
      await row('ok').waitFor({ state: 'detached', ...WAIT });
      await row('declined').waitFor(WAIT);
      expect(page.url()).toContain('status=FAILED');
      expect(await shownStatuses()).toEqual(['FAILED']);

      // A payment that comes to match the filter appears; one that does not, does not.
      await pay('ok2', 'ORD_LIVE_2');
      await pay('declined2', 'DECL_2');
      await t.app.processNow();
      await badge('declined2', 'FAILED').waitFor(WAIT);
      expect(await shownStatuses()).toEqual(['FAILED', 'FAILED']);

      await page.getByRole('button', { name: s.clear, exact: true }).click();
      await row('ok2').waitFor(WAIT);
      expect(await page.getByLabel(s.status, { exact: true }).inputValue()).toBe('');

      await page.getByLabel(s.orderIdStartsWith, { exact: true }).fill('ORD_LIVE');
      await page.getByRole('button', { name: s.apply, exact: true }).click();
      await row('declined').waitFor({ state: 'detached', ...WAIT });
      await row('ok').waitFor(WAIT);
      await row('ok2').waitFor(WAIT);
      expect((await shownOrderIds()).sort()).toEqual(['ORD_LIVE_1', 'ORD_LIVE_2']);
    });

    it('opens a transaction, re-sends its webhook and cancels it', async () => {
      await row('ok').getByRole('link', { name: tid.ok }).click();
      await page.locator('h1', { hasText: tid.ok! }).waitFor(WAIT);
      expect(page.url()).toContain(`#/tx/${tid.ok}`);
      await page.locator('.attempt').first().waitFor(WAIT);
      expect(await page.locator('.attempt').count()).toBe(1);
      await page.locator('.tl-head strong', { hasText: exactly(s.stepSucceeded) }).waitFor(WAIT);

      const requests = t.receiver.requests.length;
      await page.getByRole('button', { name: s.resendWebhook, exact: true }).click();
      await page.locator('.msg-ok', { hasText: s.webhookResent }).waitFor(WAIT);
      await expect.poll(() => page.locator('.attempt').count(), WAIT).toBe(2);
      expect(await page.locator('.attempt').nth(1).textContent()).toContain('HTTP 200');
      expect(t.receiver.requests.length).toBe(requests + 1);

      const cancel = page.getByRole('button', { name: s.cancel, exact: true });
      expect(await cancel.isEnabled()).toBe(true);
      expect(await page.getByRole('button', { name: s.triggerFailed, exact: true }).isDisabled()).toBe(true);
      // Cancel asks first: "Keep it" leaves the payment alone.
      await cancel.click();
      const confirm = page.getByRole('alertdialog');
      await confirm.waitFor(WAIT);
      expect(await confirm.textContent()).toContain(s.confirmAll(tid.ok!));
      await page.getByRole('button', { name: s.keepIt, exact: true }).click();
      await confirm.waitFor({ state: 'hidden', ...WAIT });
      expect(await page.locator('h1 .badge').textContent()).toBe('SUCCESS');
      expect(((await (await t.get(`/api/payment/transaction/${tid.ok}`)).json()) as { status: string }).status).toBe('SUCCESS');
      await cancel.click();
      await page.getByRole('button', { name: s.yesCancel, exact: true }).click();
      await page.locator('h1 .badge', { hasText: 'CANCELLED' }).waitFor(WAIT);
      await page.locator('.msg-ok', { hasText: s.cancelledAll }).waitFor(WAIT);
      await page.locator('.tl-head strong', { hasText: exactly(s.stepCancelled) }).waitFor(WAIT);
      await expect.poll(() => cancel.isDisabled(), WAIT).toBe(true);

      // Back to the list, with its filter.
      await page.goBack();
      await row('ok').waitFor(WAIT);
      expect(await page.getByLabel(s.orderIdStartsWith, { exact: true }).inputValue()).toBe('ORD_LIVE');
      await badge('ok', 'CANCELLED').waitFor(WAIT);
    });

    it('fits a 375 px wide screen and labels every form control', async () => {
      await page.setViewportSize({ width: 375, height: 800 });
      // (Expressions evaluated in the page, as text: this project's TypeScript has no DOM types.)
      const fits = async () => Number(await page.evaluate('document.documentElement.scrollWidth'));
      const unlabelled = () => page.evaluate(UNLABELLED_CONTROLS);

      await page.getByRole('button', { name: s.clear, exact: true }).click();
      await row('declined2').waitFor(WAIT);
      expect(await fits()).toBeLessThanOrEqual(376);
      expect(await page.locator('input, select').count()).toBeGreaterThanOrEqual(6);
      expect(await unlabelled()).toEqual([]);

      await row('declined').getByRole('link').click();
      await page.locator('.attempt').first().waitFor(WAIT);
      expect(await fits()).toBeLessThanOrEqual(376);
      expect(await unlabelled()).toEqual([]);
    });

    it("shows a refused action's problem detail", async () => {
      // The buttons only offer what applies, so the server's refusal is staged here.
      await page.route('**/webhook/resend', (route) =>
        route.fulfill({
          status: 409,
          contentType: 'application/problem+json',
          body: JSON.stringify({ type: '/problems/status-conflict', title: 'Payment status conflict', status: 409, detail: 'Staged refusal <b>not markup</b>', code: 'STATUS_CONFLICT' }),
        }),
      );
      await page.getByRole('button', { name: s.resendWebhook, exact: true }).click();
      const message = page.locator('.msg-error', { hasText: 'Staged refusal' });
      await message.waitFor(WAIT);
      // The service's words as it wrote them (never parsed as HTML), in the dashboard's sentence.
      expect(await message.textContent()).toBe(s.actionFailed(s.resendWebhook, 'Staged refusal <b>not markup</b>'));
      await page.unroute('**/webhook/resend');

      // Nothing went wrong in the page, apart from the staged 409 the browser reports.
      expect(errors.filter((e) => !/status of 409/.test(e))).toEqual([]);
    });

    it('names each payment’s contract, filters by it, and shows it on a hamster-world payment’s page', async () => {
      await page.setViewportSize({ width: 1280, height: 800 });
      const res = await t.post('/api/payment-process', { midId: 'hamster_dummy_mid_001', userId: 'kc-1', orderId: 'HW_DASH_1', amount: 3000 });
      expect(res.status).toBe(202);
      await page.goto(at());
      const hwRow = page.locator('tr', { has: page.locator('td.order', { hasText: 'HW_DASH_1' }) });
      await hwRow.waitFor(WAIT);
      // (A phone shows each cell's data-label as its name.)
      expect(await hwRow.locator(`td[data-label="${s.contract}"]`).textContent()).toBe('hamster-world');
      expect(await row('ok').locator(`td[data-label="${s.contract}"]`).textContent()).toBe('seed');

      await page.getByLabel(s.contract, { exact: true }).selectOption('hamster-world');
      await page.getByRole('button', { name: s.apply, exact: true }).click();
      await row('ok').waitFor({ state: 'detached', ...WAIT });
      expect(page.url()).toContain('profile=hamster-world');
      expect(await shownOrderIds()).toEqual(['HW_DASH_1']);

      await hwRow.getByRole('link').click();
      await page.locator('dt', { hasText: s.contract }).waitFor(WAIT);
      expect(await page.locator(`dt:has-text("${s.contract}") + dd`).textContent()).toBe('hamster-world');
      // Triggered from its page, its webhook speaks its own contract.
      await page.getByRole('button', { name: s.triggerSuccess, exact: true }).click();
      await expect.poll(() => t.receiver.requests.some((r) => (r.json as { orderId?: string; status?: string })?.orderId === 'HW_DASH_1' && (r.json as { status?: string }).status === 'COMPLETED'), WAIT).toBe(true);
    });

    it('cancels a part with the amount typed in, shows the balance and the cancellations, then cancels the rest', async () => {
      await page.setViewportSize({ width: 1280, height: 800 });
      await pay('part', 'ORD_PART_1');
      await t.app.processNow();
      await page.goto(at(`#/tx/${tid.part}`));
      await page.locator('h1 .badge', { hasText: 'SUCCESS' }).waitFor(WAIT);
      const amount = page.getByLabel(s.amountToCancel, { exact: true });
      const cancel = page.getByRole('button', { name: s.cancel, exact: true });
      const yes = page.getByRole('button', { name: s.yesCancel, exact: true });

      await amount.fill('3000');
      await cancel.click();
      expect(await page.getByRole('alertdialog').textContent()).toMatch(s.confirmPart);
      await yes.click();
      await page.locator('.msg-ok', { hasText: s.cancelledPart }).waitFor(WAIT);
      expect(await amount.inputValue()).toBe('');
      await page.locator(`dt:has-text("${s.remaining}") + dd`).waitFor(WAIT);
      expect(await page.locator(`dt:has-text("${s.remaining}") + dd`).textContent()).toMatch(/^7.?000$/);
      expect(await page.locator('.cancellations li').count()).toBe(1);
      await page.locator('.tl-head strong', { hasText: exactly(s.stepPartlyCancelled) }).waitFor(WAIT);
      expect(await page.locator('h1 .badge').textContent()).toBe('SUCCESS');

      // More than is left: the server's refusal is shown (in its own words); nothing changes.
      await amount.fill('9000');
      await cancel.click();
      await yes.click();
      await page.locator('.msg-error', { hasText: 'only 7000 is left' }).waitFor(WAIT);

      // Empty: all that is left.
      await amount.fill('');
      await cancel.click();
      await yes.click();
      await page.locator('h1 .badge', { hasText: 'CANCELLED' }).waitFor(WAIT);
      await expect.poll(() => page.locator('.cancellations li').count(), WAIT).toBe(2);
      expect(await amount.isDisabled()).toBe(true);
      await expect.poll(() => t.receiver.requests.filter((r) => (r.json as { transactionId?: string }).transactionId === tid.part).map((r) => (r.json as { status: string }).status), WAIT).toEqual([
        'SUCCESS',
        'PARTIAL_CANCELLED',
        'CANCELLED',
      ]);
    });

    it('shows a PortOne virtual account waiting for its deposit, and deposits it with the Deposit button', async () => {
      await page.setViewportSize({ width: 1280, height: 800 });
      const portone = PortOneClient({ secret: 'hamster-pg-portone-test-api-secret', baseUrl: t.app.profileUrl('portone') });
      await portone.payment.payInstantly({
        paymentId: 'PO_DASH_VA',
        method: { virtualAccount: { bank: 'SHINHAN', expiry: { validHours: 1 }, option: { type: 'NORMAL' } } },
        orderName: 'Hamster wheel',
        amount: { total: 32_000 },
        currency: 'KRW',
      });
      const issued = await portone.payment.getPayment({ paymentId: 'PO_DASH_VA' });
      expect(issued.status).toBe('VIRTUAL_ACCOUNT_ISSUED');
      const transactionId = (issued as { transactionId: string }).transactionId;

      await page.goto(at('#/?profile=portone'));
      const poRow = page.locator(`tr[data-tid="${transactionId}"]`);
      await poRow.waitFor(WAIT);
      expect(await poRow.locator(`td[data-label="${s.contract}"]`).textContent()).toBe('portone');
      await poRow.getByRole('link').click();
      const depositButton = page.getByRole('button', { name: s.deposit, exact: true });
      await expect.poll(() => depositButton.isEnabled(), WAIT).toBe(true);
      await depositButton.click();
      await page.locator('.msg-ok', { hasText: s.deposited }).waitFor(WAIT);
      await page.locator('h1 .badge', { hasText: 'SUCCESS' }).waitFor(WAIT);
      expect(await depositButton.isDisabled()).toBe(true);
      expect((await portone.payment.getPayment({ paymentId: 'PO_DASH_VA' })).status).toBe('PAID');
    });

    it('triggers FAILED with the failure reason picked', async () => {
      await page.setViewportSize({ width: 1280, height: 800 });
      await pay('reason', 'ORD_REASON_1');
      await page.goto(at(`#/tx/${tid.reason}`));
      await page.locator('h1 .badge', { hasText: 'PENDING' }).waitFor(WAIT);
      const reason = page.getByLabel(s.failureReason, { exact: true });
      await expect.poll(() => reason.isEnabled(), WAIT).toBe(true);
      expect(await reason.inputValue()).toBe('INSUFFICIENT_BALANCE');
      await reason.selectOption('EXPIRED_CARD');
      await page.getByRole('button', { name: s.triggerFailed, exact: true }).click();
      await page.locator('.msg-ok', { hasText: s.finalizedFailed('EXPIRED_CARD') }).waitFor(WAIT);
      await page.locator('h1 .badge', { hasText: 'FAILED' }).waitFor(WAIT);
      expect(await reason.isDisabled()).toBe(true);
      await expect.poll(() => t.receiver.requests.find((r) => (r.json as { transactionId?: string }).transactionId === tid.reason)?.json, WAIT).toMatchObject({
        status: 'FAILED',
        code: 'E003',
      });
    });

    it('sends a new test payment from the form (with a scenario rule), and says why one is refused', async () => {
      await page.setViewportSize({ width: 1280, height: 800 });
      await page.goto(at());
      await page.getByText(s.newTestPayment, { exact: true }).click();
      await page.getByLabel(s.amount, { exact: true }).fill('4321');
      await page.getByLabel(s.orderId, { exact: true }).fill('ORD_FORM_1');
      await page.getByLabel(s.scenarioRule, { exact: true }).fill('declined');
      await page.getByRole('button', { name: s.sendPayment, exact: true }).click();
      const accepted = page.locator('.new-payment .msg-ok', { hasText: s.accepted });
      await accepted.waitFor(WAIT);
      const formTid = (await accepted.locator('a').textContent())!;
      const stored = (await (await t.get(`/api/payment/transaction/${formTid}`)).json()) as { orderId: string; amount: number; scenario: string };
      expect(stored).toMatchObject({ orderId: 'ORD_FORM_1', amount: 4321, scenario: 'declined' });
      // A fresh order id for the next one.
      expect(await page.getByLabel(s.orderId, { exact: true }).inputValue()).not.toBe('ORD_FORM_1');

      await page.getByLabel(s.scenarioRule, { exact: true }).fill('no-such-rule');
      await page.getByRole('button', { name: s.sendPayment, exact: true }).click();
      await page.locator('.new-payment .msg-error', { hasText: 'no-such-rule' }).waitFor(WAIT);

      // The refused one stored nothing: the accepted one is still the only ORD_FORM payment.
      const listed = (await (await t.get('/api/payments?orderId=ORD_FORM')).json()) as { items: unknown[] };
      expect(listed.items).toHaveLength(1);
    });

    it('keeps ids whole on a wide screen, and draws link underlines below their underscores', async () => {
      await page.setViewportSize({ width: 1000, height: 800 });
      await pay('longId', 'ORD_A_RATHER_LONG_ORDER_IDENTIFIER_WITH_MANY_UNDERSCORES_FROM_A_CASH_GATEWAY_THAT_LIKES_LONG_NAMES_2026_12_02_000123');
      await page.goto(at());
      const cell = row('longId').locator('td.order');
      await cell.waitFor(WAIT);
      // One line: as tall as the TID cell beside it.
      const [orderBox, tidBox] = await Promise.all([cell.boundingBox(), row('longId').locator('td.tid').boundingBox()]);
      expect(orderBox!.height).toBeLessThanOrEqual(tidBox!.height + 1);
      const offset = await page.evaluate(`getComputedStyle(document.querySelector('tr[data-tid="${tid.longId}"] td.tid a')).textUnderlineOffset`);
      expect(offset).not.toBe('auto');

      // On a phone it must wrap: only ever after a separator, never inside a token.
      await page.setViewportSize({ width: 375, height: 800 });
      const breaksAfter = (await page.evaluate(`(() => {
        const cell = document.querySelector('tr[data-tid="${tid.longId}"] td.order');
        const chars = [];
        for (const node of cell.childNodes) {
          if (node.nodeType !== 3) continue;
          for (let i = 0; i < node.data.length; i++) {
            const range = document.createRange();
            range.setStart(node, i);
            range.setEnd(node, i + 1);
            chars.push([node.data[i], range.getBoundingClientRect().top]);
          }
        }
        const before = [];
        for (let i = 1; i < chars.length; i++) if (chars[i][1] > chars[i - 1][1] + 2) before.push(chars[i - 1][0]);
        return before;
      })()`)) as string[];
      expect(breaksAfter.length).toBeGreaterThan(0);
      for (const c of breaksAfter) expect(c).toBe('_');
    });

    it('shows the scenario rules and edits them, with the admin API’s message for each wrong field', async () => {
      await page.setViewportSize({ width: 1280, height: 800 });
      await page.goto(at());
      await page.getByText(s.scenarioRules, { exact: true }).click();
      const editor = page.getByLabel(s.rulesEditor);
      await expect.poll(async () => JSON.parse((await editor.inputValue()) || 'null') as unknown, WAIT).toEqual([
        { name: 'declined', match: { orderId: 'DECL_*' }, effect: { outcome: 'FAILED', reason: 'LIMIT_EXCEEDED' } },
      ]);

      const added = { name: 'big', match: { amount: { min: 1_000_000 }, colour: 'red' }, effect: { outcome: 'FAILED' } };
      const declined = JSON.parse(await editor.inputValue()) as unknown[];
      await editor.fill(JSON.stringify([...declined, added]));
      await page.getByRole('button', { name: s.saveRules, exact: true }).click();
      await page.locator('.rules .msg-error', { hasText: s.notSaved }).waitFor(WAIT);
      expect(await page.locator('.rule-errors li').allTextContents()).toEqual([expect.stringMatching(/^scenarios\[1\]\.match\.colour: is not a match field/)]);
      // The rules in force did not change.
      expect(((await (await t.get('/api/admin/scenarios')).json()) as { scenarios: unknown[] }).scenarios).toHaveLength(1);

      await editor.fill(JSON.stringify([...declined, { ...added, match: { amount: { min: 1_000_000 } } }]));
      await page.getByRole('button', { name: s.saveRules, exact: true }).click();
      await page.locator('.rules .msg-ok', { hasText: s.saved(2) }).waitFor(WAIT);
      const inForce = ((await (await t.get('/api/admin/scenarios')).json()) as { scenarios: Array<{ name: string }> }).scenarios;
      expect(inForce.map((r) => r.name)).toEqual(['declined', 'big']);
      // In force at once: a big payment is taken under the new rule.
      const big = await t.postPayment({ orderId: 'ORD_BIG_1', amount: 2_000_000 });
      expect(((await (await t.get(`/api/payment/transaction/${String(big.json.transactionId)}`)).json()) as { scenario: string | null }).scenario).toBe('big');
      // (The other tests' rules again.)
      const restore = await fetch(`${t.url}/api/admin/scenarios`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify([declined[0]]) });
      expect(restore.status).toBe(200);
    });

    it('shows loading placeholders, not empty cards, until the first figures and payments arrive', async () => {
      await page.setViewportSize({ width: 1280, height: 800 });
      let release: () => void = () => undefined;
      const held = new Promise<void>((resolve) => (release = resolve));
      const hold = async (route: { continue: () => Promise<void> }) => {
        await held;
        await route.continue();
      };
      await page.route('**/api/stats**', hold);
      await page.route('**/api/payments?**', hold);
      await page.goto(at());
      await page.locator('.stat-value.placeholder').first().waitFor(WAIT);
      expect(await page.locator('.list .loading').isVisible()).toBe(true);
      expect(await page.locator('.list .loading').textContent()).toBe(s.loadingPayments);
      expect(await page.locator('.chart .loading').isVisible()).toBe(true);
      release();
      await expect.poll(() => page.locator('.stat-value.placeholder').count(), WAIT).toBe(0);
      await page.locator('.list .loading').waitFor({ state: 'hidden', ...WAIT });
      expect(await page.locator('tbody tr').count()).toBeGreaterThan(0);
      await page.unroute('**/api/stats**');
      await page.unroute('**/api/payments?**');
    });
  });
});
