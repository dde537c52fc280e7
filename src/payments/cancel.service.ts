/**
 * Cancelling a successful payment, whole or in parts: each cancellation, the
 * payment's new balance and the webhook announcing it are committed together
 * (the outbox sends it, with retries). The payment stays SUCCESS while a part
 * of it is left, and becomes CANCELLED when nothing is.
 */
import type { CancelRequest } from '../store/store.js';
import type { Delivery } from '../store/delivery.repository.js';
import { leftToCancel, type Cancellation, type PaymentProcess, type PaymentStatus } from './payment.js';
import type { ServiceDeps } from './services.js';

export type CancelResult =
  | {
      kind: 'cancelled';
      payment: PaymentProcess;
      cancellation: Cancellation;
      /** The payment's cancellations, oldest first, up to and including this one. */
      cancellations: Cancellation[];
      delivery: Delivery | null;
    }
  | { kind: 'not-found' }
  /** Only a SUCCESS payment can be cancelled; this one is `status` now. */
  | { kind: 'not-cancellable'; payment: PaymentProcess; status: PaymentStatus }
  /** The amount asked for is more than what is left to cancel (`left`). */
  | { kind: 'exceeds'; payment: PaymentProcess; amount: number; left: number }
  /** The amount is not above zero, or asks for a part (less than all that is left) that is not a whole number. */
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
  if (amount !== null && !(Number.isFinite(amount) && amount > 0)) return { kind: 'invalid-amount', amount };
  for (let attempt = 1; ; attempt++) {
    const payment = await deps.store.findPayment(tid);
    if (payment === null || !belongsTo(payment)) return { kind: 'not-found' };
    if (payment.status !== 'SUCCESS') return { kind: 'not-cancellable', payment, status: payment.status };
    const left = leftToCancel(payment);
    if (amount !== null && amount > left) return { kind: 'exceeds', payment, amount, left };
    // Asking for all that is left by its amount is asking for all of it: a
    // contract whose client names the amount (hamster-world's always does)
    // can cancel a payment of 12.5 whole. Only a part must be a whole number.
    const whole = amount === null || amount === left;
    if (!whole && !Number.isSafeInteger(amount)) return { kind: 'invalid-amount', amount };
    const done = await deps.store.cancel(payment, whole ? { ...req, amount: null } : req);
    if (done === null) {
      // Another cancellation (or nothing we can see yet) came first: decide again on what is now stored.
      if (attempt < RACE_TRIES) continue;
      const now = (await deps.store.findPayment(tid)) ?? payment;
      return { kind: 'not-cancellable', payment: now, status: now.status };
    }
    deps.log.info({ tid, amount: done.cancellation.amount, left: leftToCancel(done.payment) }, done.payment.status === 'CANCELLED' ? 'payment cancelled' : 'payment partly cancelled');
    // Read after the commit, so a part that came after this one is cut off: the list
    // always agrees with the balance of `done.payment`.
    const all = (await deps.store.cancellations([payment.id])).get(payment.id) ?? [];
    const mine = all.findIndex((c) => c.id === done.cancellation.id);
    const cancellations = mine < 0 ? [...all, done.cancellation] : all.slice(0, mine + 1);
    deps.events.emit({ type: 'cancelled', payment: done.payment, cancellations });
    return { kind: 'cancelled', payment: done.payment, cancellation: done.cancellation, cancellations, delivery: done.delivery };
  }
}
