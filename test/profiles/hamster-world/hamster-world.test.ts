/**
 * The hamster-world contract end to end, on every backend: a
 * payment through POST /api/payment-process read with the Cash Gateway's
 * own rules, its webhook at the MID's own receiver, the process and payment
 * views, retries and re-sends byte for byte, cancellation, scenario rules
 * and seeded runs — and the seed's contract beside it in the same process.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { TestApp } from '../../setup/app.js';
import { startReceiver, type Receiver } from '../../setup/receiver.js';
import { isAcknowledged, parseWebhook } from './cash-gateway.js';
import { BACKENDS } from './setup.js';

const LOCAL_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/;
const DEFAULT_MID = 'hamster_dummy_mid_001';

describe.each(BACKENDS)('hamster-world contract ($name)', (backend) => {
  let t: TestApp;
  const receivers: Receiver[] = [];
  afterEach(async () => {
    await t?.close();
    for (const r of receivers.splice(0)) await r.close();
  });
  const ownReceiver = async () => {
    const r = await startReceiver();
    receivers.push(r);
    return r;
  };
  const pay = (body: Record<string, unknown>, headers: Record<string, string> = {}) => t.post('/api/payment-process', body, headers);
  const registerMid = async (webhookUrl: string, merchantName = 'Shop') => {
    const res = await t.post('/api/mid', { merchantName, webhookUrl });
    expect(res.status).toBe(201);
    return (await res.json()) as Record<string, unknown>;
  };

  it('accepts a payment: 202 with the exact ACK, which the Cash Gateway acknowledges', async () => {
    t = await backend.start();
    const res = await pay({ midId: DEFAULT_MID, userId: 'kc-1', orderId: 'ORD-1', amount: 10000, echo: { orderNumber: 'ORD-1' } });
    expect(res.status).toBe(202);
    const text = await res.text();
    expect(text).toBe('{"code":"ACK_OK","amount":10000,"message":"Payment request accepted"}');
    expect(isAcknowledged(res.status, JSON.parse(text))).toBe(true);
    expect(await t.count('payment_processes')).toBe(1);
  });

  it('refuses an unknown MID (404), a bad body (400), each as a problem, storing nothing', async () => {
    t = await backend.start();
    const unknown = await pay({ midId: 'MID_nope', userId: 'u', orderId: 'O', amount: 1 });
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get('content-type')).toContain('application/problem+json');
    expect(await unknown.json()).toMatchObject({ status: 404, code: 'MID_NOT_FOUND' });
    for (const body of [
      { userId: 'u', orderId: 'O', amount: 1 },
      { midId: DEFAULT_MID, userId: 'u', amount: 1 },
      { midId: DEFAULT_MID, orderId: 'O', amount: '1000' },
      { midId: DEFAULT_MID, orderId: 'O', amount: -5 },
      { midId: DEFAULT_MID, orderId: 'O', amount: 1, echo: 'text' },
      { midId: DEFAULT_MID, orderId: 'O', amount: 1, cancel: 'CANCEL' },
    ]) {
      const res = await pay(body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(isAcknowledged(res.status, await res.json())).toBe(false);
    }
    expect(await t.count('payment_processes')).toBe(0);
  });

  it('sends the webhook to the MID’s own receiver, in the upstream shape, readable by the Cash Gateway', async () => {
    t = await backend.start({ 'payment.process.success-rate': 100 });
    const own = await ownReceiver();
    const mid = await registerMid(own.url);
    expect((await pay({ midId: mid.midId, userId: 'kc-7', orderId: 'ORD-7', amount: 12.5, echo: { orderNumber: 'ORD-7', gatewayReferenceId: 'g-1' } })).status).toBe(202);
    await t.app.processNow();
    const [hook] = await own.waitFor(1);
    expect(t.receiver.requests).toEqual([]);
    const raw = JSON.parse(hook!.body) as Record<string, unknown>;
    expect(Object.keys(raw)).toEqual(['tid', 'midId', 'userId', 'orderId', 'amount', 'status', 'approvalNo', 'failureReason', 'echo']);
    expect(typeof raw.echo).toBe('string');
    const webhook = parseWebhook(hook!.body);
    expect(webhook).toMatchObject({ midId: mid.midId, userId: 'kc-7', orderId: 'ORD-7', amount: 12.5, status: 'COMPLETED', failureReason: null, code: '0000' });
    expect(webhook.tid).toMatch(/^DUMMY_\d{8}_\d{8}$/);
    expect(webhook.approvalNo).toMatch(/^AP/);
    expect(webhook.echo).toEqual({ orderNumber: 'ORD-7', gatewayReferenceId: 'g-1' });
  });

  it('never sends a required field as null: a payment without userId or echo sends "" and "{}"', async () => {
    t = await backend.start({ 'payment.process.success-rate': 0 });
    expect((await pay({ midId: DEFAULT_MID, orderId: 'ORD-NOUSER', amount: 100 })).status).toBe(202);
    expect((await pay({ midId: DEFAULT_MID, userId: null, orderId: 'ORD-NULLUSER', amount: 100, echo: null })).status).toBe(202);
    await t.app.processNow();
    const hooks = await t.receiver.waitFor(2);
    for (const hook of hooks) {
      const webhook = parseWebhook(hook.body);
      expect(webhook).toMatchObject({ userId: '', status: 'FAILED', approvalNo: null, code: '9999', echo: {} });
      expect(webhook.failureReason).toMatch(/^[A-Z_]+$/);
      expect((JSON.parse(hook.body) as { echo: unknown }).echo).toBe('{}');
    }
  });

  it('shows the process as it goes (PENDING, then final) and the payment only once final', async () => {
    t = await backend.start({ 'payment.process.success-rate': 100 });
    await pay({ midId: DEFAULT_MID, userId: 'u', orderId: 'ORD-V', amount: 500 });
    await t.app.processNow();
    const tid = parseWebhook((await t.receiver.waitFor(1))[0]!.body).tid;
    const details = (await (await t.get(`/api/payment-process/transaction/${tid}`)).json()) as Record<string, unknown>;
    // The upstream's fields as it declares them, then what this contract adds.
    const added = ['cancelledAmount', 'remainingAmount', 'cancellations'];
    expect(Object.keys(details)).toEqual(['tid', 'midId', 'orderId', 'amount', 'status', 'approvalNo', 'failReason', 'requestedAt', 'processingStartedAt', 'processedAt', ...added]);
    expect(details).toMatchObject({ tid, midId: DEFAULT_MID, orderId: 'ORD-V', amount: 500, status: 'SUCCESS', failReason: null, cancelledAmount: 0, remainingAmount: 500, cancellations: [] });
    for (const field of ['requestedAt', 'processingStartedAt', 'processedAt']) expect(details[field]).toMatch(LOCAL_DATE_TIME);
    const payment = (await (await t.get(`/api/payment/${tid}`)).json()) as Record<string, unknown>;
    expect(Object.keys(payment)).toEqual([
      'tid', 'orderId', 'amount', 'status', 'approvalNo', 'failureReason', 'notificationStatus', 'notificationAttemptCount', 'lastNotificationAt', 'processedAt', 'createdAt', 'modifiedAt', ...added,
    ]);
    expect(payment).toMatchObject({ tid, status: 'COMPLETED', notificationStatus: 'SENT', notificationAttemptCount: 1, failureReason: null, modifiedAt: null });
    expect(payment.lastNotificationAt).toMatch(LOCAL_DATE_TIME);

    // A payment not processed yet: its process is PENDING, and it has no payment.
    await pay({ midId: DEFAULT_MID, userId: 'u', orderId: 'ORD-W', amount: 1 });
    const pending = (await (await t.get('/api/payments?orderId=ORD-W')).json()) as { items: Array<{ tid: string }> };
    const waiting = pending.items[0]!.tid;
    expect(await (await t.get(`/api/payment-process/transaction/${waiting}`)).json()).toMatchObject({ status: 'PENDING', processedAt: null, approvalNo: null });
    const none = await t.get(`/api/payment/${waiting}`);
    expect(none.status).toBe(404);
    expect(none.headers.get('content-type')).toContain('application/problem+json');
    expect((await t.get('/api/payment-process/transaction/DUMMY_20260101_00000000')).status).toBe(404);
  });

  it('lists and pages payments with their filters (midId, orderId, status, from, to)', async () => {
    t = await backend.start({ scenarios: [{ name: 'declined', match: { orderId: 'BAD-*' }, effect: { outcome: 'FAILED', reason: 'INVALID_CARD' } }], 'payment.process.success-rate': 100 });
    const own = await ownReceiver();
    const mid = await registerMid(own.url);
    await pay({ midId: DEFAULT_MID, userId: 'u', orderId: 'OK-1', amount: 1 });
    await pay({ midId: DEFAULT_MID, userId: 'u', orderId: 'BAD-1', amount: 2 });
    await pay({ midId: mid.midId, userId: 'u', orderId: 'OK-2', amount: 3 });
    await pay({ midId: DEFAULT_MID, userId: 'u', orderId: 'LATER', amount: 4 });
    // LATER stays PENDING: trigger the others only.
    const all = (await (await t.get('/api/payments')).json()) as { items: Array<{ tid: string; orderId: string }> };
    for (const p of all.items.filter((i) => i.orderId !== 'LATER')) {
      const status = p.orderId.startsWith('BAD') ? 'FAILED&reason=INVALID_CARD' : 'SUCCESS';
      expect((await t.post(`/api/payment/webhook/trigger/${p.tid}?status=${status}`, undefined)).status).toBe(200);
    }
    const list = (q: string) => t.get(`/api/payment/list${q}`).then((r) => r.json() as Promise<Array<Record<string, unknown>>>);
    expect((await list('')).map((p) => p.orderId).sort()).toEqual(['BAD-1', 'OK-1', 'OK-2']);
    expect((await list(`?midId=${String(mid.midId)}`)).map((p) => p.orderId)).toEqual(['OK-2']);
    expect((await list('?status=FAILED')).map((p) => [p.orderId, p.failureReason])).toEqual([['BAD-1', 'INVALID_CARD']]);
    expect((await list('?status=COMPLETED')).map((p) => p.orderId).sort()).toEqual(['OK-1', 'OK-2']);
    expect((await list('?orderId=OK')).length).toBe(2);
    const today = new Date();
    const d = `${today.getFullYear()}-${String(today.getMonth() + 1).padStart(2, '0')}-${String(today.getDate()).padStart(2, '0')}`;
    expect((await list(`?from=${d}&to=${d}`)).length).toBe(3);
    expect((await list('?from=2001-01-01&to=2001-01-02')).length).toBe(0);
    expect((await t.get('/api/payment/list?from=yesterday')).status).toBe(400);
    expect((await t.get('/api/payment/list?status=SUCCESS')).status).toBe(400);
    const page = (await (await t.get('/api/payment/page?size=2')).json()) as Record<string, unknown>;
    expect(page).toMatchObject({ totalElements: 3, totalPages: 2, size: 2, number: 0, first: true, last: false, numberOfElements: 2 });
  });

  it('retries a webhook the receiver refused with the same bytes, and re-sends it on request (202, through the outbox)', async () => {
    t = await backend.start({ 'payment.process.success-rate': 100, 'payment.webhook.retry.schedule': '0,0,0' });
    let first = true;
    t.receiver.answer = () => {
      const status = first ? 503 : 200;
      first = false;
      return { status };
    };
    await pay({ midId: DEFAULT_MID, userId: 'u', orderId: 'ORD-R', amount: 42, echo: { n: 1 } });
    await t.app.processNow();
    const [refused, delivered] = await t.receiver.waitFor(2);
    expect(refused!.body).toBe(delivered!.body);
    const tid = parseWebhook(delivered!.body).tid;
    const view = async () => (await (await t.get(`/api/payment/${tid}`)).json()) as Record<string, unknown>;
    // The receiver has the request before hamster-pg has recorded its answer.
    await expect.poll(view).toMatchObject({ notificationStatus: 'SENT', notificationAttemptCount: 2 });

    const resend = await t.post(`/api/payment/${tid}/resend-notification`, undefined);
    expect(resend.status).toBe(202);
    expect(await resend.text()).toBe('');
    const [, , again] = await t.receiver.waitFor(3);
    expect(again!.body).toBe(delivered!.body);
    await expect.poll(view).toMatchObject({ notificationStatus: 'SENT', notificationAttemptCount: 3 });
    expect((await t.post('/api/payment/DUMMY_20260101_00000000/resend-notification', undefined)).status).toBe(404);
  });

  it('cancels a payment through POST /api/payment-process with tid and cancel: "CANCEL": 202, then a CANCELLED webhook', async () => {
    t = await backend.start({ 'payment.process.success-rate': 100 });
    const own = await ownReceiver();
    const mid = await registerMid(own.url);
    const order = { midId: mid.midId, userId: 'kc-9', orderId: 'ORD-C', amount: 7000, echo: { orderNumber: 'ORD-C' } };
    await pay(order);
    await t.app.processNow();
    const paid = parseWebhook((await own.waitFor(1))[0]!.body);

    const cancel = await pay({ ...order, tid: paid.tid, cancel: 'CANCEL' });
    expect(cancel.status).toBe(202);
    const ack = await cancel.json();
    expect(ack).toEqual({ code: 'ACK_OK', amount: 7000, message: 'Payment request accepted' });
    expect(isAcknowledged(202, ack)).toBe(true);
    await t.app.processNow();
    const cancelled = parseWebhook((await own.waitFor(2))[1]!.body);
    expect(cancelled).toMatchObject({ tid: paid.tid, midId: mid.midId, userId: 'kc-9', status: 'CANCELLED', approvalNo: paid.approvalNo, failureReason: null });
    expect(await (await t.get(`/api/payment/${paid.tid}`)).json()).toMatchObject({ status: 'CANCELLED' });
    expect(await t.count('payment_processes')).toBe(1);

    const again = await pay({ ...order, tid: paid.tid, cancel: 'CANCEL' });
    expect(again.status).toBe(409);
    expect(await again.json()).toMatchObject({ code: 'STATUS_CONFLICT' });
    expect((await pay({ ...order, tid: 'DUMMY_20260101_00000000', cancel: 'CANCEL' })).status).toBe(404);
    // Another MID cannot cancel it.
    expect((await pay({ ...order, midId: DEFAULT_MID, tid: paid.tid, cancel: 'CANCEL' })).status).toBe(404);
  });

  it('applies scenario rules to this contract (matched by midId), and a seeded run repeats exactly', async () => {
    const run = async () => {
      t = await backend.start({
        'payment.process.random-seed': 'hw-seed',
        scenarios: [{ name: 'gold', match: { mid: 'hamster_dummy_mid_001', orderId: 'GOLD-*' }, effect: { outcome: 'FAILED', reason: 'LIMIT_EXCEEDED' } }],
      });
      for (let i = 0; i < 12; i++) await pay({ midId: DEFAULT_MID, userId: 'u', orderId: i < 2 ? `GOLD-${i}` : `ORD-${i}`, amount: 100 + i });
      await t.app.processNow();
      const hooks = (await t.receiver.waitFor(12)).map((r) => parseWebhook(r.body));
      const outcome = hooks.map((h) => `${h.orderId}:${h.status}:${h.failureReason ?? ''}`).sort();
      await t.close();
      return { hooks, outcome };
    };
    const a = await run();
    expect(a.hooks.filter((h) => h.orderId.startsWith('GOLD')).every((h) => h.status === 'FAILED' && h.failureReason === 'LIMIT_EXCEEDED')).toBe(true);
    const b = await run();
    expect(b.outcome).toEqual(a.outcome);
    t = undefined as unknown as TestApp;
  });

  it('replays a request with the same Idempotency-Key byte for byte; the key sent to the other contract is another request (422)', async () => {
    t = await backend.start();
    const body = { midId: DEFAULT_MID, userId: 'u', orderId: 'ORD-IDEM', amount: 77, echo: { n: 1 } };
    const first = await pay(body, { 'idempotency-key': 'k-1' });
    const again = await pay(body, { 'idempotency-key': 'k-1' });
    expect(first.status).toBe(202);
    expect(again.status).toBe(202);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(await again.text()).toBe(await first.text());
    expect(await t.count('payment_processes')).toBe(1);
    const other = await registerMid('http://127.0.0.1:9/other');
    const otherMid = await pay({ ...body, midId: other.midId }, { 'idempotency-key': 'k-1' });
    expect(otherMid.status).toBe(422);
    const seed = await t.post('/api/payment', { orderId: 'ORD-IDEM', amount: 77, userPublicId: 'u', echo: { n: 1 } }, { 'idempotency-key': 'k-1' });
    expect(seed.status).toBe(422);
    expect(await seed.json()).toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED' });
  });

  it('speaks both contracts side by side: each payment’s webhook in its own contract’s words', async () => {
    t = await backend.start({ 'payment.process.success-rate': 100 });
    expect((await t.postPayment({ orderId: 'SEED-1', amount: 100, echo: { note: 'seed' } })).status).toBe(202);
    expect((await pay({ midId: DEFAULT_MID, userId: 'u', orderId: 'HW-1', amount: 200 })).status).toBe(202);
    await t.app.processNow();
    const hooks = (await t.receiver.waitFor(2)).map((r) => JSON.parse(r.body) as Record<string, unknown>);
    const seed = hooks.find((h) => 'transactionId' in h)!;
    const hw = hooks.find((h) => 'tid' in h)!;
    expect(seed).toMatchObject({ status: 'SUCCESS', code: '0000', amount: 100, echo: { note: 'seed' }, message: 'Payment approved successfully' });
    expect(hw).toMatchObject({ status: 'COMPLETED', orderId: 'HW-1', amount: 200 });
    const listed = (q: string) => t.get(`/api/payments${q}`).then((r) => r.json() as Promise<{ items: Array<{ orderId: string; profile: string }> }>);
    expect((await listed('')).items.map((p) => [p.orderId, p.profile]).sort()).toEqual([['HW-1', 'hamster-world'], ['SEED-1', 'seed']]);
    expect((await listed('?profile=hamster-world')).items.map((p) => p.orderId)).toEqual(['HW-1']);
    // Each contract sees only its own payments.
    const seedTid = String(seed.transactionId);
    expect((await t.get(`/api/payment/${seedTid}`)).status).toBe(404);
    expect((await t.get(`/api/payment/transaction/${String(hw.tid)}`)).status).toBe(200);
    expect(((await (await t.get('/api/payment/list')).json()) as unknown[]).length).toBe(1);
  });
});
