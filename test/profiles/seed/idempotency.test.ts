/**
 * Idempotency-Key on POST /api/payment, as Stripe defines it: replay, a
 * different body, concurrent duplicates, expiry, and a restart in between.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../setup/app.js';

let t: TestApp | null = null;
afterEach(async () => {
  await t?.close();
  t = null;
});

const body = { orderId: 'ORD_IDEM', amount: 10000, echo: { mid: 'hamster_dummy_mid_001', b: 1, a: 2 } };
const post = (app: TestApp, key: string, payload: unknown = body) => app.post('/api/payment', payload, { 'Idempotency-Key': key });

describe('Idempotency-Key', () => {
  it('answers a repeat of the same request with the first response, byte for byte, and creates nothing', async () => {
    t = await startTestApp();
    const first = await post(t, 'key-1');
    expect(first.status).toBe(202);
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    const firstText = await first.text();
    for (let i = 0; i < 3; i++) {
      const again = await post(t, 'key-1');
      expect(again.status).toBe(202);
      expect(again.headers.get('idempotent-replayed')).toBe('true');
      expect(again.headers.get('content-type')).toMatch(/^application\/json/);
      expect(await again.text()).toBe(firstText);
    }
    expect(await t.count('payment_processes')).toBe(1);
  });

  it('treats the same request re-serialized (other key order, ignored fields) as the same', async () => {
    t = await startTestApp();
    const first = (await (await post(t, 'key-2')).json()) as { transactionId: string };
    const reordered = { echo: { a: 2, mid: 'hamster_dummy_mid_001', b: 1 }, amount: 10000, orderId: 'ORD_IDEM', note: 'ignored' };
    const again = (await (await post(t, 'key-2', reordered)).json()) as { transactionId: string };
    expect(again.transactionId).toBe(first.transactionId);
  });

  it('refuses the same key with a different request (422) and stores nothing', async () => {
    t = await startTestApp();
    await post(t, 'key-3');
    for (const changed of [{ ...body, amount: 10001 }, { ...body, orderId: 'OTHER' }, { ...body, echo: { mid: 'hamster_dummy_mid_001', b: 9 } }, { ...body, userPublicId: 'U' }]) {
      const res = await post(t, 'key-3', changed);
      expect(res.status).toBe(422);
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(await res.json()).toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED', status: 422 });
    }
    expect(await t.count('payment_processes')).toBe(1);
  });

  it('lets concurrent duplicates create exactly one payment: each answer is that payment’s 202 or a 409 to retry', async () => {
    t = await startTestApp();
    const answers = await Promise.all(Array.from({ length: 25 }, () => post(t!, 'key-concurrent')));
    const results = await Promise.all(answers.map(async (r) => ({ status: r.status, json: (await r.json()) as Record<string, unknown> })));
    expect(await t.count('payment_processes')).toBe(1);
    const accepted = results.filter((r) => r.status === 202);
    const busy = results.filter((r) => r.status === 409);
    expect(accepted.length + busy.length).toBe(25);
    expect(accepted.length).toBeGreaterThanOrEqual(1);
    expect(new Set(accepted.map((r) => r.json.transactionId)).size).toBe(1);
    for (const b of busy) expect(b.json).toMatchObject({ code: 'IDEMPOTENCY_KEY_IN_USE' });
    // Retrying a 409 gets the payment.
    const retried = (await (await post(t, 'key-concurrent')).json()) as { transactionId: string };
    expect(retried.transactionId).toBe(accepted[0]!.json.transactionId);
  });

  it('gives different keys different payments, and no key no deduplication', async () => {
    t = await startTestApp();
    await post(t, 'a');
    await post(t, 'b');
    await t.post('/api/payment', body);
    await t.post('/api/payment', body);
    expect(await t.count('payment_processes')).toBe(4);
  });

  it('forgets a key after its time to live', async () => {
    let now = Date.UTC(2026, 1, 5, 1, 0, 0);
    t = await startTestApp({ 'payment.idempotency.ttl': '1h' }, { clock: () => now });
    const first = (await (await post(t, 'key-ttl')).json()) as { transactionId: string };
    now += 59 * 60_000;
    expect(((await (await post(t, 'key-ttl')).json()) as { transactionId: string }).transactionId).toBe(first.transactionId);
    now += 2 * 60_000;
    const later = (await (await post(t, 'key-ttl')).json()) as { transactionId: string };
    expect(later.transactionId).not.toBe(first.transactionId);
    expect(await t.count('payment_processes')).toBe(2);
    expect(await t.app.store.sweepIdempotencyKeys()).toBe(0); // the expired record was reused, not left behind
  });

  it('survives a restart', async () => {
    t = await startTestApp();
    const first = await (await post(t, 'key-restart')).text();
    const dir = t.dir;
    await t.app.stop();
    const again = await startTestApp({}, { dir, receiver: t.receiver });
    expect(await (await post(again, 'key-restart')).text()).toBe(first);
    await again.close();
  });

  it('does not remember a refused request: fixing the body and retrying with the key works', async () => {
    t = await startTestApp();
    const bad = await post(t, 'key-fix', { orderId: 'X', amount: -1 });
    expect(bad.status).toBe(400);
    const good = await post(t, 'key-fix', { orderId: 'X', amount: 1 });
    expect(good.status).toBe(202);
  });

  it.each([
    ['too long', 'k'.repeat(256)],
    ['not ASCII', 'clé'],
    ['blank', '   '],
  ])('refuses a key that is %s (400)', async (_name, key) => {
    t = await startTestApp();
    const res = await fetch(`${t.url}/api/payment`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': key },
      body: JSON.stringify(body),
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(await t.count('payment_processes')).toBe(0);
  });
});
