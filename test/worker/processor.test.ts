/**
 * The scheduler end to end: real store, real receiver. Passes are driven with
 * processNow() (no sleeping), except one test of the real polling loop.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { startTestApp, type TestApp } from '../setup/app.js';
import { startReceiver } from '../setup/receiver.js';

let t: TestApp | null = null;
afterEach(async () => {
  await t?.close();
  t = null;
});

async function acceptMany(app: TestApp, n: number, prefix = 'O'): Promise<string[]> {
  const tids: string[] = [];
  for (let i = 0; i < n; i++) {
    const { json } = await app.postPayment({ orderId: `${prefix}${i}`, amount: 100 + i, echo: { i } });
    tids.push(String(json.transactionId));
  }
  return tids;
}

async function outcomes(app: TestApp, tids: string[]) {
  return Promise.all(
    tids.map(async (tid) => {
      const v = (await (await app.get(`/api/payment/transaction/${tid}`)).json()) as Record<string, unknown>;
      return { status: v.status, failReason: v.failReason, approvalNo: v.approvalNo };
    }),
  );
}

describe('processor', () => {
  it('takes a full batch and goes straight on to the next, so one pass clears the backlog', async () => {
    t = await startTestApp({ 'payment.process.polling.batch-size': 10 });
    const tids = await acceptMany(t, 25);
    const claimed = await t.app.processor.runPass();
    expect(claimed).toBe(25);
    const result = await outcomes(t, tids);
    expect(result.every((r) => r.status === 'SUCCESS' || r.status === 'FAILED')).toBe(true);
  });

  it('finalizes every payment once, sends each its webhook with the seed’s body, and records the delivery', async () => {
    t = await startTestApp({ 'payment.process.success-rate': 50, 'payment.process.random-seed': 'mix' });
    const tids = await acceptMany(t, 40);
    await t.app.processNow();
    const hooks = await t.receiver.waitFor(40);
    expect(hooks.map((h) => (h.json as { transactionId: string }).transactionId).sort()).toEqual([...tids].sort());
    for (const hook of hooks) {
      const body = hook.json as Record<string, unknown>;
      const v = (await (await t.get(`/api/payment/transaction/${String(body.transactionId)}`)).json()) as Record<string, unknown>;
      expect(v.status).toBe(body.status);
      expect(v.webhookResponseCode).toBe(200);
      expect(v.webhookSentAt).not.toBeNull();
      expect(v.processingStartedAt).not.toBeNull();
      if (body.status === 'SUCCESS') {
        expect(Object.keys(body)).toEqual(['status', 'code', 'transactionId', 'approvalNo', 'amount', 'echo', 'message']);
        expect(body).toMatchObject({ code: '0000', approvalNo: v.approvalNo, message: 'Payment approved successfully' });
      } else {
        expect(Object.keys(body)).toEqual(['status', 'code', 'transactionId', 'amount', 'echo', 'message']);
        expect(body.message).toBe(`Payment failed: ${String(v.failReason)}`);
        expect(body.code).toMatch(/^E00[1-5]$/);
      }
    }
    const statuses = new Set(hooks.map((h) => (h.json as { status: string }).status));
    expect(statuses).toEqual(new Set(['SUCCESS', 'FAILED']));
    // A second pass finds nothing left to do: no status changes, no second webhook.
    await t.app.processNow();
    expect(t.receiver.requests).toHaveLength(40);
    const rows = await t.app.database.db.selectFrom('payments').select('tid').execute();
    expect(rows.map((r) => r.tid).sort()).toEqual([...tids].sort());
  });

  it('with a seed, the same sequence of requests yields the same outcomes run after run', async () => {
    const runs = [];
    for (const seed of ['42', '42', '7']) {
      t = await startTestApp({ 'payment.process.random-seed': seed, 'payment.process.polling.batch-size': 3 });
      const tids = await acceptMany(t, 30);
      await t.app.processNow();
      runs.push((await outcomes(t, tids)).map((o) => `${String(o.status)}:${String(o.failReason)}`));
      await t.close();
      t = null;
    }
    expect(runs[0]).toEqual(runs[1]);
    expect(runs[0]).not.toEqual(runs[2]);
  });

  it('issues approval numbers in the order payments were accepted', async () => {
    t = await startTestApp({ 'payment.process.success-rate': 100 });
    const tids = await acceptMany(t, 20);
    await t.app.processNow();
    const approvals = (await outcomes(t, tids)).map((o) => String(o.approvalNo));
    expect([...approvals].sort()).toEqual(approvals);
    expect(new Set(approvals).size).toBe(20);
  });

  it('success-rate 100 approves everything; 0 fails everything', async () => {
    t = await startTestApp({ 'payment.process.success-rate': 100 });
    let tids = await acceptMany(t, 20);
    await t.app.processNow();
    expect((await outcomes(t, tids)).every((o) => o.status === 'SUCCESS')).toBe(true);
    await t.close();
    t = await startTestApp({ 'payment.process.success-rate': 0 });
    tids = await acceptMany(t, 20);
    await t.app.processNow();
    expect((await outcomes(t, tids)).every((o) => o.status === 'FAILED')).toBe(true);
  });

  it('the real polling loop finalizes and webhooks a payment without any help', async () => {
    t = await startTestApp({
      'payment.process.polling.enabled': true,
      'payment.process.polling.initial-delay': 50,
      'payment.process.polling.fixed-delay': 100,
    });
    const [tid] = await acceptMany(t, 1);
    const [hook] = await t.receiver.waitFor(1, 5000);
    expect((hook!.json as { transactionId: string }).transactionId).toBe(tid);
  });

  it('does not run when polling is disabled: payments stay PENDING until triggered', async () => {
    t = await startTestApp({
      'payment.process.polling.enabled': false,
      'payment.process.polling.initial-delay': 0,
      'payment.process.polling.fixed-delay': 10,
    });
    const [tid] = await acceptMany(t, 1);
    await new Promise((r) => setTimeout(r, 300));
    expect((await outcomes(t, [tid!]))[0]!.status).toBe('PENDING');
    expect(t.receiver.requests).toHaveLength(0);
  });
});

describe('processing leases', () => {
  it('take back a payment whose worker died in PROCESSING (lease backdated, no sleeping), exactly once', async () => {
    t = await startTestApp({ 'payment.process.lease': '30s' });
    const tids = await acceptMany(t, 3);
    // A worker claims them… and dies before finalizing.
    const { claimed } = await t.app.store.claimPending(10);
    expect(claimed).toHaveLength(3);
    await t.app.processNow();
    expect(t.receiver.requests).toHaveLength(0); // still leased to the dead worker
    // Its lease runs out.
    await t.app.database.db
      .updateTable('payment_processes')
      .set({ processing_started_at: Date.now() - 31_000 })
      .where('status', '=', 'PROCESSING')
      .execute();
    await t.app.processNow();
    const result = await outcomes(t, tids);
    expect(result.every((r) => r.status === 'SUCCESS' || r.status === 'FAILED')).toBe(true);
    expect(t.receiver.requests).toHaveLength(3);

    // The dead worker wakes up and finalizes with its old claim: fenced out.
    const late = await t.app.store.finalize(
      claimed.map((payment) => ({ payment, outcome: { status: 'FAILED' as const, reason: 'SYSTEM_ERROR' as const } })),
      { from: ['PROCESSING'], fenced: true, origin: 'AUTO' },
    );
    expect(late).toEqual([]);
    expect(await outcomes(t, tids)).toEqual(result);
    expect(await t.count('payments')).toBe(3);
  });

  it('fence a slow worker whose lease was taken over while it was still deciding', async () => {
    t = await startTestApp({ 'payment.process.lease': '30s', 'payment.process.success-rate': 100 });
    const [tid] = await acceptMany(t, 1);
    const slow = (await t.app.store.claimPending(1)).claimed;
    await t.app.database.db.updateTable('payment_processes').set({ processing_started_at: Date.now() - 60_000 }).execute();
    const fast = (await t.app.store.claimPending(1)).claimed; // another worker takes it back
    expect(fast[0]!.claimToken).not.toBe(slow[0]!.claimToken);
    const slowDone = await t.app.store.finalize([{ payment: slow[0]!, outcome: { status: 'FAILED', reason: 'INVALID_CARD' } }], {
      from: ['PROCESSING'],
      fenced: true,
      origin: 'AUTO',
    });
    expect(slowDone).toEqual([]);
    const fastDone = await t.app.store.finalize([{ payment: fast[0]!, outcome: { status: 'SUCCESS' } }], {
      from: ['PROCESSING'],
      fenced: true,
      origin: 'AUTO',
    });
    expect(fastDone.map((f) => f.payment.status)).toEqual(['SUCCESS']);
    expect((await outcomes(t, [tid!]))[0]!.status).toBe('SUCCESS');
  });
});

describe('webhook delivery', () => {
  it('with a one-slot schedule, a receiver error is recorded once and the delivery is DEAD', async () => {
    t = await startTestApp({ 'payment.process.success-rate': 100, 'payment.webhook.retry.schedule': '0' });
    t.receiver.answer = () => ({ status: 500, body: 'down for maintenance' });
    const [tid] = await acceptMany(t, 1);
    await t.app.processNow();
    await t.app.processNow();
    expect(t.receiver.requests).toHaveLength(1);
    const v = (await (await t.get(`/api/payment/transaction/${tid}`)).json()) as Record<string, unknown>;
    expect(v).toMatchObject({ status: 'SUCCESS', webhookResponseCode: 500, webhookSentAt: null });
    const attempts = (await (await t.get(`/api/payment/transaction/${tid}/webhooks`)).json()) as { attempts: Array<Record<string, unknown>> };
    expect(attempts.attempts).toEqual([
      expect.objectContaining({ attemptNo: 1, delivered: false, responseCode: 500, responseBody: 'down for maintenance' }),
    ]);
    const [delivery] = await t.app.store.listDeliveries((await t.app.store.findPayment(tid!))!.id);
    expect(delivery!.state).toBe('DEAD');
  });

  it('gives up on a receiver that hangs after the timeout, and says so', async () => {
    t = await startTestApp({ 'payment.webhook.timeout': 200 });
    t.receiver.answer = () => ({ status: 200, delayMs: 2000 });
    const [tid] = await acceptMany(t, 1);
    await t.app.processNow();
    const attempts = await t.app.store.listAttempts((await t.app.store.findPayment(tid!))!.id);
    expect(attempts).toHaveLength(1);
    expect(attempts[0]!.responseCode).toBeNull();
    expect(attempts[0]!.error).toMatch(/timeout/);
    expect(attempts[0]!.durationMs).toBeGreaterThanOrEqual(150);
  });

  it('does not follow redirects: a 3xx is an undelivered answer', async () => {
    const elsewhere = await startReceiver();
    t = await startTestApp();
    t.receiver.answer = () => ({ status: 302, headers: { location: elsewhere.url } });
    const [tid] = await acceptMany(t, 1);
    await t.app.processNow();
    expect(elsewhere.requests).toHaveLength(0);
    const attempts = await t.app.store.listAttempts((await t.app.store.findPayment(tid!))!.id);
    expect(attempts.map((a) => a.responseCode)).toEqual([302]);
    await elsewhere.close();
  });

  it('sends a webhook left in the outbox by an earlier run when the service starts again', async () => {
    const receiver = await startReceiver();
    t = await startTestApp({ 'payment.process.success-rate': 100 }, { receiver });
    const [tid] = await acceptMany(t, 1);
    // Finalize without dispatching, as if the process died right after the commit.
    t.app.dispatcher.stop();
    await t.app.processor.runOnce();
    const dir = t.dir;
    await t.app.stop();
    expect(receiver.requests).toHaveLength(0);

    const again = await startTestApp({}, { receiver, dir });
    const [hook] = await receiver.waitFor(1, 5000);
    expect((hook!.json as { transactionId: string }).transactionId).toBe(tid);
    await again.close();
    await receiver.close();
    // afterEach closes the first app (already stopped) and removes the folder.
  });

  it('takes back a delivery whose sender died mid-send (its lease ran out)', async () => {
    t = await startTestApp({ 'payment.process.success-rate': 100 });
    const [tid] = await acceptMany(t, 1);
    // Finalized with no slot handed to a sender: the webhook waits, PENDING.
    const { finalized } = await t.app.store.processBatch(10, () => ({ status: 'SUCCESS' }), 0);
    expect(finalized[0]!.delivery).toMatchObject({ tid, state: 'PENDING', attemptCount: 0 });
    // A sender claims it… and dies before recording anything.
    const [claimed] = await t.app.store.claimDueDeliveries(10);
    expect(claimed!.tid).toBe(tid);
    await t.app.dispatcher.runOnce();
    expect(t.receiver.requests).toHaveLength(0); // still leased
    await t.app.database.db.updateTable('webhook_deliveries').set({ due_at: Date.now() - 1 }).execute();
    await t.app.dispatcher.runOnce();
    expect(t.receiver.requests).toHaveLength(1);
    const [delivery] = await t.app.store.listDeliveries(claimed!.paymentId!);
    expect(delivery).toMatchObject({ state: 'DELIVERED', attemptCount: 2 });
  });

  it('takes back a webhook handed to a sender with its finalization, when that sender died before sending it', async () => {
    t = await startTestApp({ 'payment.process.success-rate': 100 });
    const [tid] = await acceptMany(t, 1);
    // The scheduler's batch commits the webhook already claimed for a sender (a slot handed in)…
    const { finalized } = await t.app.store.processBatch(10, () => ({ status: 'SUCCESS' }), 1);
    const handed = finalized[0]!.delivery;
    expect(handed).toMatchObject({ tid, state: 'SENDING', attemptCount: 1 });
    // …which dies before sending it: nobody else takes it while the lease holds.
    await t.app.dispatcher.runOnce();
    expect(t.receiver.requests).toHaveLength(0);
    await t.app.database.db.updateTable('webhook_deliveries').set({ due_at: Date.now() - 1 }).execute();
    await t.app.dispatcher.runOnce();
    expect(t.receiver.requests).toHaveLength(1);
    const [delivery] = await t.app.store.listDeliveries(handed.paymentId!);
    expect(delivery).toMatchObject({ state: 'DELIVERED', attemptCount: 2 });
  });

  it('hands the webhooks of a batch straight to free sender slots, and leaves the rest to the outbox', async () => {
    t = await startTestApp({ 'payment.process.success-rate': 100, 'payment.webhook.concurrency': 2 });
    await acceptMany(t, 5);
    const { finalized } = await t.app.store.processBatch(10, () => ({ status: 'SUCCESS' }), 2);
    expect(finalized.map((f) => f.delivery.state).sort()).toEqual(['PENDING', 'PENDING', 'PENDING', 'SENDING', 'SENDING']);
    // Through the processor: with the dispatcher's two slots free, two go at once; all five arrive.
    const tids = await acceptMany(t, 5, 'P');
    await t.app.processNow();
    const received = new Set(t.receiver.requests.map((r) => (r.json as { transactionId: string }).transactionId));
    expect(tids.filter((tid) => !received.has(tid))).toEqual([]);
  });

  it('lets the webhooks of a batch beyond the free slots wait for one, claimed, instead of going back to the outbox', async () => {
    t = await startTestApp({ 'payment.process.success-rate': 100, 'payment.webhook.concurrency': 2 });
    // The receiver holds each request a moment and counts how many it holds at once.
    let open = 0;
    let most = 0;
    t.receiver.answer = () => {
      most = Math.max(most, ++open);
      setTimeout(() => open--, 30);
      return { status: 200, delayMs: 30 };
    };
    const claims = vi.spyOn(t.app.store, 'claimDueDeliveries');
    const tids = await acceptMany(t, 4);
    await t.app.processNow();
    const received = t.receiver.requests.map((r) => (r.json as { transactionId: string }).transactionId);
    expect(received.sort()).toEqual([...tids].sort());
    expect(most).toBeLessThanOrEqual(2); // never more than the slots at once
    // Two slots free plus two places to wait: every webhook was handed over claimed, none claimed again from the outbox.
    const claimedAgain = (await Promise.all(claims.mock.results.map((r) => r.value as Promise<unknown[]>))).flat();
    expect(claimedAgain).toEqual([]);
    const deliveries = (await Promise.all(tids.map(async (tid) => t!.app.store.listDeliveries((await t!.app.store.findPayment(tid))!.id)))).flat();
    expect(deliveries.map((d) => [d.state, d.attemptCount])).toEqual(tids.map(() => ['DELIVERED', 1]));
  });
});
