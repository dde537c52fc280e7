/**
 * The webhook inspector's API on every backend, with a real receiver: the
 * list by state with counts and keyset paging, one delivery's attempts with
 * the exact request that reached the receiver, a re-send of one, and the
 * bounded requeue of the DEAD ones matching a filter.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BACKENDS } from '../profiles/hamster-world/setup.js';
import type { TestApp } from '../setup/app.js';

interface DeliveryView { deliveryId: number; tid: string; state: string; origin: string; webhookId: string; attempts: number; forPayment: boolean }
interface AttemptView {
  attemptNo: number;
  delivered: boolean;
  request: { method: string; url: string; headers: Record<string, string> | null; signature: string | null; body: string };
  response: { code: number | null; body: string | null; error: string | null };
}
const SECRET = `whsec_${Buffer.from('the inspector test signs its webhooks').toString('base64')}`;
interface Page { items: DeliveryView[]; counts: Record<string, number>; nextBefore: number | null }

describe.each(BACKENDS)('webhook inspector ($name)', (backend) => {
  let t: TestApp;
  const tids: string[] = [];
  beforeEach(async () => {
    t = await backend.start({ 'payment.process.success-rate': 100, 'payment.webhook.retry.schedule': '0', 'payment.webhook.secret': SECRET });
    tids.length = 0;
    // One delivered, then three that the receiver refuses: one attempt each, then DEAD.
    for (const [i, status] of [200, 500, 500, 500].entries()) {
      t.receiver.answer = () => ({ status, body: status === 200 ? '{"ok":true}' : '{"error":"down"}' });
      const { json } = await t.postPayment({ orderId: `INSPECT_${i}`, amount: 1000 + i });
      tids.push(String(json.transactionId));
      await t.app.processNow();
    }
    await t.receiver.waitFor(4);
  });
  afterEach(async () => {
    await t.close();
  });
  const get = async <T>(path: string) => {
    const res = await t.get(path);
    expect(res.status, path).toBe(200);
    return (await res.json()) as T;
  };

  it('lists deliveries by state, newest first, with counts per state and keyset paging', async () => {
    const all = await get<Page>('/api/webhooks');
    expect(all.items.map((d) => d.tid)).toEqual([...tids].reverse());
    expect(all.counts).toEqual({ PENDING: 0, HELD: 0, SENDING: 0, DELIVERED: 1, DEAD: 3 });
    expect(all.items[0]).toMatchObject({ state: 'DEAD', origin: 'AUTO', attempts: 1, forPayment: true });

    const dead = await get<Page>('/api/webhooks?state=DEAD&limit=2');
    expect(dead.items.map((d) => d.tid)).toEqual([tids[3], tids[2]]);
    expect(dead.counts.DEAD).toBe(3);
    const next = await get<Page>(`/api/webhooks?state=DEAD&limit=2&before=${dead.nextBefore}`);
    expect(next.items.map((d) => d.tid)).toEqual([tids[1]]);
    expect(next.nextBefore).toBeNull();

    const one = await get<Page>(`/api/webhooks?tid=${tids[0]}`);
    expect(one.items).toHaveLength(1);
    expect(one.counts).toMatchObject({ DELIVERED: 1, DEAD: 0 });
    expect((await get<Page>(`/api/webhooks?url=${encodeURIComponent(t.receiver.url)}&state=DELIVERED`)).items).toHaveLength(1);
    expect((await t.get('/api/webhooks?state=LOST')).status).toBe(400);
  });

  it('shows each attempt with the exact request the receiver got, and its answer', async () => {
    const [dead] = (await get<Page>(`/api/webhooks?tid=${tids[1]}`)).items;
    const detail = await get<{ delivery: DeliveryView; body: string; attempts: AttemptView[] }>(`/api/webhooks/${dead!.deliveryId}`);
    const received = t.receiver.requests[1]!;
    expect(detail.body).toBe(received.body);
    expect(detail.attempts).toHaveLength(1);
    const [attempt] = detail.attempts;
    expect(attempt).toMatchObject({ attemptNo: 1, delivered: false, response: { code: 500, body: '{"error":"down"}', error: null } });
    expect(attempt!.request).toMatchObject({ method: 'POST', url: t.receiver.url, body: received.body });
    for (const [name, value] of Object.entries(attempt!.request.headers!)) expect(received.headers[name], name).toBe(value);
    expect(Object.keys(attempt!.request.headers!)).toEqual(expect.arrayContaining(['content-type', 'webhook-id', 'webhook-timestamp', 'webhook-signature']));
    expect(attempt!.request.signature).toBe(received.headers['webhook-signature']);

    const missing = await t.get('/api/webhooks/999999');
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ code: 'DELIVERY_NOT_FOUND' });
  });

  it('re-sends one delivery now as a new MANUAL delivery of the same bytes and webhook-id', async () => {
    const [dead] = (await get<Page>(`/api/webhooks?tid=${tids[2]}`)).items;
    t.receiver.answer = () => ({ status: 200 });
    const res = await t.post(`/api/webhooks/${dead!.deliveryId}/resend`, '');
    expect(res.status).toBe(200);
    const sent = (await res.json()) as { resentFrom: number; delivery: DeliveryView; attempt: AttemptView };
    expect(sent.resentFrom).toBe(dead!.deliveryId);
    expect(sent.delivery).toMatchObject({ tid: tids[2], origin: 'MANUAL', state: 'DELIVERED', webhookId: dead!.webhookId });
    expect(sent.delivery.deliveryId).not.toBe(dead!.deliveryId);
    expect(sent.attempt).toMatchObject({ delivered: true, response: { code: 200 } });
    const [again] = await t.receiver.waitFor(5).then((r) => r.slice(4));
    expect(again!.body).toBe(t.receiver.requests[2]!.body);
    expect(again!.headers['webhook-id']).toBe(dead!.webhookId);
    expect(sent.attempt.request.headers!['webhook-signature']).toBe(again!.headers['webhook-signature']);
    expect((await t.post('/api/webhooks/424242/resend', '')).status).toBe(404);
  });

  it('requeues the DEAD deliveries matching a filter, then all of them, through the dispatcher', async () => {
    t.receiver.answer = () => ({ status: 200 });
    const one = await t.post(`/api/webhooks/resend?state=DEAD&tid=${tids[1]}`, '');
    expect(one.status).toBe(202);
    expect(await one.json()).toEqual({ requeued: 1, remaining: 0, limit: 1000 });
    expect((await get<Page>('/api/webhooks')).counts.DEAD).toBeLessThanOrEqual(2);
    await t.receiver.waitFor(5);

    const rest = await t.post('/api/webhooks/resend?state=DEAD', '');
    expect(await rest.json()).toEqual({ requeued: 2, remaining: 0, limit: 1000 });
    const got = await t.receiver.waitFor(7);
    expect(got.slice(4).map((r) => r.headers['webhook-id']).sort()).toEqual(got.slice(1, 4).map((r) => r.headers['webhook-id']).sort());
    await expect.poll(async () => (await get<Page>('/api/webhooks')).counts).toMatchObject({ DELIVERED: 4, DEAD: 0 });
    expect((await t.post('/api/webhooks/resend?state=DELIVERED', '')).status).toBe(400);
    expect((await t.post('/api/webhooks/resend', '')).status).toBe(400);
  });
});
