/**
 * Webhook delivery you can trust, against real receivers: the retry schedule
 * (driven by an injected clock, no sleeping), Retry-After, 410, recovery after
 * an outage, slow receivers, re-sends, and signatures.
 */
import { Webhook } from 'standardwebhooks';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_SCHEDULE_MS } from '../../src/webhooks/backoff.js';
import { startTestApp, type TestApp } from '../setup/app.js';
import { until } from '../setup/progress.js';
import { startReceiver, type Receiver } from '../setup/receiver.js';

let t: TestApp | null = null;
const extra: Receiver[] = [];
afterEach(async () => {
  await t?.close();
  t = null;
  for (const r of extra.splice(0)) await r.close();
});

async function accept(app: TestApp, n = 1): Promise<string[]> {
  const tids: string[] = [];
  for (let i = 0; i < n; i++) tids.push(String((await app.postPayment({ orderId: `O${i}`, amount: 1000 + i })).json.transactionId));
  return tids;
}

type WebhookLog = {
  deliveries: Array<{ state: string; attempts: number; webhookId: string; nextAttemptAt: string | null; origin: string }>;
  attempts: Array<{ responseCode: number | null; delivered: boolean; signature: string | null }>;
};
const log = async (app: TestApp, tid: string) => (await (await app.get(`/api/payment/transaction/${tid}/webhooks`)).json()) as WebhookLog;

describe('retries', () => {
  it('follow the schedule attempt by attempt, then the delivery is DEAD and says so', async () => {
    let now = Date.UTC(2026, 1, 5, 1, 0, 0);
    t = await startTestApp(
      { 'payment.process.success-rate': 100, 'payment.webhook.retry.jitter': 0 },
      { clock: () => now },
    );
    t.receiver.answer = () => ({ status: 500 });
    const [tid] = await accept(t);
    await t.app.processNow();
    expect(t.receiver.requests).toHaveLength(1);
    for (const [i, delay] of DEFAULT_SCHEDULE_MS.slice(1).entries()) {
      now += delay - 1; // just before the slot: nothing
      await t.app.dispatcher.runOnce();
      expect(t.receiver.requests).toHaveLength(i + 1);
      now += 1; // the slot: one more attempt
      await t.app.dispatcher.runOnce();
      expect(t.receiver.requests).toHaveLength(i + 2);
    }
    now += 365 * 86_400_000; // however long we wait: no ninth attempt
    await t.app.dispatcher.runOnce();
    expect(t.receiver.requests).toHaveLength(8);
    const webhooks = await log(t, tid!);
    expect(webhooks.deliveries).toEqual([expect.objectContaining({ state: 'DEAD', attempts: 8, nextAttemptAt: null })]);
    expect(webhooks.attempts.every((a) => a.responseCode === 500 && !a.delivered)).toBe(true);
  });

  it('wait at least as long as a 429/503 Retry-After asks', async () => {
    let now = Date.UTC(2026, 1, 5, 1, 0, 0);
    t = await startTestApp({ 'payment.process.success-rate': 100, 'payment.webhook.retry.jitter': 0 }, { clock: () => now });
    t.receiver.answer = () => ({ status: 429, headers: { 'retry-after': '120' } });
    await accept(t);
    await t.app.processNow();
    now += 119_000; // the schedule says 5 s, the receiver said 120 s
    await t.app.dispatcher.runOnce();
    expect(t.receiver.requests).toHaveLength(1);
    now += 1000;
    t.receiver.answer = () => ({ status: 200 });
    await t.app.dispatcher.runOnce();
    expect(t.receiver.requests).toHaveLength(2);
  });

  it('stop at once on 410 Gone', async () => {
    t = await startTestApp({ 'payment.process.success-rate': 100 });
    t.receiver.answer = () => ({ status: 410 });
    const [tid] = await accept(t);
    await t.app.processNow();
    expect((await log(t, tid!)).deliveries).toEqual([expect.objectContaining({ state: 'DEAD', attempts: 1 })]);
  });

  it('deliver every webhook once a receiver that answered 503 recovers, with a bounded number of attempts', async () => {
    const schedule = [0, 100, 200, 300, 400, 500, 500, 500, 500, 500];
    t = await startTestApp({
      'payment.webhook.retry.schedule': schedule.join(','),
      'payment.process.polling.enabled': true,
      'payment.process.polling.initial-delay': 0,
      'payment.process.polling.fixed-delay': 50,
    });
    const downUntil = Date.now() + 800;
    t.receiver.answer = () => (Date.now() < downUntil ? { status: 503 } : { status: 200 });
    const tids = await accept(t, 20);
    await until('20 deliveries, all delivered', async () => (await t!.count('webhook_deliveries')) === 20 && (await delivered(t!)) === 20, 15_000);
    const ok = new Set(t.receiver.requests.filter((r) => r.at >= downUntil).map((r) => (r.json as { transactionId: string }).transactionId));
    expect([...ok].sort()).toEqual([...tids].sort());
    // Paced, not a busy loop: at most one request per schedule slot per delivery.
    expect(t.receiver.requests.length).toBeLessThanOrEqual(20 * schedule.length);
    for (const tid of tids) {
      const { deliveries } = await log(t, tid);
      expect(deliveries[0]!.state).toBe('DELIVERED');
      expect(deliveries[0]!.attempts).toBeGreaterThan(1);
      expect(deliveries[0]!.attempts).toBeLessThanOrEqual(schedule.length);
    }
  });

  it('deliver once a receiver that hung recovers', async () => {
    t = await startTestApp({
      'payment.webhook.timeout': 150,
      'payment.webhook.retry.schedule': '0,100ms,100ms,100ms,100ms,100ms,100ms,100ms,100ms',
      'payment.process.polling.enabled': true,
      'payment.process.polling.initial-delay': 0,
      'payment.process.polling.fixed-delay': 50,
    });
    const hangUntil = Date.now() + 600;
    t.receiver.answer = () => (Date.now() < hangUntil ? { status: 200, delayMs: 1000 } : { status: 200 });
    const tids = await accept(t, 5);
    await until('5 delivered', async () => (await delivered(t!)) === 5, 15_000);
    for (const tid of tids) {
      const { attempts } = await log(t, tid);
      expect(attempts.at(-1)!.delivered).toBe(true);
    }
  });
});

describe('concurrency', () => {
  it('one slow receiver does not hold up deliveries to another', async () => {
    const slow = await startReceiver();
    extra.push(slow);
    slow.answer = () => ({ status: 200, delayMs: 3000 });
    t = await startTestApp({ 'payment.process.success-rate': 100, 'payment.webhook.timeout': 5000 });
    const tids = await accept(t, 20);
    // Half of the payments were taken for a merchant whose receiver is slow.
    await t.app.database.db.updateTable('payment_processes').set({ webhook_url: slow.url }).where('tid', 'in', tids.slice(0, 10)).execute();
    await t.app.processor.runPass();
    await t.app.dispatcher.pump();
    await t.receiver.waitFor(10, 2000); // all fast ones arrive…
    expect(slow.requests).toHaveLength(0); // …while the slow ones are still being answered
    await t.app.dispatcher.drain();
    expect(slow.requests).toHaveLength(10);
  });
});

describe('POST /api/payment/{tid}/webhook/resend', () => {
  it('revives a DEAD delivery: a new attempt now, same webhook-id', async () => {
    t = await startTestApp({ 'payment.process.success-rate': 100, 'payment.webhook.retry.schedule': '0' });
    t.receiver.answer = () => ({ status: 500 });
    const [tid] = await accept(t);
    await t.app.processNow();
    expect((await log(t, tid!)).deliveries[0]!.state).toBe('DEAD');
    t.receiver.answer = () => ({ status: 200 });
    const res = await t.post(`/api/payment/${tid}/webhook/resend`, '');
    expect(res.status).toBe(200);
    const body = (await res.json()) as { status: string; webhook: Record<string, unknown> };
    expect(body.status).toBe('SUCCESS');
    expect(body.webhook).toMatchObject({ delivered: true, responseCode: 200, state: 'DELIVERED', nextAttemptAt: null });
    const webhooks = await log(t, tid!);
    expect(webhooks.deliveries.map((d) => [d.origin, d.state])).toEqual([
      ['AUTO', 'DEAD'],
      ['MANUAL', 'DELIVERED'],
    ]);
    expect(webhooks.deliveries[0]!.webhookId).toBe(webhooks.deliveries[1]!.webhookId);
    const v = (await (await t.get(`/api/payment/transaction/${tid}`)).json()) as { webhookSentAt: string | null };
    expect(v.webhookSentAt).not.toBeNull();
  });

  it('cuts a retry’s wait short instead of making a second delivery', async () => {
    t = await startTestApp({ 'payment.process.success-rate': 100 });
    t.receiver.answer = () => ({ status: 503 });
    const [tid] = await accept(t);
    await t.app.processNow();
    expect((await log(t, tid!)).deliveries[0]).toMatchObject({ state: 'PENDING', attempts: 1 });
    t.receiver.answer = () => ({ status: 200 });
    await t.post(`/api/payment/${tid}/webhook/resend`, '');
    expect((await log(t, tid!)).deliveries).toEqual([expect.objectContaining({ origin: 'AUTO', state: 'DELIVERED', attempts: 2 })]);
  });

  it('sends a delivered webhook again, and refuses a payment that is not final yet', async () => {
    t = await startTestApp();
    const [tid] = await accept(t);
    const early = await t.post(`/api/payment/${tid}/webhook/resend`, '');
    expect(early.status).toBe(409);
    expect(await early.json()).toMatchObject({ code: 'STATUS_CONFLICT' });
    await t.app.processNow();
    await t.post(`/api/payment/${tid}/webhook/resend`, '');
    expect(t.receiver.requests).toHaveLength(2);
    expect(t.receiver.requests[1]!.body).toBe(t.receiver.requests[0]!.body);
    expect((await t.post('/api/payment/DUMMY_20990101_00000000/webhook/resend', '')).status).toBe(404);
  });
});

describe('signed webhooks', () => {
  const secretA = `whsec_${Buffer.from('first secret of the two, for a test').toString('base64')}`;
  const secretB = `whsec_${Buffer.from('second secret of the two, rotation').toString('base64')}`;

  it('carry Standard Webhooks headers that verify with every configured secret, and a webhook-id stable across retries', async () => {
    t = await startTestApp({ 'payment.webhook.secret': `${secretA},${secretB}`, 'payment.process.success-rate': 100 });
    let first = true;
    t.receiver.answer = () => {
      const answer = first ? { status: 500 } : { status: 200 };
      first = false;
      return answer;
    };
    const [tid] = await accept(t);
    await t.app.processNow();
    await t.post(`/api/payment/${tid}/webhook/resend`, ''); // the retry, now
    const [a, b] = t.receiver.requests;
    for (const request of [a!, b!]) {
      const headers = request.headers as Record<string, string>;
      expect(new Webhook(secretA).verify(request.body, headers)).toMatchObject({ transactionId: tid });
      expect(new Webhook(secretB).verify(request.body, headers)).toMatchObject({ transactionId: tid });
    }
    expect(a!.headers['webhook-id']).toBe(b!.headers['webhook-id']);
    const webhooks = await log(t, tid!);
    expect(webhooks.attempts.map((x) => x.signature)).toEqual([a!.headers['webhook-signature'], b!.headers['webhook-signature']]);
  });

  it('are not signed when no secret is set (as the seed)', async () => {
    t = await startTestApp();
    await accept(t);
    await t.app.processNow();
    const headers = t.receiver.requests[0]!.headers;
    expect(headers['webhook-id']).toBeUndefined();
    expect(headers['webhook-signature']).toBeUndefined();
  });
});

async function delivered(app: TestApp): Promise<number> {
  const row = await app.app.database.db
    .selectFrom('webhook_deliveries')
    .select((eb) => eb.fn.countAll().as('n'))
    .where('state', '=', 'DELIVERED')
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

