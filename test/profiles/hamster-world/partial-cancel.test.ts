/**
 * Partial cancellation in the hamster-world contract, on every backend: the
 * cancel request's `amount` cancels a part or all that is left, its webhooks
 * read with the upstream Cash Gateway's own rules, the views' balance.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { TestApp } from '../../setup/app.js';
import { startReceiver, type Receiver } from '../../setup/receiver.js';
import { isAcknowledged, parseWebhook } from './cash-gateway.js';
import { BACKENDS } from './setup.js';

const LOCAL_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/;
const DEFAULT_MID = 'hamster_dummy_mid_001';

describe.each(BACKENDS)('hamster-world partial cancellation ($name)', (backend) => {
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
  const pay = (body: Record<string, unknown>) => t.post('/api/payment-process', body);
  const registerMid = async (webhookUrl: string) => {
    const res = await t.post('/api/mid', { merchantName: 'Shop', webhookUrl });
    expect(res.status).toBe(201);
    return (await res.json()) as Record<string, unknown>;
  };

  it('cancels a part with the cancel request’s amount: 202, PARTIAL_CANCELLED (read by the Cash Gateway as no success), then the rest', async () => {
    t = await backend.start({ 'payment.process.success-rate': 100 });
    const own = await ownReceiver();
    const mid = await registerMid(own.url);
    const order = { midId: mid.midId, userId: 'kc-9', orderId: 'ORD-P', amount: 7000, echo: { orderNumber: 'ORD-P' } };
    await pay(order);
    await t.app.processNow();
    const paid = parseWebhook((await own.waitFor(1))[0]!.body);

    const part = await pay({ ...order, amount: 3000, tid: paid.tid, cancel: 'CANCEL' });
    expect(part.status).toBe(202);
    const ack = await part.json();
    expect(ack).toEqual({ code: 'ACK_OK', amount: 3000, message: 'Payment request accepted' });
    expect(isAcknowledged(202, ack)).toBe(true);
    const partial = (await own.waitFor(2))[1]!.body;
    expect(parseWebhook(partial)).toMatchObject({ tid: paid.tid, midId: mid.midId, userId: 'kc-9', amount: 3000, status: 'PARTIAL_CANCELLED', approvalNo: paid.approvalNo, code: '9999' });
    expect(JSON.parse(partial)).toMatchObject({ remainingAmount: 4000, cancellationId: expect.stringMatching(/^cancel_/) });

    const payment = (await (await t.get(`/api/payment/${paid.tid}`)).json()) as Record<string, unknown>;
    expect(payment).toMatchObject({ status: 'COMPLETED', amount: 7000, cancelledAmount: 3000, remainingAmount: 4000 });
    expect(payment.cancellations).toEqual([{ cancellationId: JSON.parse(partial).cancellationId, amount: 3000, reason: null, cancelledAt: expect.stringMatching(LOCAL_DATE_TIME) }]);
    expect(await (await t.get(`/api/payment-process/transaction/${paid.tid}`)).json()).toMatchObject({ status: 'SUCCESS', cancelledAmount: 3000, remainingAmount: 4000 });
    const listed = (await (await t.get(`/api/payment/list?midId=${String(mid.midId)}`)).json()) as Array<Record<string, unknown>>;
    expect(listed[0]).toMatchObject({ tid: paid.tid, remainingAmount: 4000 });

    // More than is left: 409; a part that is not a whole number: 400. Neither changes anything.
    const over = await pay({ ...order, tid: paid.tid, cancel: 'CANCEL' });
    expect(over.status).toBe(409);
    expect(await over.json()).toMatchObject({ code: 'CANCEL_AMOUNT_EXCEEDS_BALANCE', detail: expect.stringContaining('only 4000 is left') });
    expect((await pay({ ...order, amount: 2.5, tid: paid.tid, cancel: 'CANCEL' })).status).toBe(400);

    const rest = await pay({ ...order, amount: 4000, tid: paid.tid, cancel: 'CANCEL' });
    expect(await rest.json()).toEqual({ code: 'ACK_OK', amount: 4000, message: 'Payment request accepted' });
    const closing = (await own.waitFor(3))[2]!.body;
    expect(parseWebhook(closing)).toMatchObject({ amount: 7000, status: 'CANCELLED', approvalNo: paid.approvalNo });
    expect(JSON.parse(closing)).toMatchObject({ cancelledAmount: 4000 });
    expect(await (await t.get(`/api/payment/${paid.tid}`)).json()).toMatchObject({ status: 'CANCELLED', cancelledAmount: 7000, remainingAmount: 0 });
    expect(own.requests).toHaveLength(3);
  });

  it('cancels a payment with decimals whole when the amount is all of it', async () => {
    t = await backend.start({ 'payment.process.success-rate': 100 });
    const order = { midId: DEFAULT_MID, userId: 'u', orderId: 'ORD-D', amount: 12.5 };
    await pay(order);
    await t.app.processNow();
    const paid = parseWebhook((await t.receiver.waitFor(1))[0]!.body);
    const res = await pay({ ...order, tid: paid.tid, cancel: 'CANCEL' });
    expect(await res.json()).toEqual({ code: 'ACK_OK', amount: 12.5, message: 'Payment request accepted' });
    const cancelled = (await t.receiver.waitFor(2))[1]!.body;
    // Cancelled whole at once: exactly the upstream's keys.
    expect(Object.keys(JSON.parse(cancelled))).toEqual(['tid', 'midId', 'userId', 'orderId', 'amount', 'status', 'approvalNo', 'failureReason', 'echo']);
    expect(parseWebhook(cancelled)).toMatchObject({ amount: 12.5, status: 'CANCELLED' });
  });
});
