/**
 * Every scenario effect against a real receiver: outcomes, processing
 * delays, webhook misbehaviour (none, delay, duplicate, reorder,
 * bad-signature), faults of the accept call, seeded repeatability, and the
 * admin API that manages the rules.
 */
import { Webhook } from 'standardwebhooks';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../setup/app.js';

let t: TestApp | null = null;
afterEach(async () => {
  await t?.close();
  t = null;
});

const MID = 'hamster_dummy_mid_001';
const SECRET = `whsec_${Buffer.from('scenario tests sign with this key').toString('base64')}`;

async function pay(app: TestApp, body: Record<string, unknown>, headers: Record<string, string> = {}) {
  const res = await app.post('/api/payment', { amount: 1000, echo: { mid: MID }, ...body }, headers);
  return { status: res.status, json: (await res.json()) as Record<string, unknown>, headers: res.headers };
}
const view = async (app: TestApp, tid: unknown) =>
  (await (await app.get(`/api/payment/transaction/${String(tid)}`)).json()) as Record<string, unknown>;
const tidsIn = (app: TestApp) => app.receiver.requests.map((r) => (r.json as { transactionId: string }).transactionId);

describe('outcomes', () => {
  it('the first matching rule decides, and the transaction view names it', async () => {
    t = await startTestApp({
      'payment.process.success-rate': 100,
      scenarios: [
        { name: 'limit', match: { orderId: 'ORD_LIMIT_*' }, effect: { outcome: 'FAILED', reason: 'LIMIT_EXCEEDED' } },
        { name: 'big', match: { amount: { min: 1_000_000 } }, effect: { outcome: 'FAILED', reason: 'INSUFFICIENT_BALANCE' } },
        { name: 'vip', match: { userPublicId: 'USR_VIP' }, effect: { outcome: 'SUCCESS' } },
      ],
    });
    const limit = await pay(t, { orderId: 'ORD_LIMIT_1', amount: 5_000_000 });
    const big = await pay(t, { orderId: 'ORD_2', amount: 5_000_000 });
    const vip = await pay(t, { orderId: 'ORD_3', userPublicId: 'USR_VIP' });
    const plain = await pay(t, { orderId: 'ORD_4' });
    await t.app.processNow();
    expect(await view(t, limit.json.transactionId)).toMatchObject({ status: 'FAILED', failReason: 'LIMIT_EXCEEDED', scenario: 'limit' });
    expect(await view(t, big.json.transactionId)).toMatchObject({ status: 'FAILED', failReason: 'INSUFFICIENT_BALANCE', scenario: 'big' });
    expect(await view(t, vip.json.transactionId)).toMatchObject({ status: 'SUCCESS', scenario: 'vip' });
    expect(await view(t, plain.json.transactionId)).toMatchObject({ status: 'SUCCESS', scenario: null });
    const limitHook = t.receiver.requests.find((r) => (r.json as { transactionId: string }).transactionId === limit.json.transactionId);
    expect(limitHook!.json).toMatchObject({ status: 'FAILED', code: 'E004', message: 'Payment failed: LIMIT_EXCEEDED' });
  });

  it('the X-Hamster-Scenario header picks a rule by name; an unknown name is a 400 and stores nothing', async () => {
    t = await startTestApp({
      scenarios: [{ name: 'expired', match: { orderId: 'NEVER' }, effect: { outcome: 'FAILED', reason: 'EXPIRED_CARD' } }],
    });
    const named = await pay(t, { orderId: 'ANY' }, { 'X-Hamster-Scenario': 'expired' });
    await t.app.processNow();
    expect(await view(t, named.json.transactionId)).toMatchObject({ status: 'FAILED', failReason: 'EXPIRED_CARD', scenario: 'expired' });
    const unknown = await pay(t, { orderId: 'ANY' }, { 'X-Hamster-Scenario': 'nope' });
    expect(unknown.status).toBe(400);
    expect(unknown.json).toMatchObject({ code: 'UNKNOWN_SCENARIO' });
    expect(await t.count('payment_processes')).toBe(1);
  });

  it('a seeded run repeats itself exactly: outcomes, reasons, delays and the order of approval numbers', async () => {
    const rules = [
      { name: 'random-failure', match: { orderId: 'F_*' }, effect: { outcome: 'FAILED', delay: { min: '1s', max: '9s' } } },
      { name: 'slow', match: { orderId: 'S_*' }, effect: { delay: { min: '100ms', max: '5s' } } },
    ];
    const runs: string[][] = [];
    for (let run = 0; run < 2; run++) {
      let now = Date.UTC(2026, 1, 5, 1, 0, 0);
      t = await startTestApp({ 'payment.process.random-seed': 'repeat-me', scenarios: rules }, { clock: () => now });
      const tids: unknown[] = [];
      for (let i = 0; i < 30; i++) tids.push((await pay(t, { orderId: `${['F', 'S', 'N'][i % 3]}_${i}` })).json.transactionId);
      now += 10_000;
      await t.app.processNow();
      const seen: string[] = [];
      for (const tid of tids) {
        const v = await view(t, tid);
        const p = (await t.app.store.findPayment(String(tid)))!;
        seen.push(`${String(v.status)}:${String(v.failReason)}:${p.processAfter === null ? '-' : p.processAfter - p.requestedAt}`);
      }
      const approvals = [];
      for (const tid of tids) approvals.push((await t.app.store.findPayment(String(tid)))!.approvalNo);
      const ok = approvals.filter((a) => a !== null) as string[];
      expect([...ok].sort()).toEqual(ok);
      runs.push(seen);
      await t.close();
      t = null;
    }
    expect(runs[0]).toEqual(runs[1]);
    expect(new Set(runs[0]!.filter((s) => s.startsWith('FAILED')).map((s) => s.split(':')[1])).size).toBeGreaterThan(1);
  });
});

describe('processing delay', () => {
  it('keeps the payment PENDING until its delay has passed', async () => {
    let now = Date.UTC(2026, 1, 5, 1, 0, 0);
    t = await startTestApp({ scenarios: [{ name: 'slow-bank', match: {}, effect: { delay: '5s' } }] }, { clock: () => now });
    const { json } = await pay(t, { orderId: 'SLOW' });
    await t.app.processNow();
    expect((await view(t, json.transactionId)).status).toBe('PENDING');
    now += 4999;
    await t.app.processNow();
    expect((await view(t, json.transactionId)).status).toBe('PENDING');
    now += 1;
    await t.app.processNow();
    expect(['SUCCESS', 'FAILED']).toContain((await view(t, json.transactionId)).status);
    expect(t.receiver.requests).toHaveLength(1);
  });
});

describe('webhook behaviour', () => {
  it('none: nothing is sent until the webhook is re-sent (or triggered)', async () => {
    t = await startTestApp({ 'payment.process.success-rate': 100, scenarios: [{ name: 'quiet', match: { orderId: 'Q_*' }, effect: { webhook: 'none' } }] });
    const held = await pay(t, { orderId: 'Q_1' });
    const held2 = await pay(t, { orderId: 'Q_2' });
    await t.app.processNow();
    await t.app.processNow();
    expect(t.receiver.requests).toHaveLength(0);
    const log = (await (await t.get(`/api/payment/transaction/${String(held.json.transactionId)}/webhooks`)).json()) as {
      deliveries: Array<{ state: string }>;
    };
    expect(log.deliveries.map((d) => d.state)).toEqual(['HELD']);
    const res = await t.post(`/api/payment/${String(held.json.transactionId)}/webhook/resend`, '');
    expect(((await res.json()) as { webhook: { delivered: boolean } }).webhook.delivered).toBe(true);
    expect(tidsIn(t)).toEqual([held.json.transactionId]);
    await t.post(`/api/payment/webhook/trigger/${String(held2.json.transactionId)}?status=SUCCESS`, '');
    expect(tidsIn(t)).toEqual([held.json.transactionId, held2.json.transactionId]);
  });

  it('delay: the first attempt waits that much longer', async () => {
    let now = Date.UTC(2026, 1, 5, 1, 0, 0);
    t = await startTestApp({ scenarios: [{ name: 'late', match: {}, effect: { webhook: { delay: '10s' } } }] }, { clock: () => now });
    await pay(t, { orderId: 'L' });
    await t.app.processNow();
    now += 9999;
    await t.app.processNow();
    expect(t.receiver.requests).toHaveLength(0);
    now += 1;
    await t.app.processNow();
    expect(t.receiver.requests).toHaveLength(1);
  });

  it('duplicate: n copies with the same webhook-id', async () => {
    t = await startTestApp({
      'payment.webhook.secret': SECRET,
      scenarios: [{ name: 'twice', match: { orderId: 'D_*' }, effect: { webhook: { duplicate: 3 } } }],
    });
    const { json } = await pay(t, { orderId: 'D_1' });
    await t.app.processNow();
    expect(t.receiver.requests).toHaveLength(3);
    const ids = new Set(t.receiver.requests.map((r) => r.headers['webhook-id']));
    expect(ids.size).toBe(1);
    expect([...ids][0]).toMatch(/^msg_/);
    expect(new Set(t.receiver.requests.map((r) => r.body)).size).toBe(1);
    for (const r of t.receiver.requests) expect(new Webhook(SECRET).verify(r.body, r.headers as Record<string, string>)).toMatchObject({ transactionId: json.transactionId });
  });

  it('reorder: held back and sent after a later webhook', async () => {
    t = await startTestApp({ 'payment.process.success-rate': 100, scenarios: [{ name: 'late-first', match: { orderId: 'FIRST' }, effect: { webhook: 'reorder' } }] });
    const first = await pay(t, { orderId: 'FIRST' });
    const second = await pay(t, { orderId: 'SECOND' });
    await t.app.processNow(); // both finalized, in acceptance order; only SECOND is due
    await t.app.processNow(); // FIRST was released by SECOND's delivery
    expect(tidsIn(t)).toEqual([second.json.transactionId, first.json.transactionId]);
  });

  it('reorder: sent anyway after a minute if no later webhook comes', async () => {
    let now = Date.UTC(2026, 1, 5, 1, 0, 0);
    t = await startTestApp({ scenarios: [{ name: 'alone', match: {}, effect: { webhook: 'reorder' } }] }, { clock: () => now });
    await pay(t, { orderId: 'ALONE' });
    await t.app.processNow();
    expect(t.receiver.requests).toHaveLength(0);
    now += 60_000;
    await t.app.processNow();
    expect(t.receiver.requests).toHaveLength(1);
  });

  it('bad-signature: the signature fails verification with standardwebhooks (signed even when no secret is set)', async () => {
    for (const secret of [SECRET, '']) {
      t = await startTestApp({
        'payment.webhook.secret': secret,
        scenarios: [{ name: 'forged', match: { orderId: 'BAD' }, effect: { webhook: 'bad-signature' } }],
      });
      await pay(t, { orderId: 'BAD' });
      await pay(t, { orderId: 'GOOD' });
      await t.app.processNow();
      const byOrder = (id: string) =>
        t!.receiver.requests.find((r) => (r.json as { transactionId: string }).transactionId === id)!;
      const tids = (await t.app.database.db.selectFrom('payment_processes').select(['tid', 'order_id']).execute());
      const bad = byOrder(tids.find((x) => x.order_id === 'BAD')!.tid);
      const good = byOrder(tids.find((x) => x.order_id === 'GOOD')!.tid);
      expect(bad.headers['webhook-signature']).toMatch(/^v1,/);
      expect(() => new Webhook(SECRET).verify(bad.body, bad.headers as Record<string, string>)).toThrow(/No matching signature/);
      if (secret) expect(() => new Webhook(SECRET).verify(good.body, good.headers as Record<string, string>)).not.toThrow();
      else expect(good.headers['webhook-signature']).toBeUndefined();
      await t.close();
      t = null;
    }
  });
});

describe('faults of the accept call', () => {
  it.each([500, 503, 429])('answers %s as scripted and stores nothing', async (status) => {
    t = await startTestApp({ scenarios: [{ name: 'down', match: { orderId: 'DOWN_*' }, effect: { accept: status } }] });
    const res = await pay(t, { orderId: 'DOWN_1' });
    expect(res.status).toBe(status);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(res.json).toMatchObject({ code: 'SCENARIO_FAULT', status });
    expect(res.headers.get('retry-after')).toBe(status === 500 ? null : '1');
    expect(await t.count('payment_processes')).toBe(0);
    expect((await pay(t, { orderId: 'UP_1' })).status).toBe(202);
  });

  it('timeout: no answer, then the connection is dropped; nothing stored', async () => {
    t = await startTestApp({ scenarios: [{ name: 'hang', match: { orderId: 'HANG' }, effect: { accept: { timeout: '300ms' } } }] });
    const started = Date.now();
    await expect(pay(t, { orderId: 'HANG' })).rejects.toThrow();
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect(await t.count('payment_processes')).toBe(0);
  });

  it('timeout: a hung request does not hold up a graceful stop', async () => {
    t = await startTestApp({ scenarios: [{ name: 'hang', match: {}, effect: { accept: { timeout: '1h' } } }] });
    const hanging = pay(t, { orderId: 'HANG' }).catch((e: unknown) => e);
    await new Promise((r) => setTimeout(r, 100));
    const stopped = Date.now();
    await t.app.stop();
    expect(Date.now() - stopped).toBeLessThan(5000);
    expect(await hanging).toBeInstanceOf(Error);
  });

  it('lose: a 202 with a transaction id, but nothing is stored — the lookup says 404', async () => {
    t = await startTestApp({ scenarios: [{ name: 'lost', match: { orderId: 'LOST' }, effect: { accept: 'lose' } }] });
    const res = await pay(t, { orderId: 'LOST' });
    expect(res.status).toBe(202);
    expect(res.json).toMatchObject({ status: 'PENDING', code: 'ACK_OK' });
    expect(String(res.json.transactionId)).toMatch(/^DUMMY_\d{8}_\d{8}$/);
    expect((await t.get(`/api/payment/transaction/${String(res.json.transactionId)}`)).status).toBe(404);
    await t.app.processNow();
    expect(t.receiver.requests).toHaveLength(0);
    expect(await t.count('payment_processes')).toBe(0);
  });
});

describe('/api/admin/scenarios', () => {
  const admin = (app: TestApp, method: string, path: string, body?: unknown) =>
    fetch(`${app.url}/api/admin/scenarios${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  it('replaces, adds (at a position), reads, changes and removes rules — and they take effect at once', async () => {
    t = await startTestApp({ 'payment.process.success-rate': 100 });
    const put = await admin(t, 'PUT', '', [{ name: 'a', match: { orderId: 'A*' }, effect: { outcome: 'FAILED', reason: 'INVALID_CARD' } }]);
    expect(put.status).toBe(200);
    expect(await put.json()).toEqual({ scenarios: [{ name: 'a', match: { orderId: 'A*' }, effect: { outcome: 'FAILED', reason: 'INVALID_CARD' } }] });
    expect((await admin(t, 'POST', '?position=0', { name: 'first', match: { orderId: 'AB*' } })).status).toBe(201);
    expect((await admin(t, 'POST', '', { name: 'last', match: {} })).status).toBe(201);
    expect((await admin(t, 'POST', '', { name: 'last' })).status).toBe(409);
    const names = async () => ((await (await admin(t!, 'GET', '')).json()) as { scenarios: Array<{ name: string }> }).scenarios.map((r) => r.name);
    expect(await names()).toEqual(['first', 'a', 'last']);

    const a = await pay(t, { orderId: 'A1' });
    await t.app.processNow();
    expect(await view(t, a.json.transactionId)).toMatchObject({ status: 'FAILED', scenario: 'a' });

    expect((await admin(t, 'PUT', '/a', { match: { orderId: 'A*' }, effect: { outcome: 'SUCCESS' } })).status).toBe(200);
    expect(await names()).toEqual(['first', 'a', 'last']);
    expect(await (await admin(t, 'GET', '/a')).json()).toEqual({ name: 'a', match: { orderId: 'A*' }, effect: { outcome: 'SUCCESS' } });
    expect((await admin(t, 'DELETE', '/first')).status).toBe(204);
    expect((await admin(t, 'DELETE', '/first')).status).toBe(404);
    expect((await admin(t, 'GET', '/first')).status).toBe(404);
    expect(await names()).toEqual(['a', 'last']);
    expect((await admin(t, 'DELETE', '')).status).toBe(204);
    expect(await names()).toEqual([]);
  });

  it('refuses a bad rule with a problem naming the fields, and keeps the old rules', async () => {
    t = await startTestApp({ scenarios: [{ name: 'keep', match: {} }] });
    const res = await admin(t, 'PUT', '', [{ name: 'x', effect: { webhook: 'sometimes' } }]);
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({
      code: 'VALIDATION_FAILED',
      errors: [{ field: 'scenarios[0].effect.webhook', message: expect.stringMatching(/^must be normal, none/) }],
    });
    expect(((await (await admin(t, 'GET', '')).json()) as { scenarios: unknown[] }).scenarios).toHaveLength(1);
  });

  it('is shared by every instance on the database', async () => {
    t = await startTestApp();
    const other = await startTestApp({}, { dir: t.dir, receiver: t.receiver });
    await admin(t, 'PUT', '', [{ name: 'shared', match: {}, effect: { outcome: 'FAILED', reason: 'SYSTEM_ERROR' } }]);
    await other.app.control.refresh();
    const { json } = await pay(other, { orderId: 'VIA_OTHER' });
    await other.app.processNow();
    expect(await view(other, json.transactionId)).toMatchObject({ status: 'FAILED', failReason: 'SYSTEM_ERROR', scenario: 'shared' });
    await other.app.stop();
  });
});
