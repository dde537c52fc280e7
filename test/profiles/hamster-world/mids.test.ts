/**
 * The hamster-world MID API on every backend: registering, looking up,
 * listing and paging, activating and deactivating — the engine's merchants.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { TestApp } from '../../setup/app.js';
import { BACKENDS } from './setup.js';

const LOCAL_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/;
const DEFAULT_MID = 'hamster_dummy_mid_001';

describe.each(BACKENDS)('hamster-world MIDs ($name)', (backend) => {
  let t: TestApp;
  afterEach(async () => {
    await t?.close();
  });
  const pay = (body: Record<string, unknown>, headers: Record<string, string> = {}) => t.post('/api/payment-process', body, headers);
  const registerMid = async (webhookUrl: string, merchantName = 'Shop') => {
    const res = await t.post('/api/mid', { merchantName, webhookUrl });
    expect(res.status).toBe(201);
    return (await res.json()) as Record<string, unknown>;
  };

  it('registers a MID: 201 with a generated midId and API key; it is the same merchant as /api/admin/merchants', async () => {
    t = await backend.start();
    const res = await t.post('/api/mid', { merchantName: 'Hamster Shop', webhookUrl: 'http://127.0.0.1:9/hook' });
    expect(res.status).toBe(201);
    const text = await res.text();
    const mid = JSON.parse(text) as Record<string, unknown>;
    expect(Object.keys(mid)).toEqual(['midId', 'merchantName', 'apiKey', 'webhookUrl', 'isActive', 'createdAt', 'modifiedAt']);
    expect(mid.midId).toMatch(/^MID_\d{13}_\d{4}$/);
    expect(mid.apiKey).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(mid).toMatchObject({ merchantName: 'Hamster Shop', webhookUrl: 'http://127.0.0.1:9/hook', isActive: true, modifiedAt: null });
    expect(mid.createdAt).toMatch(LOCAL_DATE_TIME);
    expect(await (await t.get(`/api/mid/${String(mid.midId)}`)).json()).toEqual(mid);
    const admin = (await (await t.get(`/api/admin/merchants/${String(mid.midId)}`)).json()) as Record<string, unknown>;
    expect(admin).toMatchObject({ mid: mid.midId, webhookUrl: 'http://127.0.0.1:9/hook', active: true });
  });

  it('refuses a MID without a name or URL (400 problem), and answers 404 for an unknown one', async () => {
    t = await backend.start();
    for (const body of [{ webhookUrl: 'http://127.0.0.1:9/x' }, { merchantName: 'x' }, { merchantName: '  ', webhookUrl: 'http://127.0.0.1:9/x' }, { merchantName: 'x', webhookUrl: '' }, { merchantName: 'x', webhookUrl: 'not a url' }]) {
      const res = await t.post('/api/mid', body);
      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
    }
    const res = await t.get('/api/mid/MID_nope');
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ status: 404, code: 'MID_NOT_FOUND' });
  });

  it('has hamster_dummy_mid_001 from the start, named Hamster Cash Gateway, webhooks to payment.webhook.url', async () => {
    t = await backend.start();
    const mid = (await (await t.get(`/api/mid/${DEFAULT_MID}`)).json()) as Record<string, unknown>;
    expect(mid).toMatchObject({ midId: DEFAULT_MID, merchantName: 'Hamster Cash Gateway', webhookUrl: t.receiver.url, isActive: true });
  });

  it('lists and pages MIDs with their filters, as a Spring Page', async () => {
    t = await backend.start();
    const a = await registerMid('http://127.0.0.1:9/a', 'Alpha Store');
    await registerMid('http://127.0.0.1:9/b', 'Beta Store');
    await t.post(`/api/mid/${String(a.midId)}/deactivate`, undefined);
    const list = (q: string) => t.get(`/api/mid/list${q}`).then((r) => r.json() as Promise<Array<Record<string, unknown>>>);
    // The default PortOne store is a merchant too (PortOne stores are MIDs of the engine).
    expect((await list('')).length).toBe(4);
    expect((await list('?merchantName=store')).map((m) => m.merchantName).sort()).toEqual(['Alpha Store', 'Beta Store', 'PortOne test store']);
    expect((await list('?isActive=false')).map((m) => m.midId)).toEqual([a.midId]);
    expect((await list(`?midId=${DEFAULT_MID}`)).map((m) => m.midId)).toEqual([DEFAULT_MID]);
    const page = (await (await t.get('/api/mid/page?size=3&page=1')).json()) as Record<string, unknown>;
    expect(page).toMatchObject({ totalElements: 4, totalPages: 2, number: 1, size: 3, first: false, last: true, numberOfElements: 1, empty: false });
    expect((page.content as unknown[]).length).toBe(1);
    const first = (await (await t.get('/api/mid/page')).json()) as Record<string, unknown>;
    expect(first).toMatchObject({ size: 10, number: 0, first: true, last: true, totalElements: 4 });
    expect((await t.get('/api/mid/page?page=-1')).status).toBe(400);
  });

  it('deactivates and activates a MID: an inactive MID’s payments are refused with 403, nothing stored', async () => {
    t = await backend.start();
    const mid = await registerMid('http://127.0.0.1:9/a');
    const off = await t.post(`/api/mid/${String(mid.midId)}/deactivate`, undefined);
    expect(off.status).toBe(200);
    expect(await off.json()).toMatchObject({ midId: mid.midId, isActive: false });
    const refused = await pay({ midId: mid.midId, userId: 'u1', orderId: 'O1', amount: 1000 });
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({ code: 'MERCHANT_INACTIVE' });
    expect(await t.count('payment_processes')).toBe(0);
    const on = await t.post(`/api/mid/${String(mid.midId)}/activate`, undefined);
    expect(await on.json()).toMatchObject({ isActive: true });
    expect((await pay({ midId: mid.midId, userId: 'u1', orderId: 'O1', amount: 1000 })).status).toBe(202);
    expect((await t.post('/api/mid/MID_nope/activate', undefined)).status).toBe(404);
  });

  it('a merchant registered through the admin API or the configuration is a MID too; its API key survives changes', async () => {
    t = await backend.start({ merchants: [{ mid: 'shop_cfg', 'webhook-url': 'http://127.0.0.1:9/cfg', name: 'Configured Shop' }] });
    const cfg = (await (await t.get('/api/mid/shop_cfg')).json()) as Record<string, unknown>;
    expect(cfg).toMatchObject({ midId: 'shop_cfg', merchantName: 'Configured Shop', webhookUrl: 'http://127.0.0.1:9/cfg', isActive: true });
    const put = (body: unknown) =>
      fetch(`${t.url}/api/admin/merchants/shop_adm`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect((await put({ webhookUrl: 'http://127.0.0.1:9/a', name: 'Admin Shop' })).status).toBe(201);
    const before = (await (await t.get('/api/mid/shop_adm')).json()) as Record<string, unknown>;
    expect(before).toMatchObject({ merchantName: 'Admin Shop', webhookUrl: 'http://127.0.0.1:9/a' });
    expect((await put({ webhookUrl: 'http://127.0.0.1:9/b' })).status).toBe(200);
    const after = (await (await t.get('/api/mid/shop_adm')).json()) as Record<string, unknown>;
    expect(after).toMatchObject({ merchantName: 'Admin Shop', webhookUrl: 'http://127.0.0.1:9/b', apiKey: before.apiKey, createdAt: before.createdAt });
    expect((await put({ webhookUrl: 'http://127.0.0.1:9/b', name: '' })).status).toBe(400);
  });
});
