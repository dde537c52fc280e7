/**
 * Partial cancellation through the seed's POST /api/payment/{tid}/cancel, on
 * every backend, with a real receiver: a part and then the rest (views,
 * balance, the PARTIAL_CANCELLED and CANCELLED webhooks), refusals that
 * change nothing, and concurrent parts that together exceed the payment.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { TestApp } from '../setup/app.js';
import { BACKENDS } from '../profiles/hamster-world/setup.js';

const LOCAL_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/;
const ECHO = { mid: 'hamster_dummy_mid_001', ref: 'R1' };
/** The transaction view's fields before partial cancellation, in their order. */
const VIEW_FIELDS = [
  'tid', 'orderId', 'amount', 'status', 'approvalNo', 'failReason', 'requestedAt', 'processedAt', 'webhookSentAt', 'publicId', 'userPublicId', 'echo',
  'processingStartedAt', 'webhookResponseCode', 'mid', 'scenario', 'cancelledAt', 'decidedBy',
];

type View = Record<string, unknown> & { status: string; cancelledAmount: number; remainingAmount: number; cancellations: Array<Record<string, unknown>> };

describe.each(BACKENDS)('partial cancellation through the seed API ($name)', (backend) => {
  let t: TestApp;
  afterEach(async () => {
    await t?.close();
  });

  const pay = async (outcome: 'SUCCESS' | 'FAILED', amount = 10000): Promise<string> => {
    const { json } = await t.postPayment({ orderId: 'ORD_PC', amount, echo: ECHO });
    const tid = String(json.transactionId);
    expect((await t.post(`/api/payment/webhook/trigger/${tid}?status=${outcome}`, '')).status).toBe(200);
    return tid;
  };
  /** No body at all (no Content-Type either), as `curl -X POST` sends it; or a JSON body. */
  const cancel = (tid: string, body?: unknown) =>
    body === undefined ? fetch(`${t.url}/api/payment/${tid}/cancel`, { method: 'POST' }) : t.post(`/api/payment/${tid}/cancel`, body);
  const cancellationRows = async () => Number((await t.app.database.db.selectFrom('payment_cancellations').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

  it('cancels a part, then the rest: the balance and the cancellations in every view, a PARTIAL_CANCELLED then a CANCELLED webhook', async () => {
    t = await backend.start();
    const tid = await pay('SUCCESS');
    await t.receiver.waitFor(1);

    const first = await cancel(tid, { amount: 3000, reason: 'one item returned' });
    expect(first.status).toBe(200);
    const partly = (await first.json()) as View;
    // The fields it always had, in their order, then the new ones at the end.
    expect(Object.keys(partly)).toEqual([...VIEW_FIELDS, 'cancelledAmount', 'remainingAmount', 'cancellations']);
    expect(partly).toMatchObject({ tid, status: 'SUCCESS', amount: 10000, cancelledAmount: 3000, remainingAmount: 7000 });
    expect(partly.cancellations).toEqual([
      { cancellationId: expect.stringMatching(/^cancel_[0-9A-Za-z]+$/), amount: 3000, reason: 'one item returned', cancelledAt: expect.stringMatching(LOCAL_DATE_TIME) },
    ]);
    expect(partly.cancelledAt).toBe(partly.cancellations[0]!.cancelledAt);
    expect(await (await t.get(`/api/payment/transaction/${tid}`)).json()).toEqual(partly);
    const listed = (await (await t.get(`/api/payments?tid=${tid}`)).json()) as { items: View[] };
    expect(listed.items[0]).toEqual({ ...partly, profile: 'seed' });

    const [, partial] = await t.receiver.waitFor(2);
    const firstId = partly.cancellations[0]!.cancellationId as string;
    expect(partial!.body).toBe(
      JSON.stringify({
        status: 'PARTIAL_CANCELLED',
        code: '0000',
        transactionId: tid,
        amount: 3000,
        remainingAmount: 7000,
        cancellationId: firstId,
        echo: ECHO,
        message: 'Payment partially cancelled',
      }),
    );

    // No body: all that is left.
    const rest = await cancel(tid);
    expect(rest.status).toBe(200);
    const cancelled = (await rest.json()) as View;
    expect(cancelled).toMatchObject({ status: 'CANCELLED', cancelledAmount: 10000, remainingAmount: 0 });
    expect(cancelled.cancellations.map((c) => [c.amount, c.reason])).toEqual([
      [3000, 'one item returned'],
      [7000, null],
    ]);
    const lastId = cancelled.cancellations[1]!.cancellationId as string;
    const [, , closing] = await t.receiver.waitFor(3);
    expect(closing!.body).toBe(
      JSON.stringify({
        status: 'CANCELLED',
        code: '0000',
        transactionId: tid,
        amount: 10000,
        cancelledAmount: 7000,
        cancellationId: lastId,
        echo: ECHO,
        message: 'Payment cancelled successfully',
      }),
    );
    // The final rows keep SUCCESS and CANCELLED, not the part; each event has its own webhook-id.
    const history = await t.app.database.db.selectFrom('payments').select('status').where('tid', '=', tid).orderBy('id').execute();
    expect(history.map((h) => h.status)).toEqual(['SUCCESS', 'CANCELLED']);
    const log = (await (await t.get(`/api/payment/transaction/${tid}/webhooks`)).json()) as { deliveries: Array<{ eventStatus: string; webhookId: string }> };
    expect(log.deliveries.map((d) => d.eventStatus)).toEqual(['SUCCESS', 'PARTIAL_CANCELLED', 'CANCELLED']);
    expect(new Set(log.deliveries.map((d) => d.webhookId)).size).toBe(3);
  });

  it('refuses an amount above what is left (409) and one that is not a whole number above zero (400); neither changes anything', async () => {
    t = await backend.start();
    const tid = await pay('SUCCESS');
    const over = await cancel(tid, { amount: 10001 });
    expect(over.status).toBe(409);
    expect(over.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await over.json()).toMatchObject({ code: 'CANCEL_AMOUNT_EXCEEDS_BALANCE', detail: `Cannot cancel 10001 of ${tid}: only 10000 is left to cancel` });

    expect((await cancel(tid, { amount: 4000 })).status).toBe(200);
    const overRest = await cancel(tid, { amount: 6001 });
    expect(overRest.status).toBe(409);
    expect(await overRest.json()).toMatchObject({ code: 'CANCEL_AMOUNT_EXCEEDS_BALANCE', detail: expect.stringContaining('only 6000 is left') });

    for (const body of [{ amount: 0 }, { amount: -5 }, { amount: 1.5 }, { amount: '100' }, { amount: null }, { amount: 100, amout: 5 }, [100], 'true', { reason: 5 }]) {
      const res = await cancel(tid, typeof body === 'string' ? body : JSON.stringify(body));
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(await res.json()).toMatchObject({ code: 'VALIDATION_FAILED' });
    }
    const view = (await (await t.get(`/api/payment/transaction/${tid}`)).json()) as View;
    expect(view).toMatchObject({ status: 'SUCCESS', cancelledAmount: 4000, remainingAmount: 6000 });
    expect(view.cancellations).toHaveLength(1);
    expect(await cancellationRows()).toBe(1);
    expect(await t.count('webhook_deliveries')).toBe(2); // SUCCESS and the one part
  });

  it('a payment with decimals: a whole-number part, then the rest, the balance kept in its decimals', async () => {
    t = await backend.start();
    const tid = await pay('SUCCESS', 2.3);
    expect(await (await cancel(tid, { amount: 1 })).json()).toMatchObject({ status: 'SUCCESS', cancelledAmount: 1, remainingAmount: 1.3 });
    const over = await cancel(tid, { amount: 2 });
    expect(await over.json()).toMatchObject({ code: 'CANCEL_AMOUNT_EXCEEDS_BALANCE', detail: expect.stringContaining('only 1.3 is left') });
    const rest = (await (await cancel(tid)).json()) as View;
    expect(rest).toMatchObject({ status: 'CANCELLED', cancelledAmount: 2.3, remainingAmount: 0 });
    expect(rest.cancellations.map((c) => c.amount)).toEqual([1, 1.3]);
    const [, partial, closing] = await t.receiver.waitFor(3);
    expect(partial!.json).toMatchObject({ status: 'PARTIAL_CANCELLED', amount: 1, remainingAmount: 1.3 });
    expect(closing!.json).toMatchObject({ status: 'CANCELLED', amount: 2.3, cancelledAmount: 1.3 });
  });

  it('refuses (409) to cancel a CANCELLED or FAILED payment, with or without an amount; an unknown tid is 404', async () => {
    t = await backend.start();
    const tid = await pay('SUCCESS');
    // An empty JSON body is no body: all of it.
    expect(await (await cancel(tid, '')).json()).toMatchObject({ status: 'CANCELLED', cancelledAmount: 10000 });
    for (const body of [undefined, { amount: 1 }]) {
      const again = await cancel(tid, body);
      expect(again.status).toBe(409);
      expect(await again.json()).toMatchObject({ code: 'STATUS_CONFLICT', detail: expect.stringContaining('is CANCELLED') });
    }
    const failed = await pay('FAILED');
    expect(await (await cancel(failed, { amount: 1 })).json()).toMatchObject({ status: 409, code: 'STATUS_CONFLICT' });
    expect((await cancel('DUMMY_20990101_00000000', { amount: 1 })).status).toBe(404);
    expect(await cancellationRows()).toBe(1);
  });

  it('two concurrent parts that together exceed the payment: exactly one wins; two that together make it: both, and it is CANCELLED', async () => {
    t = await backend.start();
    for (let round = 0; round < 6; round++) {
      const tid = await pay('SUCCESS');
      const answers = await Promise.all([cancel(tid, { amount: 6000 }), cancel(tid, { amount: 6000 })]);
      expect(answers.map((a) => a.status).sort()).toEqual([200, 409]);
      expect(await answers.find((a) => a.status === 409)!.json()).toMatchObject({ code: 'CANCEL_AMOUNT_EXCEEDS_BALANCE' });
      const view = (await (await t.get(`/api/payment/transaction/${tid}`)).json()) as View;
      expect(view).toMatchObject({ status: 'SUCCESS', cancelledAmount: 6000, remainingAmount: 4000 });
      expect(view.cancellations).toHaveLength(1);

      const halves = await Promise.all([pay('SUCCESS'), pay('SUCCESS')]);
      for (const half of halves) {
        const both = await Promise.all([cancel(half, { amount: 5000 }), cancel(half, { amount: 5000 })]);
        expect(both.map((a) => a.status)).toEqual([200, 200]);
        const done = (await (await t.get(`/api/payment/transaction/${half}`)).json()) as View;
        expect(done).toMatchObject({ status: 'CANCELLED', cancelledAmount: 10000, remainingAmount: 0 });
        const events = await t.app.database.db.selectFrom('webhook_deliveries').select('event_status').where('tid', '=', half).orderBy('id').execute();
        expect(events.map((e) => e.event_status)).toEqual(['SUCCESS', 'PARTIAL_CANCELLED', 'CANCELLED']);
      }
    }
  });
});
