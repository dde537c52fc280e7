/**
 * How the hamster-world contract shows payments, MIDs and pages, and the
 * webhook body it sends. Pure.
 */
import type { MerchantRecord } from '../../merchants/merchant.js';
import { leftToCancel, roundAmount, type Cancellation, type EventContext, type EventStatus, type PaymentProcess, type PaymentStatus, type SettledStatus } from '../../payments/payment.js';
import { toLocalDateTime, toLocalDateTimeOrNull } from '../../time.js';
import { cancellationFields } from '../cancellations.js';
import {
  ACK_MESSAGE,
  type HwPaymentStatus,
  type HwWebhookStatus,
  type MidResponse,
  type ProcessAck,
  type ProcessDetails,
  type TransactionResponse,
} from './hamster-world.schemas.js';

export function processAck(p: Pick<PaymentProcess, 'amount'>): ProcessAck {
  return { code: 'ACK_OK', amount: p.amount, message: ACK_MESSAGE };
}

/** The engine's final statuses in this contract's words. */
export const PAYMENT_STATUS: Readonly<Record<SettledStatus, HwPaymentStatus>> = {
  SUCCESS: 'COMPLETED',
  FAILED: 'FAILED',
  CANCELLED: 'CANCELLED',
};

/** And back, for the status filter. */
export function engineStatus(status: HwPaymentStatus): SettledStatus {
  return status === 'COMPLETED' ? 'SUCCESS' : status;
}

/**
 * The webhook, in the upstream NotificationService's key order. The Cash
 * Gateway reads `tid, midId, userId, orderId, amount, status` into non-null
 * fields, so none is ever null (a payment without a user sends ""); `echo`
 * is the request's echo as JSON text, as the upstream stores and sends it.
 * What this contract adds (the cancellation of a part) comes after those keys.
 */
export function webhookBody(p: PaymentProcess, event: EventStatus, context: EventContext = {}): string {
  if (event === 'ISSUED') throw new Error(`The hamster-world contract has no ${event} webhook`);
  const cancellation = context.cancellation;
  if (event === 'PARTIAL_CANCELLED') {
    if (cancellation === undefined) throw new Error(`PARTIAL_CANCELLED webhook of ${p.tid} without its cancellation`);
    // The Cash Gateway reads `status` as text (DummyPaymentResponse.status:
    // String) and takes only "COMPLETED" as a success. "PARTIAL_CANCELLED"
    // parses, and reads as no success — as CANCELLED does; "COMPLETED" would
    // book the part as a new approved payment (an unmatched webhook becomes
    // one), and "CANCELLED" would close the whole order while a part of it
    // is still approved. `amount` is what the part took, as the cancel
    // request that asked for it said.
    return JSON.stringify({
      ...upstreamKeys(p, cancellation.amount, 'PARTIAL_CANCELLED', p.approvalNo, null),
      remainingAmount: leftToCancel(p),
      cancellationId: cancellation.id,
    });
  }
  const body = upstreamKeys(p, p.amount, PAYMENT_STATUS[event], event === 'FAILED' ? null : p.approvalNo, event === 'FAILED' ? p.failReason : null);
  // After partial cancellations the last part says what it took; a payment
  // cancelled whole at once sends exactly the body it always did.
  const last = event === 'CANCELLED' && cancellation !== undefined && cancellation.amount < p.amount ? cancellation : null;
  return JSON.stringify(last ? { ...body, cancelledAmount: roundAmount(last.amount), cancellationId: last.id } : body);
}

function upstreamKeys(p: PaymentProcess, amount: number, status: HwWebhookStatus, approvalNo: string | null, failureReason: string | null) {
  return {
    tid: p.tid,
    midId: p.mid ?? '',
    userId: p.userPublicId ?? '',
    orderId: p.orderId,
    amount,
    status,
    approvalNo,
    failureReason,
    echo: JSON.stringify(p.echo ?? {}),
  };
}

/** `cancellations`: the payment's, oldest first (store.cancellations). */
export function processDetails(p: PaymentProcess, cancellations: readonly Cancellation[]): ProcessDetails {
  return {
    tid: p.tid,
    midId: p.mid ?? '',
    orderId: p.orderId,
    amount: p.amount,
    status: p.status,
    approvalNo: p.approvalNo,
    failReason: p.failReason,
    requestedAt: toLocalDateTime(p.requestedAt),
    processingStartedAt: toLocalDateTimeOrNull(p.processingStartedAt),
    processedAt: toLocalDateTimeOrNull(p.processedAt),
    ...cancellationFields(p, cancellations),
  };
}

/** What the webhook attempts of a payment came to. */
export interface NotificationFacts {
  count: number;
  lastAt: number;
}

export function isFinalView(status: PaymentStatus): status is SettledStatus {
  return status === 'SUCCESS' || status === 'FAILED' || status === 'CANCELLED';
}

export function transactionResponse(
  p: PaymentProcess & { status: SettledStatus },
  n: NotificationFacts | undefined,
  cancellations: readonly Cancellation[],
): TransactionResponse {
  const processedAt = p.processedAt ?? p.requestedAt;
  return {
    tid: p.tid,
    orderId: p.orderId,
    amount: p.amount,
    status: PAYMENT_STATUS[p.status],
    approvalNo: p.approvalNo,
    failureReason: p.failReason,
    notificationStatus: p.webhookSentAt !== null ? 'SENT' : n && n.count > 0 ? 'FAILED' : 'NOT_SENT',
    notificationAttemptCount: n?.count ?? 0,
    lastNotificationAt: n ? toLocalDateTime(n.lastAt) : null,
    processedAt: toLocalDateTime(processedAt),
    createdAt: toLocalDateTime(processedAt),
    modifiedAt: toLocalDateTimeOrNull(p.cancelledAt),
    ...cancellationFields(p, cancellations),
  };
}

export function midResponse(m: MerchantRecord): MidResponse {
  return {
    midId: m.mid,
    merchantName: m.name ?? m.mid,
    apiKey: m.apiKey,
    webhookUrl: m.webhookUrl,
    isActive: m.active,
    createdAt: toLocalDateTime(m.createdAt),
    modifiedAt: m.updatedAt === m.createdAt ? null : toLocalDateTime(m.updatedAt),
  };
}

const UNSORTED = { empty: true, sorted: false, unsorted: true };

/** A Spring Data page of `content`, `total` items in all. */
export function page<T>(content: T[], total: number, pageNumber: number, size: number) {
  const totalPages = Math.ceil(total / size);
  return {
    content,
    pageable: { pageNumber, pageSize: size, sort: UNSORTED, offset: pageNumber * size, paged: true, unpaged: false },
    last: pageNumber + 1 >= totalPages,
    totalElements: total,
    totalPages,
    size,
    number: pageNumber,
    sort: UNSORTED,
    first: pageNumber === 0,
    numberOfElements: content.length,
    empty: content.length === 0,
  };
}
