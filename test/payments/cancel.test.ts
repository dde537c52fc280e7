/** POST /api/payment/{tid}/cancel, with a real receiver. */
import { afterEach, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../setup/app.js';

let t: TestApp;
afterEach(async () => {
  await t.close();
});

async function paid(app: TestApp, outcome: 'SUCCESS' | 'FAILED' | null): Promise<string> {
  const { json } = await app.postPayment({ orderId: 'ORD_C', amount: 2500, echo: { mid: 'hamster_dummy_mid_001', ref: 'R1' } });
  const tid = String(json.transactionId);
  if (outcome) await app.post(`/api/payment/webhook/trigger/${tid}?status=${outcome}`, '');
  return tid;
}
const cancel = (app: TestApp, tid: string) => app.post(`/api/payment/${tid}/cancel`, '');

describe('cancellation', () => {
  it('turns a SUCCESS into CANCELLED, delivers the CANCELLED webhook and keeps the history', async () => {
    t = await startTestApp();
    const tid = await paid(t, 'SUCCESS');
    const res = await cancel(t, tid);
    expect(res.status).toBe(200);
    const view = (await res.json()) as Record<string, unknown>;
    expect(view).toMatchObject({ tid, status: 'CANCELLED' });
    expect(view.cancelledAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/);
    expect(view.approvalNo).toMatch(/^AP/); // kept

    await t.receiver.waitFor(2);
    expect(t.receiver.requests[1]!.body).toBe(
      JSON.stringify({
        status: 'CANCELLED',
        code: '0000',
        transactionId: tid,
        amount: 2500,
        echo: { mid: 'hamster_dummy_mid_001', ref: 'R1' },
        message: 'Payment cancelled successfully',
      }),
    );
    const history = await t.app.database.db.selectFrom('payments').select(['status', 'approval_no']).where('tid', '=', tid).orderBy('id').execute();
    expect(history.map((h) => h.status)).toEqual(['SUCCESS', 'CANCELLED']);
    type Log = { deliveries: Array<{ eventStatus: string; state: string; webhookId: string }> };
    // The receiver has the webhook; its delivery is recorded a moment later.
    let log: Log;
    for (;;) {
      log = (await (await t.get(`/api/payment/transaction/${tid}/webhooks`)).json()) as Log;
      if (log.deliveries.every((d) => d.state !== 'SENDING')) break;
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(log.deliveries.map((d) => [d.eventStatus, d.state])).toEqual([
      ['SUCCESS', 'DELIVERED'],
      ['CANCELLED', 'DELIVERED'],
    ]);
    expect(log.deliveries[1]!.webhookId).toMatch(/_cancelled$/);
  });

  it('refuses (409) to cancel twice, or anything that is not SUCCESS', async () => {
    t = await startTestApp();
    const done = await paid(t, 'SUCCESS');
    expect((await cancel(t, done)).status).toBe(200);
    const twice = await cancel(t, done);
    expect(twice.status).toBe(409);
    expect(await twice.json()).toMatchObject({ code: 'STATUS_CONFLICT', detail: expect.stringContaining('is CANCELLED') });
    for (const outcome of ['FAILED', null] as const) {
      const tid = await paid(t, outcome);
      const res = await cancel(t, tid);
      expect(res.status).toBe(409);
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    }
    expect((await cancel(t, 'DUMMY_20990101_00000000')).status).toBe(404);
  });

  it('a cancelled payment stays cancelled: the trigger cannot make it SUCCESS again; a re-send announces the cancellation', async () => {
    t = await startTestApp();
    const tid = await paid(t, 'SUCCESS');
    await cancel(t, tid);
    await t.receiver.waitFor(2);
    expect((await t.post(`/api/payment/webhook/trigger/${tid}?status=SUCCESS`, '')).status).toBe(409);
    await t.post(`/api/payment/${tid}/webhook/resend`, '');
    expect((t.receiver.requests.at(-1)!.json as { status: string }).status).toBe('CANCELLED');
  });
});
