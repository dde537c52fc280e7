/**
 * Sending a final payment's webhook again: the delivery of it that waits for
 * a retry is claimed; otherwise a new delivery of the same event (same
 * webhook-id, the same bytes) is made, claimed. Then it is sent now — and
 * answered with the attempt (`resendWebhook`), or handed to the dispatcher
 * to go out in the background (`requeueWebhook`).
 */
import type { DeliveryOutcome } from '../events.js';
import type { Delivery } from '../store/delivery.repository.js';
import { isFinal, type PaymentProcess, type PaymentStatus } from './payment.js';
import type { ServiceDeps } from './services.js';

type Refused = { kind: 'not-found' } | { kind: 'not-final'; status: PaymentStatus };

export type ResendResult = { kind: 'sent'; payment: PaymentProcess; outcome: DeliveryOutcome } | Refused;
export type RequeueResult = { kind: 'queued'; payment: PaymentProcess } | Refused;

export type BelongsTo = (payment: PaymentProcess) => boolean;

export async function resendWebhook(deps: ServiceDeps, tid: string): Promise<ResendResult> {
  const claimed = await claimResend(deps, tid, () => true);
  if (claimed.kind !== 'claimed') return claimed;
  return { kind: 'sent', payment: claimed.payment, outcome: await deps.deliver(claimed.delivery) };
}

export async function requeueWebhook(deps: ServiceDeps, tid: string, belongsTo: BelongsTo): Promise<RequeueResult> {
  const claimed = await claimResend(deps, tid, belongsTo);
  if (claimed.kind !== 'claimed') return claimed;
  deps.dispatch(claimed.delivery);
  return { kind: 'queued', payment: claimed.payment };
}

async function claimResend(
  deps: ServiceDeps,
  tid: string,
  belongsTo: BelongsTo,
): Promise<{ kind: 'claimed'; payment: PaymentProcess; delivery: Delivery } | Refused> {
  const payment = await deps.store.findPayment(tid);
  if (payment === null || !belongsTo(payment)) return { kind: 'not-found' };
  if (!isFinal(payment.status)) return { kind: 'not-final', status: payment.status };
  const delivery = await deps.store.resendNow(payment);
  deps.log.info({ tid, deliveryId: delivery.id }, 'webhook re-sent by hand');
  return { kind: 'claimed', payment, delivery };
}
