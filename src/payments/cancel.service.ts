/**
 * Cancelling a successful payment, whole or in parts: each cancellation, the
 * payment's new balance and the webhook announcing it are committed together
 * (the outbox sends it, with retries). The payment stays SUCCESS while a part
 * of it is left, and becomes CANCELLED when nothing is.
 */
import type { CancelRequest } from '../store/store.js';
import type { Delivery } from '../store/delivery.repository.js';
import type { Cancellation, PaymentProcess, PaymentStatus } from './payment.js';
import type { ServiceDeps } from './services.js';

export type CancelResult =
  | { kind: 'cancelled'; payment: PaymentProcess; cancellation: Cancellation; delivery: Delivery | null }
  | { kind: 'not-found' }
  /** Only a SUCCESS payment can be cancelled; this one is `status` now. */
  | { kind: 'not-cancellable'; payment: PaymentProcess; status: PaymentStatus }
  /** The amount asked for is more than what is left to cancel (`left`). */
  | { kind: 'exceeds'; payment: PaymentProcess; left: number }
  /** The amount is not a whole number above zero. */
  | { kind: 'invalid-amount'; amount: number };

/** How many times a cancellation is decided again after another one came first. */
const RACE_TRIES = 5;

/** `belongsTo`: a contract that scopes payments (to a profile, a MID) finds only its own. */
export async function cancelPayment(
  deps: ServiceDeps,
  tid: string,
  belongsTo: (payment: PaymentProcess) => boolean = () => true,
  req: CancelRequest = {},
): Promise<CancelResult> {
  const amount = req.amount ?? null;
  if (amount !== null && !(Number.isSafeInteger(amount) && amount > 0)) return { kind: 'invalid-amount', amount };
  for (let attempt = 1; ; attempt++) {
    const payment = await deps.store.findPayment(tid);
    if (payment === null || !belongsTo(payment)) return { kind: 'not-found' };
    if (payment.status !== 'SUCCESS') return { kind: 'not-cancellable', payment, status: payment.status };
    const left = payment.amount - payment.cancelledAmount;
    if (amount !== null && amount > left) return { kind: 'exceeds', payment, left };
    const done = await deps.store.cancel(payment, req);
    if (done === null) {
      // Another cancellation (or nothing we can see yet) came first: decide again on what is now stored.
      if (attempt < RACE_TRIES) continue;
      const now = (await deps.store.findPayment(tid)) ?? payment;
      return { kind: 'not-cancellable', payment: now, status: now.status };
    }
    deps.log.info({ tid, amount: done.cancellation.amount, left: done.payment.amount - done.payment.cancelledAmount }, done.payment.status === 'CANCELLED' ? 'payment cancelled' : 'payment partly cancelled');
    deps.events.emit({ type: 'cancelled', payment: done.payment });
    return { kind: 'cancelled', payment: done.payment, cancellation: done.cancellation, delivery: done.delivery };
  }
}
