/**
 * The PortOne contract as a merchant's server meets it: a hamster-pg app on
 * a backend, an `@portone/server-sdk` client pointed at its PortOne
 * listener, and the webhooks its receivers get — every one of them checked
 * with the SDK's own `Webhook.verify` before the app is closed.
 */
import { PortOneClient, PortOneError, RestError, Webhook } from '@portone/server-sdk';
import type { Payment, Unrecognized } from '@portone/server-sdk';
import { expect } from 'vitest';
import type { AppOptions } from '../../../src/app.js';
import type { ConfigKey } from '../../../src/config.keys.js';
import type { TestApp } from '../../setup/app.js';
import { startReceiver, type Receiver, type ReceivedRequest } from '../../setup/receiver.js';
import type { Backend } from '../hamster-world/setup.js';

/** The default store's documented test values (docs/portone.md). */
export const STORE_ID = 'store-hamster-pg-test';
export const API_SECRET = 'hamster-pg-portone-test-api-secret';
export const WEBHOOK_SECRET = 'whsec_aGFtc3Rlci1wZyBwb3J0b25lIHdlYmhvb2sgdGVzdCE=';

export const APPROVED_CARD = '4242424242424242';
export const DECLINED_CARD = '4000000000000002';
/** A card that is not a test card: the engine decides (rule, else success rate). */
export const PLAIN_CARD = '4111111111111111';

type PaymentClient = PortOneClient['payment'];
export type PayInstantly = Parameters<PaymentClient['payInstantly']>[0];
type Settings = Partial<Record<ConfigKey, unknown>>;

/** A webhook whose type the SDK knows. */
export type KnownWebhook = Exclude<Webhook.Webhook, { readonly type: Unrecognized }>;

export interface VerifiedHook {
  request: ReceivedRequest;
  webhook: KnownWebhook;
}

export interface PortOne {
  t: TestApp;
  /** The PortOne listener's base URL. */
  url: string;
  /** The default store's client. */
  client: PortOneClient;
  pay: PaymentClient;
  clientFor(secret: string, storeId?: string): PortOneClient;
  /** The first `count` webhooks `receiver` got, each verified with `secret`; waits for them. */
  hooks(count: number, receiver?: Receiver, secret?: string): Promise<VerifiedHook[]>;
  /** A receiver started before the app (its URL in the settings): its webhooks are verified with `secret` at the end too. */
  watch(receiver: Receiver, secret: string): void;
  /**
   * A processing pass and the webhooks it owes (processNow), once the sends
   * under way are recorded: an attempt being recorded holds the payment's row,
   * and a claim skips locked rows (PostgreSQL), leaving it to the next pass.
   */
  process(): Promise<{ processed: number; attempts: number }>;
  /** The engine's admin trigger on the main listener. */
  trigger(transactionId: string, status: 'SUCCESS' | 'FAILED'): Promise<Response>;
  /** Stops the app, then verifies every webhook every watched receiver got. */
  close(): Promise<void>;
}

export async function startPortOne(backend: Backend, settings: Settings = {}, options: AppOptions = {}): Promise<PortOne> {
  const t = await backend.start({ 'payment.process.success-rate': 100, ...settings }, options);
  const url = t.app.profileUrl('portone');
  const clientFor = (secret: string, storeId?: string) => PortOneClient({ secret, baseUrl: url, ...(storeId === undefined ? {} : { storeId }) });
  const client = clientFor(API_SECRET);
  const watched: Array<{ receiver: Receiver; secret: string }> = [{ receiver: t.receiver, secret: WEBHOOK_SECRET }];
  return {
    t,
    url,
    client,
    pay: client.payment,
    clientFor,
    async hooks(count, receiver = t.receiver, secret = WEBHOOK_SECRET) {
      const requests = (await receiver.waitFor(count)).slice(0, count);
      return Promise.all(requests.map(async (request) => ({ request, webhook: await verified(request, secret) })));
    },
    watch(receiver, secret) {
      watched.push({ receiver, secret });
    },
    async process() {
      await t.app.dispatcher.drain();
      return t.app.processNow();
    },
    trigger: (transactionId, status) => t.post(`/api/payment/webhook/trigger/${encodeURIComponent(transactionId)}?status=${status}`, {}),
    async close() {
      // Stopped first: every webhook under way has arrived, and none comes after the check.
      await t.close();
      for (const { receiver, secret } of watched) for (const request of receiver.requests) await verified(request, secret);
    },
  };
}

/** The SDK's verification of a received webhook (raw body, headers as a plain object), and the payload's own shape. */
export async function verified(request: ReceivedRequest, secret: string): Promise<KnownWebhook> {
  expect(request.method).toBe('POST');
  const webhook = await Webhook.verify(secret, request.body, { ...request.headers });
  if (Webhook.isUnrecognizedWebhook(webhook)) throw new Error(`a webhook type the SDK does not know: ${request.body}`);
  expect(webhook).toEqual(JSON.parse(request.body));
  expect(Object.keys(webhook)).toEqual(['type', 'timestamp', 'data']);
  expect(Number.isNaN(Date.parse(webhook.timestamp))).toBe(false);
  if ('paymentId' in webhook.data) {
    const cancelled = webhook.type === 'Transaction.Cancelled' || webhook.type === 'Transaction.PartialCancelled';
    expect(Object.keys(webhook.data).sort()).toEqual(['paymentId', 'storeId', 'transactionId', ...(cancelled ? ['cancellationId'] : [])].sort());
    for (const value of Object.values(webhook.data)) expect(typeof value === 'string' && value !== '').toBe(true);
  }
  return webhook;
}

/** What a call threw: the SDK's error class for the method, with PortOne's `type`; its data narrowed to that type. */
export async function refused<E extends RestError, T extends string>(
  call: Promise<unknown>,
  errorClass: abstract new (...args: never[]) => E,
  type: T,
): Promise<Extract<E['data'], { type: T }>> {
  const error: unknown = await call.then(
    (answer) => new Error(`expected ${type}, got ${JSON.stringify(answer)}`),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(errorClass);
  expect(error).toBeInstanceOf(RestError);
  expect(error).toBeInstanceOf(PortOneError);
  const data = (error as E).data as { type: unknown; message?: unknown };
  expect(data.type, JSON.stringify(data)).toBe(type);
  expect(typeof data.message).toBe('string');
  expect((error as E).message).toBe(data.message);
  return data as Extract<E['data'], { type: T }>;
}

export function cardMethod(number = APPROVED_CARD, extra: Partial<Payment.InstantPaymentMethodInputCard> = {}): Payment.InstantPaymentMethodInput {
  return { card: { credential: { number, expiryYear: '2030', expiryMonth: '12' }, ...extra } };
}

export function vaMethod(extra: Partial<Payment.InstantPaymentMethodInputVirtualAccount> = {}): Payment.InstantPaymentMethodInput {
  return { virtualAccount: { bank: 'SHINHAN', expiry: { validHours: 24 }, option: { type: 'NORMAL' }, remitteeName: '햄스터상점', ...extra } };
}

/** A payInstantly request: 10,000 KRW of sunflower seeds by the approved card unless told otherwise. */
export function order(paymentId: string, extra: Partial<PayInstantly> = {}): PayInstantly {
  return { paymentId, orderName: 'Sunflower seeds', amount: { total: 10_000 }, currency: 'KRW', method: cardMethod(), ...extra };
}

/** A fresh id per call, so tests in one app never collide. */
let seq = 0;
export function newId(prefix = 'pay'): string {
  return `${prefix}-${Date.now().toString(36)}-${(++seq).toString(36)}`;
}

export { startReceiver };
export type { Receiver };
