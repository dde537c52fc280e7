/**
 * Merchants (each to its own receiver, with its own secrets), the admin
 * token, processing on demand, emptying the store, and retry presets.
 */
import { Webhook } from 'standardwebhooks';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { RETRY_PRESETS } from '../../src/webhooks/backoff.js';
import { startTestApp, type TestApp } from '../setup/app.js';
import { startReceiver, type Receiver } from '../setup/receiver.js';

let t: TestApp | null = null;
const receivers: Receiver[] = [];
afterEach(async () => {
  await t?.close();
  t = null;
  for (const r of receivers.splice(0)) await r.close();
});

const secretA = `whsec_${Buffer.from('merchant A signs with this secret').toString('base64')}`;
const secretB = `whsec_${Buffer.from('merchant B has a different secret').toString('base64')}`;

async function receiver(): Promise<Receiver> {
  const r = await startReceiver();
  receivers.push(r);
  return r;
}

const pay = (app: TestApp, mid: string | undefined, orderId = 'O') =>
  app.postPayment({ orderId, amount: 100, ...(mid === undefined ? {} : { echo: { mid } }) });

describe('merchants', () => {
  it('route each merchant’s webhooks to its own receiver, signed with its own secrets', async () => {
    const a = await receiver();
    const b = await receiver();
    t = await startTestApp({
      merchants: [
        { mid: 'shop_a', 'webhook-url': a.url, secrets: [secretA] },
        { mid: 'shop_b', webhookUrl: b.url, secrets: [secretB] },
      ],
    });
    const forA = await pay(t, 'shop_a');
    const forB = await pay(t, 'shop_b');
    const forDefault = await pay(t, undefined);
    await t.app.processNow();
    expect(a.requests.map((r) => (r.json as { transactionId: string }).transactionId)).toEqual([forA.json.transactionId]);
    expect(b.requests.map((r) => (r.json as { transactionId: string }).transactionId)).toEqual([forB.json.transactionId]);
    expect(t.receiver.requests.map((r) => (r.json as { transactionId: string }).transactionId)).toEqual([forDefault.json.transactionId]);
    expect(() => new Webhook(secretA).verify(a.requests[0]!.body, a.requests[0]!.headers as Record<string, string>)).not.toThrow();
    expect(() => new Webhook(secretB).verify(a.requests[0]!.body, a.requests[0]!.headers as Record<string, string>)).toThrow();
    expect(() => new Webhook(secretB).verify(b.requests[0]!.body, b.requests[0]!.headers as Record<string, string>)).not.toThrow();
    expect(t.receiver.requests[0]!.headers['webhook-signature']).toBeUndefined(); // the default merchant has none, nor is one global
    const view = (await (await t.get(`/api/payment/transaction/${String(forA.json.transactionId)}`)).json()) as { mid: string };
    expect(view.mid).toBe('shop_a');
  });

  it('refuse an unknown MID (422) or an inactive one (403), storing nothing', async () => {
    t = await startTestApp({ merchants: [{ mid: 'sleeping', webhookUrl: 'http://127.0.0.1:9/x', active: false }] });
    const unknown = await pay(t, 'who');
    expect(unknown.status).toBe(422);
    expect(unknown.json).toMatchObject({ code: 'MERCHANT_UNKNOWN', detail: 'No merchant is registered with mid who' });
    const inactive = await pay(t, 'sleeping');
    expect(inactive.status).toBe(403);
    expect(inactive.json).toMatchObject({ code: 'MERCHANT_INACTIVE' });
    expect(await t.count('payment_processes')).toBe(0);
  });

  it('with unknown-mid: default, take such payments for the default merchant instead', async () => {
    t = await startTestApp({ 'payment.merchant.unknown-mid': 'default' });
    const res = await pay(t, 'who');
    expect(res.status).toBe(202);
    await t.app.processNow();
    expect(t.receiver.requests).toHaveLength(1);
    const p = (await t.app.store.findPayment(String(res.json.transactionId)))!;
    expect(p.mid).toBe('hamster_dummy_mid_001');
  });

  it('are managed through /api/admin/merchants, and changes apply at once', async () => {
    const c = await receiver();
    t = await startTestApp();
    const url = `${t.url}/api/admin/merchants`;
    const put = (mid: string, body: unknown) =>
      fetch(`${url}/${mid}`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect((await put('shop_c', { webhookUrl: c.url, secrets: [secretA] })).status).toBe(201);
    expect(await (await fetch(`${url}/shop_c`)).json()).toEqual({
      mid: 'shop_c',
      webhookUrl: c.url,
      secrets: [`whsec_…${secretA.slice(-4)}`],
      active: true,
    });
    const list = (await (await fetch(url)).json()) as { merchants: Array<{ mid: string }> };
    expect(list.merchants.map((m) => m.mid)).toEqual(['hamster_dummy_mid_001', 'shop_c', 'store-hamster-pg-test']);
    expect((await pay(t, 'shop_c')).status).toBe(202);
    expect((await put('shop_c', { webhookUrl: c.url, active: false })).status).toBe(200);
    expect((await pay(t, 'shop_c')).status).toBe(403);
    const bad = await put('shop_d', { webhookUrl: 'ftp://nope', secrets: ['plain'] });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { errors: Array<{ field: string }> }).errors.map((e) => e.field)).toEqual(['webhookUrl', 'secrets']);
    expect((await fetch(`${url}/shop_c`, { method: 'DELETE' })).status).toBe(204);
    expect((await fetch(`${url}/shop_c`)).status).toBe(404);
    expect((await pay(t, 'shop_c')).status).toBe(422);
    expect((await fetch(`${url}/hamster_dummy_mid_001`, { method: 'DELETE' })).status).toBe(409);
  });
});

describe('admin API', () => {
  it('is protected by admin.token when set', async () => {
    t = await startTestApp({ 'admin.token': 's3cret' });
    const without = await fetch(`${t.url}/api/admin/scenarios`);
    expect(without.status).toBe(401);
    expect(await without.json()).toMatchObject({ code: 'ADMIN_TOKEN_REQUIRED' });
    expect((await fetch(`${t.url}/api/admin/scenarios`, { headers: { authorization: 'Bearer wrong!' } })).status).toBe(401);
    expect((await fetch(`${t.url}/api/admin/scenarios`, { headers: { authorization: 'Bearer s3cret' } })).status).toBe(200);
    expect((await fetch(`${t.url}/api/admin/process`, { method: 'POST', headers: { 'x-admin-token': 's3cret' } })).status).toBe(200);
    // The payment API itself stays open.
    expect((await pay(t, undefined)).status).toBe(202);
  });

  it('POST /api/admin/process runs a processing and delivery pass and answers when done', async () => {
    t = await startTestApp();
    for (let i = 0; i < 3; i++) await pay(t, undefined, `P${i}`);
    const res = await fetch(`${t.url}/api/admin/process`, { method: 'POST' });
    expect(await res.json()).toEqual({ processed: 3, attempts: 3 });
    expect(t.receiver.requests).toHaveLength(3);
  });

  it('DELETE /api/admin/data is refused unless enabled, and then empties the store so a seeded run starts afresh', async () => {
    t = await startTestApp();
    await pay(t, undefined);
    const refused = await fetch(`${t.url}/api/admin/data`, { method: 'DELETE' });
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({ code: 'DATA_RESET_DISABLED' });
    expect(await t.count('payment_processes')).toBe(1);
    await t.close();

    t = await startTestApp({ 'admin.allow-data-reset': true, 'payment.process.random-seed': 'again', 'payment.process.success-rate': 50 });
    const run = async () => {
      const tids = [];
      for (let i = 0; i < 12; i++) tids.push(String((await pay(t!, undefined, `R${i}`)).json.transactionId));
      await t!.app.processNow();
      return Promise.all(tids.map(async (tid) => (await t!.app.store.findPayment(tid))!).map(async (p) => `${(await p).id}:${(await p).status}`));
    };
    const first = await run();
    expect((await fetch(`${t.url}/api/admin/data`, { method: 'DELETE' })).status).toBe(204);
    for (const table of ['payment_processes', 'payments', 'webhook_deliveries', 'webhook_attempts'] as const) expect(await t.count(table)).toBe(0);
    expect(await run()).toEqual(first);
  });
});

describe('retry presets', () => {
  const load = (env: Record<string, string>) => loadConfig({ env, cwd: '/nonexistent' }).config.payment.webhook.retry;

  it('set the schedule to a PG’s published one', () => {
    expect(load({ PAYMENT_WEBHOOK_RETRY_PRESET: 'toss' }).scheduleMs).toEqual([0, 1, 4, 16, 64, 256, 1024, 4096].map((m) => m * 60_000));
    expect(load({ PAYMENT_WEBHOOK_RETRY_PRESET: 'portone' }).scheduleMs).toEqual([0, 1, 4, 16, 64, 256].map((m) => m * 60_000));
    const stripe = load({ PAYMENT_WEBHOOK_RETRY_PRESET: 'stripe' }).scheduleMs;
    const total = stripe.reduce((a, b) => a + b, 0) / 3_600_000;
    expect(total).toBeGreaterThan(70);
    expect(total).toBeLessThanOrEqual(72);
    expect(load({}).scheduleMs).toEqual(RETRY_PRESETS.default);
  });

  it('give way to an explicit schedule, and are divided by the time scale', () => {
    expect(load({ PAYMENT_WEBHOOK_RETRY_PRESET: 'toss', PAYMENT_WEBHOOK_RETRY_SCHEDULE: '0,1s' }).scheduleMs).toEqual([0, 1000]);
    expect(load({ PAYMENT_WEBHOOK_RETRY_PRESET: 'toss', PAYMENT_WEBHOOK_RETRY_TIME_SCALE: '60' }).scheduleMs).toEqual(
      [0, 1, 4, 16, 64, 256, 1024, 4096].map((m) => m * 1000),
    );
    expect(() => load({ PAYMENT_WEBHOOK_RETRY_PRESET: 'paypal' })).toThrow(/allowed: default, toss, portone, stripe/);
  });

  it('apply end to end: with toss at time scale 60000, the second attempt comes 1 ms after the first', async () => {
    let now = Date.UTC(2026, 1, 5, 1, 0, 0);
    t = await startTestApp(
      { 'payment.webhook.retry.preset': 'toss', 'payment.webhook.retry.time-scale': 60_000, 'payment.webhook.retry.jitter': 0 },
      { clock: () => now },
    );
    t.receiver.answer = () => ({ status: 500 });
    await pay(t, undefined);
    await t.app.processNow();
    now += 1;
    await t.app.processNow();
    expect(t.receiver.requests).toHaveLength(2);
  });
});
