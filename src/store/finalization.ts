/**
 * What finalizing leaves behind, computed before the statements run: who
 * decided, the payment in its final state (what its webhook announces), and
 * each finalized payment matched with the deliveries it owes. Pure.
 */
import type { DecidedBy, Outcome, PaymentProcess } from '../payments/payment.js';
import type * as deliveries from './delivery.repository.js';
import type { Finalized } from './store.base.js';

/** The manual trigger decides what it is told; otherwise the rule, if it names the outcome, or the success rate. */
export function decider(payment: PaymentProcess, origin: deliveries.DeliveryOrigin): DecidedBy {
  if (origin === 'MANUAL') return 'trigger';
  return payment.effect?.outcome ? 'rule' : 'random';
}

/** The payment as finalizing it will leave it (what its webhook announces). */
export function finalState(payment: PaymentProcess, outcome: Outcome, approvalNo: string | null, now: number, decidedBy: DecidedBy | null = null): PaymentProcess {
  return {
    ...payment,
    status: outcome.status,
    approvalNo: outcome.status === 'SUCCESS' ? approvalNo : null,
    failReason: outcome.status === 'FAILED' ? outcome.reason : null,
    processedAt: now,
    processingStartedAt: payment.processingStartedAt ?? now,
    decidedBy: decidedBy ?? payment.decidedBy,
  };
}

/** Each finalized payment with the deliveries it owes (made in the order of the payments). */
export function withDeliveries(finalized: readonly PaymentProcess[], made: readonly deliveries.Delivery[]): Finalized[] {
  const byPayment = new Map<number, deliveries.Delivery[]>();
  for (const d of made) {
    if (d.paymentId === null) continue;
    const own = byPayment.get(d.paymentId);
    if (own) own.push(d);
    else byPayment.set(d.paymentId, [d]);
  }
  return finalized.map((payment) => {
    const own = byPayment.get(payment.id) ?? [];
    return { payment, delivery: own[0]!, deliveries: own };
  });
}

