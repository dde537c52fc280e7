/**
 * PortOne webhooks as a merchant's server checks them with
 * `Webhook.verify` of @portone/server-sdk, on every backend: signed with the
 * store's own secret (another store's secret does not verify them), sent to
 * the store's URL or the payment's noticeUrls, and sent again by
 * `resendWebhook` — the same body, the same webhook-id.
 */
import { Payment, Webhook } from '@portone/server-sdk';
import { afterEach, describe, expect, it } from 'vitest';
import { BACKENDS } from '../hamster-world/setup.js';
import { STORE_ID, WEBHOOK_SECRET, newId, order, refused, startPortOne, startReceiver, vaMethod, verified, type PortOne, type Receiver } from './portone.js';
import { as, checkWebhookRecord } from './shapes.js';

const SECRET_B = 'whsec_c3RvcmUtYiBzaWducyBpdHMgb3duIHdlYmhvb2tzIQ==';

async function verifyFails(body: string, headers: Record<string, unknown>, secret: string, reason: string): Promise<void> {
  const error: unknown = await Webhook.verify(secret, body, headers as Record<string, string>).then(
    () => new Error('verified'),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(Webhook.WebhookVerificationError);
  expect((error as Webhook.WebhookVerificationError).reason).toBe(reason);
}

describe.each(BACKENDS)('PortOne webhooks ($name)', (backend) => {
  let p: PortOne | undefined;
  const extra: Receiver[] = [];
  afterEach(async () => {
    await p?.close();
    p = undefined;
    for (const r of extra.splice(0)) await r.close();
  });

  it('resendWebhook: the latest webhook again, same body and webhook-id, newly signed; the record says how it went', async () => {
    p = await startPortOne(backend);
    const id = newId();
    await p.pay.payInstantly(order(id));
    const [first] = await p.hooks(1);
    const { webhook } = await p.pay.resendWebhook({ paymentId: id });
    checkWebhookRecord(webhook);
    const [, again] = await p.hooks(2);
    expect(again!.request.body).toBe(first!.request.body);
    expect(again!.request.headers['webhook-id']).toBe(first!.request.headers['webhook-id']);
    expect(webhook).toMatchObject({
      id: first!.request.headers['webhook-id'],
      url: p.t.receiver.url,
      paymentStatus: 'PAID',
      status: 'SUCCEEDED',
      trigger: 'MANUAL',
      request: { body: first!.request.body },
      response: { code: '200' },
    });
    expect(p.t.receiver.requests).toHaveLength(2);
  });

  it('resendWebhook by webhookId: an earlier event’s webhook; WEBHOOK_NOT_FOUND and PAYMENT_NOT_FOUND otherwise', async () => {
    p = await startPortOne(backend, { 'portone.virtual-account.deposit-after': '1h' });
    const id = newId('va');
    await p.pay.payInstantly(order(id, { method: vaMethod() }));
    await p.hooks(1);
    const issued = as(await p.pay.getPayment({ paymentId: id }), 'VIRTUAL_ACCOUNT_ISSUED');
    expect((await p.trigger(issued.transactionId, 'SUCCESS')).status).toBe(200);
    const [issuedHook, paidHook] = await p.hooks(2);
    expect([issuedHook!.webhook.type, paidHook!.webhook.type]).toEqual(['Transaction.VirtualAccountIssued', 'Transaction.Paid']);

    const { webhook } = await p.pay.resendWebhook({ paymentId: id, webhookId: String(issuedHook!.request.headers['webhook-id']) });
    expect(webhook).toMatchObject({ id: issuedHook!.request.headers['webhook-id'], paymentStatus: 'PAID', status: 'SUCCEEDED' });
    const third = (await p.hooks(3))[2]!;
    expect(third.request.body).toBe(issuedHook!.request.body);
    expect(third.webhook.type).toBe('Transaction.VirtualAccountIssued');

    await refused(p.pay.resendWebhook({ paymentId: id, webhookId: 'msg_nope' }), Payment.ResendWebhookError, 'WEBHOOK_NOT_FOUND');
    await refused(p.pay.resendWebhook({ paymentId: 'nope' }), Payment.ResendWebhookError, 'PAYMENT_NOT_FOUND');
  });

  it('resendWebhook to a receiver that answers 500: FAILED_NOT_OK_RESPONSE with the response', async () => {
    p = await startPortOne(backend);
    const id = newId();
    await p.pay.payInstantly(order(id));
    await p.hooks(1);
    p.t.receiver.answer = () => ({ status: 500, body: '{"error":"down"}' });
    const { webhook } = await p.pay.resendWebhook({ paymentId: id });
    expect(webhook).toMatchObject({ status: 'FAILED_NOT_OK_RESPONSE', response: { code: '500', body: '{"error":"down"}' } });
    await p.hooks(2);
  });

  it('a second store signs with its own secret: verified with it, refused with the default store’s (and the other way round)', async () => {
    const receiverB = await startReceiver();
    extra.push(receiverB);
    p = await startPortOne(backend, { merchants: [{ mid: 'store-b', webhookUrl: receiverB.url, secrets: [SECRET_B], apiKey: 'secret-b-123' }] });
    p.watch(receiverB, SECRET_B);
    const idB = newId('b');
    await p.clientFor('secret-b-123').payment.payInstantly(order(idB));
    const id = newId('default');
    await p.pay.payInstantly(order(id));

    const [hookB] = await receiverB.waitFor(1);
    const webhookB = await verified(hookB!, SECRET_B);
    expect(webhookB).toMatchObject({ type: 'Transaction.Paid', data: { paymentId: idB, storeId: 'store-b' } });
    await verifyFails(hookB!.body, { ...hookB!.headers }, WEBHOOK_SECRET, 'NO_MATCHING_SIGNATURE');

    const [hook] = await p.hooks(1);
    expect(hook!.webhook).toMatchObject({ data: { paymentId: id, storeId: STORE_ID } });
    await verifyFails(hook!.request.body, { ...hook!.request.headers }, SECRET_B, 'NO_MATCHING_SIGNATURE');
    expect(p.t.receiver.requests).toHaveLength(1);
  });

  it('a changed body, a missing header or headers not given as a plain object do not verify', async () => {
    p = await startPortOne(backend);
    await p.pay.payInstantly(order(newId()));
    const request = (await p.hooks(1))[0]!.request as { body: string; headers: Record<string, unknown> };
    await verifyFails(request.body.replace('Transaction.Paid', 'Transaction.Failed'), request.headers, WEBHOOK_SECRET, 'NO_MATCHING_SIGNATURE');
    await verifyFails(` ${request.body}`, request.headers, WEBHOOK_SECRET, 'NO_MATCHING_SIGNATURE');
    const { ['webhook-signature']: _signature, ...unsigned } = request.headers;
    await verifyFails(request.body, unsigned, WEBHOOK_SECRET, 'MISSING_REQUIRED_HEADERS');
    const asFetchHeaders = new Headers(Object.entries(request.headers).filter((e): e is [string, string] => typeof e[1] === 'string'));
    await verifyFails(request.body, asFetchHeaders as unknown as Record<string, unknown>, WEBHOOK_SECRET, 'MISSING_REQUIRED_HEADERS');
    expect(Math.abs(Number(request.headers['webhook-timestamp']) - Date.now() / 1000)).toBeLessThan(60);
  });

  it('portone.webhook.url and portone.webhook.secret set the default store’s receiver and key; noticeUrls override it for a payment', async () => {
    const own = await startReceiver();
    const notice = await startReceiver();
    extra.push(own, notice);
    const secret = 'whsec_YW5vdGhlciBkZWZhdWx0IHN0b3JlIHNlY3JldCE=';
    p = await startPortOne(backend, { 'portone.webhook.url': own.url, 'portone.webhook.secret': secret });
    p.watch(own, secret);
    p.watch(notice, secret);
    const id = newId();
    await p.pay.payInstantly(order(id));
    const [hook] = await p.hooks(1, own, secret);
    expect(hook!.webhook).toMatchObject({ type: 'Transaction.Paid', data: { paymentId: id } });
    await verifyFails(hook!.request.body, { ...hook!.request.headers }, WEBHOOK_SECRET, 'NO_MATCHING_SIGNATURE');

    const noticed = newId('notice');
    await p.pay.payInstantly(order(noticed, { noticeUrls: [notice.url] }));
    const [n] = await p.hooks(1, notice, secret);
    expect(n!.webhook).toMatchObject({ data: { paymentId: noticed } });
    await p.pay.cancelPayment({ paymentId: noticed, amount: 10, reason: 'to the notice URL too' });
    const [, cancelled] = await p.hooks(2, notice, secret);
    expect(cancelled!.webhook.type).toBe('Transaction.PartialCancelled');
    expect((await p.pay.resendWebhook({ paymentId: noticed })).webhook.url).toBe(notice.url);
    await p.hooks(3, notice, secret);
    expect(own.requests).toHaveLength(1);
    expect(p.t.receiver.requests).toEqual([]);
  });
});
