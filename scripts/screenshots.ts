/**
 * Takes the dashboard screenshots in docs/: the list (dashboard-list.png) and
 * a transaction with several webhook attempts (dashboard-transaction.png).
 *
 *   npx tsx scripts/screenshots.ts
 *
 * Starts a throwaway service (temporary SQLite file, local webhook receiver),
 * fills it with a mix of payments spread over the last 15 minutes, and shoots
 * with the Chromium at /usr/bin/chromium (or CHROMIUM_PATH).
 */
import { existsSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { startTestApp } from '../test/setup/app.js';
import { startReceiver } from '../test/setup/receiver.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const DOCS = fileURLToPath(new URL('../docs/', import.meta.url));
const MINUTE = 60_000;

async function main(): Promise<void> {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM} (set CHROMIUM_PATH)`);
  mkdirSync(DOCS, { recursive: true });

  // The service's clock runs `offset` ms behind, so payments can be made "minutes ago".
  let offset = 0;
  const receiver = await startReceiver();
  const t = await startTestApp(
    {
      'payment.process.random-seed': 'dashboard-screenshots',
      'payment.process.success-rate': 80,
      'payment.webhook.secret': ['whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'],
      merchants: [
        { mid: 'shop_seoul', 'webhook-url': receiver.url },
        { mid: 'shop_busan', 'webhook-url': receiver.url },
      ],
      scenarios: [
        { name: 'approve-demo', match: { orderId: 'ORD_2026_DEMO' }, effect: { outcome: 'SUCCESS' } },
        { name: 'limit-exceeded', match: { orderId: 'ORD_LIMIT_*' }, effect: { outcome: 'FAILED', reason: 'LIMIT_EXCEEDED' } },
        { name: 'slow-bank', match: { mid: 'shop_busan', amount: { min: 90_000 } }, effect: { delay: '2h' } },
      ],
    },
    { receiver, clock: () => Date.now() - offset },
  );

  const mids = ['hamster_dummy_mid_001', 'shop_seoul', 'shop_busan'];
  const amounts = [12_000, 4_500, 89_900, 15_000, 250_000, 9_900, 33_000, 120_000, 7_700, 54_000, 1_250.5, 99_000];
  let n = 0;
  const pay = async (orderId: string, mid = mids[n % mids.length]!, amount = amounts[n % amounts.length]!) => {
    n++;
    const res = await t.postPayment({ orderId, amount, userPublicId: `USR_${100 + (n % 17)}`, echo: { mid, orderNumber: orderId } });
    if (res.status !== 202) throw new Error(`payment ${orderId}: ${res.status} ${JSON.stringify(res.json)}`);
    return res.json.transactionId as string;
  };

  // Some through the hamster-world contract: the list names each payment's contract.
  const payHw = async (orderId: string) => {
    n++;
    const res = await t.post('/api/payment-process', { midId: mids[n % mids.length], userId: `kc-${100 + (n % 17)}`, orderId, amount: amounts[n % amounts.length] });
    if (res.status !== 202) throw new Error(`payment ${orderId}: ${res.status} ${await res.text()}`);
  };

  try {
    // A steady trickle over the last 14 minutes, finalized a few seconds after each minute's batch.
    for (let m = 14; m >= 1; m--) {
      offset = m * MINUTE - 5_000;
      const perMinute = 1 + ((m * 7) % 4);
      for (let i = 0; i < perMinute; i++) await pay(`ORD_2026_${String(1000 + n)}`);
      if (m % 5 === 0) await pay(`ORD_LIMIT_${String(1000 + n)}`);
      if (m % 3 === 0) await payHw(`HW_2026_${String(1000 + n)}`);
      offset -= 20_000;
      await t.app.processNow();
    }

    // This minute: the transaction to show, whose webhook first meets a failing receiver.
    offset = 40_000;
    receiver.answer = () => ({ status: 500, body: '{"error":"cash gateway unavailable"}' });
    const shown = await pay('ORD_2026_DEMO', 'shop_seoul', 48_000);
    offset = 35_000;
    await t.app.processNow();
    // Re-sent at once, before its retry is due (so no retry runs alongside).
    receiver.answer = () => ({ status: 503, body: '{"error":"maintenance","retryAfter":5}', delayMs: 120 });
    await fetch(`${t.url}/api/payment/${shown}/webhook/resend`, { method: 'POST' });
    offset = 0;
    receiver.answer = () => ({ status: 200, body: '{"ok":true,"received":"' + shown + '"}' });

    // A cancelled one, and a few still waiting.
    const list = (await (await t.get('/api/payments?status=SUCCESS&limit=5')).json()) as { items: { tid: string }[] };
    const toCancel = list.items.find((p) => p.tid !== shown);
    if (toCancel) await fetch(`${t.url}/api/payment/${toCancel.tid}/cancel`, { method: 'POST' });
    await t.app.processNow();
    await pay('ORD_2026_SLOW1', 'shop_busan', 95_000);
    await pay('ORD_2026_NEW01', 'hamster_dummy_mid_001', 18_000);
    await pay('ORD_2026_NEW02', 'shop_seoul', 6_300);
    await payHw('HW_2026_NEW03');

    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    try {
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1, colorScheme: 'light', reducedMotion: 'reduce' });
      const page = await context.newPage();
      await page.goto(`${t.url}/`);
      await page.locator('#live[data-state="open"]').waitFor({ timeout: 10_000 });
      await page.locator(`tr[data-tid="${shown}"]`).waitFor({ timeout: 10_000 });
      await page.locator('.chart svg').waitFor({ timeout: 10_000 });
      await page.screenshot({ path: `${DOCS}dashboard-list.png` });

      await page.locator(`tr[data-tid="${shown}"] a`).click();
      await page.locator('.attempt').nth(1).waitFor({ timeout: 10_000 });
      await page.getByRole('button', { name: 'Resend webhook' }).click();
      await page.locator('.msg-ok').waitFor({ timeout: 10_000 });
      await page.locator('.attempt').nth(2).waitFor({ timeout: 10_000 });
      // Show one response body, as a reader would.
      await page.locator('.attempt summary').nth(1).click();
      await page.mouse.click(1, 1);
      await page.screenshot({ path: `${DOCS}dashboard-transaction.png`, fullPage: true });
      console.log(`saved ${DOCS}dashboard-list.png and ${DOCS}dashboard-transaction.png`);
    } finally {
      await browser.close();
    }
  } finally {
    await t.close();
    await receiver.close();
  }
}

await main();
