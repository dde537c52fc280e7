/**
 * The dashboard's rule editor when admin.token is set: the rules are not
 * shown until the token is given, a wrong token is refused, and the right
 * one is kept for the tab. Real Chromium, real service; in English and in
 * Korean (?lang=), the rules put back between the two.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LANGS, launchChromium, TEXT, WAIT } from './dashboard-texts.js';
import { startTestApp, type TestApp } from './setup/app.js';

const TOKEN = 's3cret-token';
const RULES = [{ name: 'slow', match: { orderId: 'SLOW_*' }, effect: { delay: '2s' } }];

describe('dashboard with admin.token', () => {
  let t: TestApp;
  let browser: Browser;

  beforeAll(async () => {
    t = await startTestApp({ 'admin.token': TOKEN, scenarios: RULES });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it.each(LANGS)('asks for the token, refuses a wrong one, and shows and saves the rules with the right one (%s)', async (lang) => {
    const s = TEXT[lang];
    // The rules as the service started with them (the other language's run saved none).
    const put = await fetch(`${t.url}/api/admin/scenarios`, { method: 'PUT', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify(RULES) });
    expect(put.status).toBe(200);
    const context = await browser.newContext({ locale: 'en-US' });
    const page = await context.newPage();
    await page.goto(`${t.url}/?lang=${lang}`);
    await page.getByText(s.scenarioRules, { exact: true }).click();
    await page.locator('.rules .msg-error', { hasText: s.tokenNeeded }).waitFor(WAIT);
    const token = page.getByLabel(s.adminToken, { exact: true });
    await token.fill('wrong');
    await page.getByRole('button', { name: s.reload, exact: true }).click();
    await page.locator('.rules .msg-error', { hasText: s.tokenNeeded }).waitFor(WAIT);

    await token.fill(TOKEN);
    await page.getByRole('button', { name: s.reload, exact: true }).click();
    const editor = page.getByLabel(s.rulesEditor);
    await expect.poll(async () => ((JSON.parse((await editor.inputValue()) || '[]') as Array<{ name: string }>)[0]?.name ?? null), WAIT).toBe('slow');
    await editor.fill('[]');
    await page.getByRole('button', { name: s.saveRules, exact: true }).click();
    await page.locator('.rules .msg-ok', { hasText: s.saved(0) }).waitFor(WAIT);
    const inForce = await fetch(`${t.url}/api/admin/scenarios`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(((await inForce.json()) as { scenarios: unknown[] }).scenarios).toEqual([]);
    await context.close();
  });
});
