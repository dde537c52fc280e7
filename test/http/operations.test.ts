/** Health, readiness, Prometheus metrics, and what the dashboard reads: the list, the overview, the event stream. */
import { afterEach, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../setup/app.js';

let t: TestApp | null = null;
afterEach(async () => {
  await t?.close();
  t = null;
});

const json = async <T>(res: Response | Promise<Response>) => (await (await res).json()) as T;

describe('health', () => {
  it('/health answers while the process lives; /ready checks the database and its schema', async () => {
    t = await startTestApp();
    expect(await json(t.get('/health'))).toMatchObject({ status: 'ok' });
    const ready = await t.get('/ready');
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ready' });
    await t.app.database.db.deleteFrom('hamster_schema_migrations').where('name', '=', '0004_test_control').execute();
    const notReady = await t.get('/ready');
    expect(notReady.status).toBe(503);
    expect(await notReady.json()).toMatchObject({ status: 'not ready', detail: 'schema not current' });
  });
});

describe('/metrics', () => {
  it('counts payments and webhook attempts, times requests by route, and reports the backlog', async () => {
    t = await startTestApp({ 'payment.process.success-rate': 100, 'payment.webhook.retry.schedule': '0' });
    for (let i = 0; i < 3; i++) await t.postPayment({ orderId: `M${i}`, amount: 1 });
    await t.app.processNow();
    t.receiver.answer = () => ({ status: 500 });
    const { json: p } = await t.postPayment({ orderId: 'M_FAIL', amount: 1 });
    await t.app.processNow();
    await t.get(`/api/payment/transaction/${String(p.transactionId)}`);
    await t.postPayment({ orderId: 'WAITING', amount: 1 });
    const res = await t.get('/metrics');
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await res.text();
    const value = (line: string) => Number(text.split('\n').find((l) => l.startsWith(line))?.slice(line.length).trim());
    expect(value('hamster_payments_accepted_total ')).toBe(5);
    expect(value('hamster_payments_finalized_total{status="SUCCESS"} ')).toBe(4);
    expect(value('hamster_webhook_attempts_total{outcome="delivered"} ')).toBe(3);
    expect(value('hamster_webhook_attempts_total{outcome="rejected"} ')).toBe(1);
    expect(value('hamster_webhook_delivery_latency_seconds_count ')).toBe(3);
    expect(value('hamster_backlog_pending_payments ')).toBe(1);
    expect(text).toContain('route="/api/payment/transaction/:tid"');
    expect(text).not.toContain(String(p.transactionId));
    expect(text).toMatch(/^hamster_process_cpu_user_seconds_total /m);
  });
});

describe('dashboard API', () => {
  it('/api/payments lists newest first, filters, and pages', async () => {
    t = await startTestApp({
      'payment.process.success-rate': 100,
      scenarios: [{ name: 'fail-b', match: { orderId: 'B_*' }, effect: { outcome: 'FAILED', reason: 'INVALID_CARD' } }],
    });
    const tids: string[] = [];
    for (const id of ['A_1', 'B_1', 'A_2', 'B_2', 'A_3']) tids.push(String((await t.postPayment({ orderId: id, amount: 1 })).json.transactionId));
    await t.app.processNow();
    type Page = { items: Array<{ tid: string; orderId: string; status: string }>; nextBefore: number | null };
    const all = await json<Page>(t.get('/api/payments'));
    expect(all.items.map((i) => i.orderId)).toEqual(['A_3', 'B_2', 'A_2', 'B_1', 'A_1']);
    expect(all.nextBefore).toBeNull();
    expect((await json<Page>(t.get('/api/payments?status=FAILED'))).items.map((i) => i.orderId)).toEqual(['B_2', 'B_1']);
    expect((await json<Page>(t.get('/api/payments?orderId=A_'))).items).toHaveLength(3);
    expect((await json<Page>(t.get(`/api/payments?tid=${tids[1]}`))).items.map((i) => i.orderId)).toEqual(['B_1']);
    const page1 = await json<Page>(t.get('/api/payments?limit=2'));
    const page2 = await json<Page>(t.get(`/api/payments?limit=2&before=${page1.nextBefore}`));
    const page3 = await json<Page>(t.get(`/api/payments?limit=2&before=${page2.nextBefore}`));
    expect([...page1.items, ...page2.items, ...page3.items].map((i) => i.orderId)).toEqual(['A_3', 'B_2', 'A_2', 'B_1', 'A_1']);
    const today = new Date();
    const day = `${today.getFullYear()}-${String(today.getMonth() + 1).padStart(2, '0')}-${String(today.getDate()).padStart(2, '0')}`;
    expect((await json<Page>(t.get(`/api/payments?from=${day}`))).items).toHaveLength(5);
    expect((await json<Page>(t.get(`/api/payments?to=${day}`))).items).toHaveLength(0);
    expect((await json<Page>(t.get('/api/payments?orderId=%25'))).items).toHaveLength(0); // % is literal
    const bad = await t.get('/api/payments?from=yesterday');
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ code: 'VALIDATION_FAILED', errors: [{ field: 'from' }] });
  });

  it('/api/stats counts statuses, webhooks, backlog and the last 15 minutes', async () => {
    t = await startTestApp({ 'payment.process.success-rate': 100 });
    for (let i = 0; i < 4; i++) await t.postPayment({ orderId: `S${i}`, amount: 1 });
    await t.app.processNow();
    await t.postPayment({ orderId: 'LATER', amount: 1 });
    const stats = await json<{
      counts: Record<string, number>;
      webhooks: { attempts: number; deliveredAttempts: number; successRate: number; deliveries: Record<string, number> };
      backlog: { pendingPayments: number; dueDeliveries: number };
      throughput: Array<{ minute: string; accepted: number; finalized: number }>;
    }>(t.get('/api/stats'));
    expect(stats.counts).toEqual({ PENDING: 1, PROCESSING: 0, SUCCESS: 4, FAILED: 0, CANCELLED: 0 });
    expect(stats.webhooks).toMatchObject({ attempts: 4, deliveredAttempts: 4, successRate: 1, deliveries: { DELIVERED: 4 } });
    expect(stats.backlog).toEqual({ pendingPayments: 1, dueDeliveries: 0 });
    expect(stats.throughput).toHaveLength(15);
    expect(stats.throughput.reduce((a, m) => a + m.accepted, 0)).toBe(5);
    expect(stats.throughput.reduce((a, m) => a + m.finalized, 0)).toBe(4);
    expect(stats.throughput.at(-1)!.minute).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/);
  });

  it('/api/events streams payment and webhook events as they happen', async () => {
    t = await startTestApp({ 'payment.process.success-rate': 100 });
    const controller = new AbortController();
    const res = await fetch(`${t.url}/api/events`, { signal: controller.signal });
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const reader = res.body!.getReader();
    let text = '';
    const until = async (pattern: RegExp) => {
      while (!pattern.test(text)) {
        const { value, done } = await reader.read();
        if (done) throw new Error(`stream ended before ${pattern}`);
        text += new TextDecoder().decode(value);
      }
    };
    const { json: ack } = await t.postPayment({ orderId: 'LIVE', amount: 7 });
    await until(/"change":"accepted"/);
    await t.app.processNow();
    await until(/event: webhook\ndata: .*"delivered":true/);
    controller.abort();
    const events = text
      .split('\n\n')
      .filter((block) => block.startsWith('event:'))
      .map((block) => ({ type: block.split('\n')[0]!.slice(7), data: JSON.parse(block.split('\n')[1]!.slice(6)) as Record<string, unknown> }));
    expect(events.map((e) => [e.type, e.data.change ?? e.data.state])).toEqual([
      ['payment', 'accepted'],
      ['payment', 'finalized'],
      ['webhook', 'DELIVERED'],
    ]);
    expect((events[0]!.data.payment as { tid: string }).tid).toBe(ack.transactionId);
    expect(events[2]!.data).toMatchObject({ tid: ack.transactionId, attemptNo: 1, responseCode: 200 });
  });
});
