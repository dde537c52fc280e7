/**
 * The manual webhook trigger through the real API, with a real receiver.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../setup/app.js';

let t: TestApp;
beforeEach(async () => {
  t = await startTestApp();
});
afterEach(async () => {
  await t.close();
});

async function accept(): Promise<string> {
  const { json } = await t.postPayment({
    orderId: 'ORD_T',
    amount: 5000,
    echo: { mid: 'hamster_dummy_mid_001' },
  });
  return String(json.transactionId);
}

interface TriggerAnswer {
  tid: string;
  status: string;
  approvalNo: string | null;
  failReason: string | null;
  finalizedNow: boolean;
  webhook: { delivered: boolean; responseCode: number | null; error: string | null; url: string; attemptNo: number; responseBody: string | null };
}

const trigger = (tid: string, query: string) => fetch(`${t.url}/api/payment/webhook/trigger/${tid}?${query}`, { method: 'POST' });
const view = async (tid: string) => (await (await t.get(`/api/payment/transaction/${tid}`)).json()) as Record<string, unknown>;

describe('POST /api/payment/webhook/trigger/{tid}', () => {
  it('finalizes a PENDING payment to SUCCESS and sends its webhook now', async () => {
    const tid = await accept();
    const res = await trigger(tid, 'status=SUCCESS');
    expect(res.status).toBe(200);
    const body = (await res.json()) as TriggerAnswer;
    expect(body).toMatchObject({ tid, status: 'SUCCESS', failReason: null, finalizedNow: true });
    expect(body.approvalNo).toMatch(/^AP\d+$/);
    expect(body.webhook).toMatchObject({ delivered: true, responseCode: 200, error: null, url: t.receiver.url, attemptNo: 1 });
    const [hook] = t.receiver.requests;
    expect(hook!.method).toBe('POST');
    expect(hook!.headers['content-type']).toBe('application/json');
    expect(hook!.body).toBe(
      JSON.stringify({
        status: 'SUCCESS',
        code: '0000',
        transactionId: tid,
        approvalNo: body.approvalNo,
        amount: 5000,
        echo: { mid: 'hamster_dummy_mid_001' },
        message: 'Payment approved successfully',
      }),
    );
    const v = await view(tid);
    expect(v).toMatchObject({ status: 'SUCCESS', approvalNo: body.approvalNo, webhookResponseCode: 200 });
    expect(v.processedAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/);
    expect(v.webhookSentAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/);
  });

  it('finalizes a PROCESSING payment to FAILED with the given reason', async () => {
    const tid = await accept();
    await t.app.store.claimPending(10); // the scheduler has claimed it
    expect((await view(tid)).status).toBe('PROCESSING');
    const body = (await (await trigger(tid, 'status=FAILED&reason=LIMIT_EXCEEDED')).json()) as TriggerAnswer;
    expect(body).toMatchObject({ status: 'FAILED', failReason: 'LIMIT_EXCEEDED', approvalNo: null, finalizedNow: true });
    expect(t.receiver.requests[0]!.json).toEqual({
      status: 'FAILED',
      code: 'E004',
      transactionId: tid,
      amount: 5000,
      echo: { mid: 'hamster_dummy_mid_001' },
      message: 'Payment failed: LIMIT_EXCEEDED',
    });
  });

  it('uses INSUFFICIENT_BALANCE (E001) when FAILED comes without a reason', async () => {
    const tid = await accept();
    const body = (await (await trigger(tid, 'status=FAILED')).json()) as TriggerAnswer;
    expect(body.failReason).toBe('INSUFFICIENT_BALANCE');
    expect((t.receiver.requests[0]!.json as { code: string }).code).toBe('E001');
  });

  it('sends the webhook again for a payment already final with that status', async () => {
    const tid = await accept();
    await trigger(tid, 'status=SUCCESS');
    const again = (await (await trigger(tid, 'status=SUCCESS')).json()) as TriggerAnswer;
    expect(again).toMatchObject({ status: 'SUCCESS', finalizedNow: false, webhook: { delivered: true, responseCode: 200 } });
    expect(t.receiver.requests).toHaveLength(2);
    expect(t.receiver.requests[1]!.body).toBe(t.receiver.requests[0]!.body);
  });

  it('answers 409 for the other status and sends nothing', async () => {
    const tid = await accept();
    await trigger(tid, 'status=SUCCESS');
    const res = await trigger(tid, 'status=FAILED');
    expect(res.status).toBe(409);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await res.json()).toMatchObject({ code: 'STATUS_CONFLICT', status: 409 });
    expect(t.receiver.requests).toHaveLength(1);
    expect((await view(tid)).status).toBe('SUCCESS');
  });

  it('answers 409 when FAILED is asked with another reason than the one it failed with', async () => {
    const tid = await accept();
    await trigger(tid, 'status=FAILED&reason=INVALID_CARD');
    expect((await trigger(tid, 'status=FAILED&reason=EXPIRED_CARD')).status).toBe(409);
    expect((await trigger(tid, 'status=FAILED&reason=INVALID_CARD')).status).toBe(200);
    expect((await trigger(tid, 'status=FAILED')).status).toBe(200);
  });

  it('resends after the scheduler finalized (same status) and refuses the other', async () => {
    const tid = await accept();
    await t.app.processNow();
    const { status } = await view(tid);
    const other = status === 'SUCCESS' ? 'FAILED' : 'SUCCESS';
    expect((await trigger(tid, `status=${String(status)}`)).status).toBe(200);
    expect((await trigger(tid, `status=${other}`)).status).toBe(409);
    expect(t.receiver.requests).toHaveLength(2);
  });

  it('wins against the scheduler through the same compare-and-set: one final state, one payments row', async () => {
    const tid = await accept();
    const claimed = (await t.app.store.claimPending(10)).claimed;
    await trigger(tid, 'status=FAILED&reason=SYSTEM_ERROR');
    // The scheduler now tries to finalize what it claimed: its compare-and-set loses.
    const lost = await t.app.store.finalize(
      claimed.map((payment) => ({ payment, outcome: { status: 'SUCCESS' as const } })),
      { from: ['PROCESSING'], fenced: true, origin: 'AUTO' },
    );
    expect(lost).toEqual([]);
    await t.app.processNow();
    expect((await view(tid)).status).toBe('FAILED');
    const rows = await t.app.database.db.selectFrom('payments').selectAll().where('tid', '=', tid).execute();
    expect(rows).toHaveLength(1);
    expect(t.receiver.requests).toHaveLength(1);
  });

  it('reports an undelivered webhook: the receiver’s code, or the connection error', async () => {
    const tid = await accept();
    t.receiver.answer = () => ({ status: 500, body: 'boom' });
    const body = (await (await trigger(tid, 'status=SUCCESS')).json()) as TriggerAnswer;
    expect(body.webhook).toMatchObject({ delivered: false, responseCode: 500, error: null, responseBody: 'boom' });
    const v = await view(tid);
    expect(v).toMatchObject({ webhookResponseCode: 500, webhookSentAt: null });

    await t.receiver.close();
    const again = (await (await trigger(tid, 'status=SUCCESS')).json()) as TriggerAnswer;
    expect(again.webhook).toMatchObject({ delivered: false, responseCode: null });
    expect(again.webhook.error).toMatch(/refused|ECONNREFUSED/i);
  });

  it.each([
    ['no status', '', 400, 'status'],
    ['an unknown status', 'status=DONE', 400, 'status'],
    ['a lower-case status', 'status=success', 400, 'status'],
    ['a reason with SUCCESS', 'status=SUCCESS&reason=INVALID_CARD', 400, 'reason'],
    ['an unknown reason', 'status=FAILED&reason=NOPE', 400, 'reason'],
  ])('refuses %s with 400', async (_name, query, status, field) => {
    const tid = await accept();
    const res = await trigger(tid, query);
    expect(res.status).toBe(status);
    const problem = (await res.json()) as { code: string; errors: Array<{ field: string }> };
    expect(problem.code).toBe('VALIDATION_FAILED');
    expect(problem.errors.map((e) => e.field)).toContain(field);
    expect((await view(tid)).status).toBe('PENDING');
    expect(t.receiver.requests).toHaveLength(0);
  });

  it('answers 404 for an unknown tid', async () => {
    const res = await trigger('DUMMY_20990101_00000001', 'status=SUCCESS');
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ code: 'PAYMENT_NOT_FOUND' });
  });

  it('lists every webhook attempt of a transaction', async () => {
    const tid = await accept();
    await trigger(tid, 'status=SUCCESS');
    t.receiver.answer = () => ({ status: 503 });
    await trigger(tid, 'status=SUCCESS');
    const res = await t.get(`/api/payment/transaction/${tid}/webhooks`);
    const list = (await res.json()) as {
      tid: string;
      deliveries: Array<Record<string, unknown>>;
      attempts: Array<Record<string, unknown>>;
    };
    expect(list.tid).toBe(tid);
    expect(list.attempts.map((a) => [a.delivered, a.responseCode])).toEqual([
      [true, 200],
      [false, 503],
    ]);
    expect(list.deliveries.map((d) => [d.origin, d.state, d.attempts])).toEqual([
      ['MANUAL', 'DELIVERED', 1],
      ['MANUAL', 'PENDING', 1], // the failed re-send waits for its retry
    ]);
    expect(list.deliveries[1]!.nextAttemptAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/);
    // Every delivery of this payment's SUCCESS announces the same event: one webhook-id.
    expect(new Set(list.deliveries.map((d) => d.webhookId)).size).toBe(1);
  });
});
