/** How the seed's contract shows a payment, its ACK, and a webhook just sent. Pure. */
import type { AckFacts } from '../../payments/accept.service.js';
import type { DeliveryOutcome } from '../../events.js';
import type { Cancellation, PaymentProcess } from '../../payments/payment.js';
import { toLocalDateTime, toLocalDateTimeOrNull } from '../../time.js';
import { isDelivered } from '../../webhooks/backoff.js';
import { cancellationFields } from '../cancellations.js';
import { ACK_MESSAGE, type PaymentAck, type TransactionView } from './seed.schemas.js';

export function seedAck(p: Pick<AckFacts, 'tid' | 'amount' | 'echo'>): PaymentAck {
  return { status: 'PENDING', code: 'ACK_OK', transactionId: p.tid, amount: p.amount, echo: p.echo, message: ACK_MESSAGE };
}

/** `cancellations`: the payment's, oldest first (store.cancellations). */
export function transactionView(p: PaymentProcess, cancellations: readonly Cancellation[]): TransactionView {
  return {
    tid: p.tid,
    orderId: p.orderId,
    amount: p.amount,
    status: p.status,
    approvalNo: p.approvalNo,
    failReason: p.failReason,
    requestedAt: toLocalDateTime(p.requestedAt),
    processedAt: toLocalDateTimeOrNull(p.processedAt),
    webhookSentAt: toLocalDateTimeOrNull(p.webhookSentAt),
    publicId: p.publicId,
    userPublicId: p.userPublicId,
    echo: p.echo,
    processingStartedAt: toLocalDateTimeOrNull(p.processingStartedAt),
    webhookResponseCode: p.webhookResponseCode,
    mid: p.mid,
    scenario: p.scenario,
    cancelledAt: toLocalDateTimeOrNull(p.cancelledAt),
    decidedBy: p.decidedBy,
    ...cancellationFields(p, cancellations),
  };
}

export function sentView({ delivery, result, next }: DeliveryOutcome) {
  return {
    deliveryId: delivery.id,
    webhookId: delivery.webhookId,
    attemptNo: delivery.attemptCount,
    attemptedAt: toLocalDateTime(result.attemptedAt),
    url: result.url,
    delivered: isDelivered(result),
    responseCode: result.responseCode,
    error: result.error,
    durationMs: result.durationMs,
    responseBody: result.responseBody,
    state: next.state,
    nextAttemptAt: next.state === 'PENDING' ? toLocalDateTime(next.dueAt) : null,
  };
}
