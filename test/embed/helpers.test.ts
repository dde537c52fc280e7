/**
 * The test helpers of startHamsterPg: waitFor, the built-in receiver behind
 * webhooks(), trigger, cancel (whole and in part) and reset — through the
 * public package, as a user's suite calls them.
 */
import { PortOneClient } from '@portone/server-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHamsterPg, type HamsterPg } from 'hamster-pg';

const RULES = [
  { name: 'ok', match: { orderId: 'OK_*' }, effect: { outcome: 'SUCCESS' as const } },
  { name: 'no', match: { orderId: 'NO_*' }, effect: { outcome: 'FAILED' as const, reason: 'LIMIT_EXCEEDED' as const } },
  // Not decided for an hour: only the trigger moves it.
  { name: 'hold', match: { orderId: 'HOLD_*' }, effect: { delay: '1h' } },
];

let pg: HamsterPg;
let seq = 0;

async function pay(prefix: string, amount = 10_000, on: HamsterPg = pg): Promise<string> {
  const res = await fetch(`${on.url}/api/payment`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ orderId: `${prefix}${++seq}`, amount, echo: { mid: 'hamster_dummy_mid_001' } }),
  });
  expect(res.status).toBe(202);
  return ((await res.json()) as { transactionId: string }).transactionId;
}

beforeAll(async () => {
  pg = await startHamsterPg({ seed: 7, scenarios: RULES });
});
afterAll(async () => {
  await pg.stop();
});

describe('waitFor', () => {
  it('resolves with the payment on SUCCESS, and the receiver has its webhook', async () => {
    const tid = await pay('OK_');
    const payment = await pg.waitFor(tid, 'SUCCESS');
    expect(payment).toMatchObject({ tid, status: 'SUCCESS', amount: 10_000 });

    await pg.processNow(); // the webhook is sent right after the finalization; make sure it is recorded
    const [hook, ...more] = pg.webhooks({ tid });
    expect(more).toEqual([]);
    expect(hook).toMatchObject({ tid, method: 'POST', path: '/webhooks', json: { transactionId: tid, status: 'SUCCESS' } });
    expect(hook!.headers['content-type']).toBe('application/json');
    expect(JSON.parse(hook!.body)).toEqual(hook!.json);
    expect(hook!.receivedAt).toBeInstanceOf(Date);
    expect(pg.receiverUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/webhooks$/);
  });

  it('resolves on FAILED, and refuses at once a status the payment can no longer reach', async () => {
    const tid = await pay('NO_');
    expect(await pg.waitFor(tid, 'FAILED')).toMatchObject({ status: 'FAILED', failReason: 'LIMIT_EXCEEDED' });
    await expect(pg.waitFor(tid, 'SUCCESS', { timeoutMs: 60_000 })).rejects.toThrow(
      `waitFor: payment ${tid} will not become SUCCESS: it is FAILED (LIMIT_EXCEEDED)`,
    );
  });

  it('times out naming the tid, the wanted and the current status', async () => {
    const tid = await pay('HOLD_');
    await expect(pg.waitFor(tid, 'SUCCESS', { timeoutMs: 300 })).rejects.toThrow(
      `waitFor: payment ${tid} did not become SUCCESS within 300 ms; it is PENDING`,
    );
    await expect(pg.waitFor('T_NOPE', 'SUCCESS', { timeoutMs: 200 })).rejects.toThrow(
      'waitFor: payment T_NOPE did not become SUCCESS within 200 ms; there is no payment with this tid',
    );
  });

  it('refuses a misspelt status with the one meant', () => {
    expect(() => pg.waitFor('T_1', 'SUCESS' as never)).toThrow('waitFor: unknown status SUCESS (did you mean SUCCESS?)');
  });
});

describe('trigger', () => {
  it('finalizes a held payment now, with its webhook already received', async () => {
    const tid = await pay('HOLD_');
    const waiting = pg.waitFor(tid, 'FAILED');
    const payment = await pg.trigger(tid, 'FAILED', { reason: 'INVALID_CARD' });
    expect(payment).toMatchObject({ tid, status: 'FAILED', failReason: 'INVALID_CARD' });
    expect((await waiting).status).toBe('FAILED');
    expect(pg.webhooks({ tid }).map((w) => w.json)).toEqual([expect.objectContaining({ transactionId: tid, status: 'FAILED' })]);
  });

  it('throws what is wrong', async () => {
    const tid = await pay('NO_');
    await pg.waitFor(tid, 'FAILED');
    await expect(pg.trigger(tid, 'SUCCESS')).rejects.toThrow(`trigger: Payment ${tid} is already FAILED; it cannot become SUCCESS`);
    await expect(pg.trigger('T_NOPE', 'SUCCESS')).rejects.toThrow('trigger: there is no payment T_NOPE');
  });
});

describe('cancel', () => {
  it('cancels in parts, then whole, each announced', async () => {
    const tid = await pay('OK_', 10_000);
    await pg.waitFor(tid, 'SUCCESS');

    const part = await pg.cancel(tid, { amount: 3000, reason: 'one item returned' });
    expect(part.payment).toMatchObject({ status: 'SUCCESS', cancelledAmount: 3000 });
    expect(part.cancellation).toMatchObject({ amount: 3000 });
    await expect(pg.cancel(tid, { amount: 8000 })).rejects.toThrow(`cancel: 8000 is more than the 7000 left to cancel of payment ${tid}`);

    const waiting = pg.waitFor(tid, 'CANCELLED');
    const rest = await pg.cancel(tid);
    expect(rest.payment).toMatchObject({ status: 'CANCELLED', cancelledAmount: 10_000 });
    expect((await waiting).status).toBe('CANCELLED');

    await pg.processNow();
    expect(pg.webhooks({ tid })).toHaveLength(3); // SUCCESS, the part, the rest
    await expect(pg.cancel(tid)).rejects.toThrow(`cancel: payment ${tid} cannot be cancelled: it is CANCELLED (only a SUCCESS payment can)`);
  });
});

describe('reset', () => {
  it('empties the store and the received webhooks; the rules stay', async () => {
    const tid = await pay('OK_');
    await pg.waitFor(tid, 'SUCCESS');
    await pg.reset();
    expect(pg.webhooks()).toEqual([]);
    expect(await pg.app.services.find(tid)).toBeNull();
    const again = await pay('NO_');
    expect((await pg.waitFor(again, 'FAILED')).failReason).toBe('LIMIT_EXCEEDED');
  });
});

describe('the built-in receiver', () => {
  it('is not started when a webhookUrl is given, and webhooks() stays empty', async () => {
    const own = await startHamsterPg({ webhookUrl: 'http://127.0.0.1:9/hooks', polling: false, settings: { 'payment.webhook.retry.schedule': '0' } });
    try {
      const tid = await pay('OK_', 1000, own);
      await own.trigger(tid, 'SUCCESS');
      expect(own.receiverUrl).toBeNull();
      expect(own.webhooks()).toEqual([]);
    } finally {
      await own.stop();
    }
  });

  it('gets the PortOne store’s webhooks too', async () => {
    const client = PortOneClient({ secret: 'hamster-pg-portone-test-api-secret', baseUrl: pg.portoneUrl });
    const paymentId = `pay-embed-${Date.now().toString(36)}`;
    const paid = await client.payment.payInstantly({
      paymentId,
      orderName: 'Sunflower seeds',
      amount: { total: 5000 },
      currency: 'KRW',
      method: { card: { credential: { number: '4242424242424242', expiryYear: '2030', expiryMonth: '12' } } },
    });
    const tid = paid.payment.pgTxId.replace(/^pg_/, '');
    expect((await pg.waitFor(tid, 'SUCCESS')).tid).toBe(tid);
    await pg.processNow();
    const hooks = pg.webhooks({ tid });
    expect(hooks.length).toBeGreaterThan(0);
    expect(hooks[0]!.json).toMatchObject({ data: { paymentId } });
    expect(hooks[0]!.headers['webhook-signature']).toMatch(/^v1,/);
  });

  it('stop() ends a waitFor under way with a clear error', async () => {
    const other = await startHamsterPg({ polling: false });
    const tid = await pay('HOLD_', 1000, other);
    const waiting = other.waitFor(tid, 'SUCCESS', { timeoutMs: 60_000 });
    await new Promise((resolve) => setTimeout(resolve, 50)); // its first look has read PENDING
    await other.stop();
    await expect(waiting).rejects.toThrow(`waitFor: hamster-pg was stopped while payment ${tid} was awaited as SUCCESS; it is PENDING`);
  });
});
