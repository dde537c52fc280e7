/**
 * The dashboard's rule editor when admin.token is set: the rules are not
 * shown until the token is given, a wrong token is refused, and the right
 * one is kept for the tab. Real Chromium, real service.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './setup/app.js';

const CHROMIUM = '/usr/bin/chromium';
const WAIT = { timeout: 10_000 };

describe('dashboard with admin.token', () => {
  let t: TestApp;
  let browser: Browser;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`The dashboard test needs Chromium at ${CHROMIUM} (apt-get install chromium)`);
    t = await startTestApp({ 'admin.token': 's3cret-token', scenarios: [{ name: 'slow', match: { orderId: 'SLOW_*' }, effect: { delay: '2s' } }] });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu'] });
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('asks for the token, refuses a wrong one, and shows and saves the rules with the right one', async () => {
    const page = await browser.newPage();
    await page.goto(`${t.url}/`);
    await page.getByText('Scenario rules').click();
    await page.locator('.rules .msg-error', { hasText: 'admin.token is set' }).waitFor(WAIT);
    const token = page.getByLabel('Admin token (admin.token)');
    await token.fill('wrong');
    await page.getByRole('button', { name: 'Reload' }).click();
    await page.locator('.rules .msg-error', { hasText: 'admin.token is set' }).waitFor(WAIT);

    await token.fill('s3cret-token');
    await page.getByRole('button', { name: 'Reload' }).click();
    const editor = page.getByLabel(/^Rules \(JSON list/);
    await expect.poll(async () => ((JSON.parse((await editor.inputValue()) || '[]') as Array<{ name: string }>)[0]?.name ?? null), WAIT).toBe('slow');
    await editor.fill('[]');
    await page.getByRole('button', { name: 'Save rules' }).click();
    await page.locator('.rules .msg-ok', { hasText: 'Saved: 0 rules' }).waitFor(WAIT);
    const inForce = await fetch(`${t.url}/api/admin/scenarios`, { headers: { authorization: 'Bearer s3cret-token' } });
    expect(((await inForce.json()) as { scenarios: unknown[] }).scenarios).toEqual([]);
    await page.close();
  });
});
