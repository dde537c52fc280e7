/**
 * Settling a payment at once, for a contract whose PG answers synchronously
 * (PortOne's payInstantly): the outcome is decided in the request and
 * finalized through the same compare-and-set as the scheduler, with its
 * webhook in the outbox. The payment was accepted held back from the
 * scheduler, which settles it only if this never happens (a crash between).
 */
import type { DeliveryOrigin } from '../store/delivery.repository.js';
import type { DecidedBy, Outcome, PaymentProcess } from './payment.js';
import type { ServiceDeps } from './services.js';

export async function settlePayment(
  deps: ServiceDeps,
  payment: PaymentProcess,
  outcome: Outcome,
  opts: { decidedBy?: DecidedBy; origin?: DeliveryOrigin } = {},
): Promise<PaymentProcess> {
  const [won] = await deps.store.finalize([{ payment, outcome, ...(opts.decidedBy ? { decidedBy: opts.decidedBy } : {}) }], {
    from: ['PENDING', 'PROCESSING'],
    fenced: false,
    origin: opts.origin ?? 'AUTO',
  });
  if (won) {
    deps.log.info({ tid: won.payment.tid, status: won.payment.status, failReason: won.payment.failReason }, 'payment settled at once');
    deps.events.emit({ type: 'finalized', payments: [won.payment] });
    return won.payment;
  }
  // The scheduler (or the trigger) finalized it first: what it decided stands.
  return (await deps.store.findPayment(payment.tid)) ?? payment;
}
