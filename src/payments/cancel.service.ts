/**
 * Cancelling a successful payment: SUCCESS → CANCELLED, with its CANCELLED
 * record and webhook committed together (the outbox sends it, with retries).
 */
import type { PaymentProcess, PaymentStatus } from './payment.js';
import type { ServiceDeps } from './services.js';

export type CancelResult =
  | { kind: 'cancelled'; payment: PaymentProcess }
  | { kind: 'not-found' }
  /** Only a SUCCESS payment can be cancelled; this one is `status` now. */
  | { kind: 'not-cancellable'; payment: PaymentProcess; status: PaymentStatus };

/** `belongsTo`: a contract that scopes payments (to a profile, a MID) finds only its own. */
export async function cancelPayment(
  deps: ServiceDeps,
  tid: string,
  belongsTo: (payment: PaymentProcess) => boolean = () => true,
): Promise<CancelResult> {
  const payment = await deps.store.findPayment(tid);
  if (payment === null || !belongsTo(payment)) return { kind: 'not-found' };
  const done = payment.status === 'SUCCESS' ? await deps.store.cancel(payment) : null;
  if (done === null) {
    const now = (await deps.store.findPayment(tid)) ?? payment;
    return { kind: 'not-cancellable', payment: now, status: now.status };
  }
  deps.log.info({ tid }, 'payment cancelled');
  deps.events.emit({ type: 'cancelled', payment: done.payment });
  return { kind: 'cancelled', payment: done.payment };
}

