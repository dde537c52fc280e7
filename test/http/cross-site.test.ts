/**
 * Browsers, for real (Chromium through playwright-core): a page on another
 * origin — another port of this machine — cannot change anything, however
 * it asks (a "simple" no-cors fetch, a form post, a preflighted fetch); the
 * same actions from the dashboard's own origin work; an origin allowed in
 * server.cors.origins gets CORS; the dashboard and /docs render under their
 * strict CSP without a violation.
 */
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../setup/app.js';

const CHROMIUM = '/usr/bin/chromium';
const WAIT = { timeout: 10_000 };

/** A page of another origin, serving whatever HTML the test sets. */
async function otherOrigin(): Promise<{ url: string; html: string; close(): Promise<void> }> {
  const site = { url: '', html: '<!doctype html><title>elsewhere</title>', close: async () => undefined as void };
  const server: Server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(site.html);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  // localhost, not 127.0.0.1: another site, not only another port.
  site.url = `http://localhost:${(server.address() as AddressInfo).port}`;
  site.close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return site;
}

describe('browsers', () => {
  let browser: Browser;
  let page: Page;
  let t: TestApp | undefined;
  const violations: string[] = [];

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`This test needs Chromium at ${CHROMIUM} (apt-get install chromium)`);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  });
  afterAll(async () => {
    await browser?.close();
  });
  afterEach(async () => {
    await page?.close();
    await t?.close();
    t = undefined;
  });

  const newPage = async () => {
    page = await browser.newPage();
    violations.length = 0;
    page.on('console', (m) => {
      if (m.type() === 'error') violations.push(m.text());
    });
    return page;
  };

  it('a page on another origin cannot change anything: no-cors fetches, a form post and a preflighted fetch are all refused', async () => {
    t = await startTestApp();
    const pending = await t.postPayment({ orderId: 'ORD_XSITE', amount: 1000 });
    const tid = pending.json.transactionId as string;
    const site = await otherOrigin();
    try {
      site.html = `<!doctype html><title>evil</title>
        <form id="f" method="post" action="${t.url}/api/payment/webhook/trigger/${tid}?status=SUCCESS"></form>
        <script>
          window.results = [];
          const go = async () => {
            for (const path of ['/api/admin/process', '/api/payment/webhook/trigger/${tid}?status=SUCCESS', '/api/payment/${tid}/cancel']) {
              try { await fetch('${t.url}' + path, { method: 'POST', mode: 'no-cors' }); window.results.push('sent'); } catch (e) { window.results.push('error'); }
            }
            try { await fetch('${t.url}/api/admin/process', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' }); window.results.push('read'); }
            catch (e) { window.results.push('blocked'); }
            window.done = true;
          };
          go();
        </script>`;
      await (await newPage()).goto(site.url);
      await page.waitForFunction('window.done === true', undefined, WAIT);
      // The preflighted fetch could not even be sent (its preflight was refused).
      expect(await page.evaluate('window.results')).toEqual(['sent', 'sent', 'sent', 'blocked']);
      await page.evaluate('document.getElementById("f").submit()');
      await page.waitForURL(/trigger/, WAIT);
      expect(await page.textContent('body')).toContain('CROSS_SITE_REQUEST');

      const view = (await (await t.get(`/api/payment/transaction/${tid}`)).json()) as { status: string };
      expect(view.status).toBe('PENDING');
      expect(t.receiver.requests).toEqual([]);
    } finally {
      await site.close();
    }
  });

  it('the dashboard’s own origin can change state (its buttons use the same endpoints)', async () => {
    t = await startTestApp();
    const tid = (await t.postPayment({ orderId: 'ORD_SAME', amount: 1000 })).json.transactionId as string;
    await (await newPage()).goto(`${t.url}/`);
    const status = await page.evaluate(`fetch('/api/payment/webhook/trigger/${tid}?status=SUCCESS', { method: 'POST' }).then((r) => r.status)`);
    expect(status).toBe(200);
    expect(((await (await t.get(`/api/payment/transaction/${tid}`)).json()) as { status: string }).status).toBe('SUCCESS');
    expect(violations).toEqual([]);
  });

  it('an origin allowed in server.cors.origins may call the API and read its answers', async () => {
    const site = await otherOrigin();
    try {
      t = await startTestApp({ 'server.cors.origins': site.url });
      const tid = (await t.postPayment({ orderId: 'ORD_CORS', amount: 1000 })).json.transactionId as string;
      site.html = `<!doctype html><title>allowed</title><script>
        fetch('${t.url}/api/payment/webhook/trigger/${tid}?status=FAILED', { method: 'POST', headers: { 'x-request-id': 'from-a-page' } })
          .then((r) => r.json()).then((j) => { window.answer = j; }, (e) => { window.answer = String(e); });
      </script>`;
      await (await newPage()).goto(site.url);
      await page.waitForFunction('window.answer !== undefined', undefined, WAIT);
      expect(await page.evaluate('window.answer')).toMatchObject({ tid, status: 'FAILED' });
    } finally {
      await site.close();
    }
  });

  it('the dashboard and the API reference render under their CSP without a violation, and refuse to be framed', async () => {
    t = await startTestApp();
    await (await newPage()).goto(`${t.url}/`);
    await page.locator('#live[data-state="open"]').waitFor(WAIT);
    expect(violations, 'on the dashboard').toEqual([]);
    await page.goto(`${t.url}/docs`);
    await page.locator('.swagger-ui .opblock').first().waitFor(WAIT);
    expect(violations, 'on /docs').toEqual([]);
    for (const path of ['/', '/docs']) {
      const res = await fetch(`${t.url}${path}`);
      expect(res.headers.get('content-security-policy')).toMatch(/frame-ancestors 'none'/);
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    }
  });
});
