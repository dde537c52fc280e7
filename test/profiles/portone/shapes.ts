/**
 * What the SDK's generated types require of every answer, checked at run
 * time. Each list of required fields is typed against the SDK's own type
 * (`Required<SdkType>`): tsc fails if a list misses a field the type
 * requires or names one it does not, so the check follows the contract.
 */
import { Payment } from '@portone/server-sdk';
import type { Common, Unrecognized } from '@portone/server-sdk';
import { expect } from 'vitest';

/** A payment whose status the SDK knows. */
export type KnownPayment = Exclude<Payment.Payment, { readonly status: Unrecognized }>;

/** The keys of T that are not optional. */
type RequiredKeys<T> = { [K in keyof T]-?: Partial<Pick<T, K>> extends Pick<T, K> ? never : K }[keyof T];
type Fields<T> = Record<RequiredKeys<T>, true>;

const COMMON = {
  status: true,
  id: true,
  transactionId: true,
  merchantId: true,
  storeId: true,
  version: true,
  requestedAt: true,
  updatedAt: true,
  statusChangedAt: true,
  orderName: true,
  amount: true,
  currency: true,
  customer: true,
} as const;

const PAID: Fields<Payment.PaidPayment> = { ...COMMON, channel: true, paidAt: true, disputes: true };
const FAILED: Fields<Payment.FailedPayment> = { ...COMMON, failedAt: true, failure: true };
const VA_ISSUED: Fields<Payment.VirtualAccountIssuedPayment> = { ...COMMON, channel: true };
const PARTIAL_CANCELLED: Fields<Payment.PartialCancelledPayment> = { ...COMMON, channel: true, cancellations: true, cancelledAt: true };
const CANCELLED: Fields<Payment.CancelledPayment> = { ...COMMON, channel: true, cancellations: true, cancelledAt: true };
const AMOUNT: Fields<Payment.PaymentAmount> = { total: true, taxFree: true, discount: true, paid: true, cancelled: true, cancelledTaxFree: true };
const CHANNEL: Fields<Common.SelectedChannel> = { type: true, pgProvider: true, pgMerchantId: true };
const CARD: Fields<Payment.PaymentMethodCard> = { type: true };
const VIRTUAL_ACCOUNT: Fields<Payment.PaymentMethodVirtualAccount> = { type: true, accountNumber: true };
const CANCELLATION: Fields<Payment.SucceededPaymentCancellation> = {
  status: true,
  id: true,
  totalAmount: true,
  taxFreeAmount: true,
  vatAmount: true,
  reason: true,
  requestedAt: true,
};
const WEBHOOK: Fields<Payment.PaymentWebhook> = { id: true, url: true };

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

export function expectFields(value: unknown, fields: Record<string, true>, what: string): void {
  expect(typeof value === 'object' && value !== null, what).toBe(true);
  const missing = Object.keys(fields).filter((k) => (value as Record<string, unknown>)[k] === undefined || (value as Record<string, unknown>)[k] === null);
  expect(missing, `${what} lacks fields its SDK type requires`).toEqual([]);
}

export function expectTime(value: unknown, what = 'time'): void {
  expect(typeof value === 'string' && RFC3339.test(value) && !Number.isNaN(Date.parse(value)), `${what}: ${String(value)}`).toBe(true);
}

/**
 * A payment as the SDK reads it: a status it knows, every field its variant
 * requires, the shapes of its amount, channel, method and cancellations.
 * Returns it, narrowed to the statuses the SDK knows.
 */
export function checkPayment(p: Payment.Payment): KnownPayment {
  if (Payment.isUnrecognizedPayment(p)) throw new Error(`a payment status the SDK does not know: ${JSON.stringify(p)}`);
  switch (p.status) {
    case 'PAID':
      expectFields(p, PAID, 'PaidPayment');
      expect(p.disputes).toEqual([]);
      expectTime(p.paidAt, 'paidAt');
      break;
    case 'FAILED':
      expectFields(p, FAILED, 'FailedPayment');
      expectTime(p.failedAt, 'failedAt');
      break;
    case 'VIRTUAL_ACCOUNT_ISSUED':
      expectFields(p, VA_ISSUED, 'VirtualAccountIssuedPayment');
      break;
    case 'PARTIAL_CANCELLED':
      expectFields(p, PARTIAL_CANCELLED, 'PartialCancelledPayment');
      expectTime(p.cancelledAt, 'cancelledAt');
      break;
    case 'CANCELLED':
      expectFields(p, CANCELLED, 'CancelledPayment');
      expectTime(p.cancelledAt, 'cancelledAt');
      break;
    default:
      throw new Error(`a payment this emulation never has: ${JSON.stringify(p)}`);
  }
  expect(p.version).toBe('V2');
  for (const t of [p.requestedAt, p.updatedAt, p.statusChangedAt]) expectTime(t);
  expectFields(p.amount, AMOUNT, 'PaymentAmount');
  if ('channel' in p && p.channel !== undefined) expectFields(p.channel, CHANNEL, 'SelectedChannel');
  const method = p.method;
  if (method?.type === 'PaymentMethodCard') expectFields(method, CARD, 'PaymentMethodCard');
  else if (method?.type === 'PaymentMethodVirtualAccount') expectFields(method, VIRTUAL_ACCOUNT, 'PaymentMethodVirtualAccount');
  else throw new Error(`an unexpected method: ${JSON.stringify(method)}`);
  if ('cancellations' in p && p.cancellations !== undefined) for (const c of p.cancellations) checkCancellation(c);
  return p;
}

export function checkCancellation(c: Payment.PaymentCancellation): Payment.SucceededPaymentCancellation {
  expect(Payment.isUnrecognizedPaymentCancellation(c)).toBe(false);
  if (c.status !== 'SUCCEEDED') throw new Error(`a cancellation that did not succeed: ${JSON.stringify(c)}`);
  expectFields(c, CANCELLATION, 'SucceededPaymentCancellation');
  expectTime(c.requestedAt, 'requestedAt');
  expectTime(c.cancelledAt, 'cancelledAt');
  return c;
}

export function checkWebhookRecord(w: Payment.PaymentWebhook): Payment.PaymentWebhook {
  expectFields(w, WEBHOOK, 'PaymentWebhook');
  return w;
}

/** Narrows a payment to the variant of `status`, failing the test otherwise. */
export function as<S extends string>(p: Payment.Payment, status: S): Extract<Payment.Payment, { status: S }> {
  expect(p.status).toBe(status);
  return checkPayment(p) as Extract<Payment.Payment, { status: S }>;
}
