/**
 * The manual trigger (a test aid): finalize a payment that is not final yet
 * to the requested status — through the same compare-and-set as the
 * scheduler — and send its webhook now; re-send the webhook of a payment
 * already final with that status; refuse the other status.
 */
import type { DeliveryOutcome } from '../events.js';
import type { Delivery } from '../store/delivery.repository.js';
import { isFinal, type FailReason, type FinalStatus, type Outcome, type PaymentProcess } from './payment.js';
import type { ServiceDeps } from './services.js';

/** The reason a FAILED trigger uses when none is given: the seed's first (E001). */
export const DEFAULT_TRIGGER_REASON: FailReason = 'INSUFFICIENT_BALANCE';

export type TriggerResult =
  | {
      kind: 'triggered';
      payment: PaymentProcess;
      /** True when this call moved the payment to its final status. */
      finalizedNow: boolean;
      webhook: DeliveryOutcome;
    }
  | { kind: 'not-found' }
  /** Already final otherwise: with another status, or FAILED for another reason. */
  | { kind: 'conflict'; detail: string };

export async function triggerWebhook(
  deps: ServiceDeps,
  args: { tid: string; status: FinalStatus; reason: FailReason | null },
): Promise<TriggerResult> {
  const { store } = deps;
  const { tid, status, reason } = args;
  let payment = await store.findPayment(tid);
  if (payment === null) return { kind: 'not-found' };

  let delivery: Delivery | null = null;
  let finalizedNow = false;
  if (!isFinal(payment.status)) {
    const outcome: Outcome = status === 'SUCCESS' ? { status } : { status, reason: reason ?? DEFAULT_TRIGGER_REASON };
    // Not fenced: the trigger overrides whichever worker holds the claim,
    // and that worker's own finalization then loses its compare-and-set.
    const [won] = await store.finalize([{ payment, outcome }], {
      from: ['PENDING', 'PROCESSING'],
      fenced: false,
      origin: 'MANUAL',
      claimDelivery: true,
    });
    if (won) {
      payment = won.payment;
      delivery = won.delivery;
      finalizedNow = true;
      deps.events.emit({ type: 'finalized', payments: [won.payment] });
    } else {
      // The scheduler finalized it first; answer as for a final payment.
      payment = (await store.findPayment(tid))!;
    }
  }

  if (delivery === null) {
    if (payment.status !== status) {
      return { kind: 'conflict', detail: `Payment ${tid} is already ${payment.status}; it cannot become ${status}` };
    }
    if (reason !== null && payment.failReason !== reason) {
      return { kind: 'conflict', detail: `Payment ${tid} already FAILED with reason ${payment.failReason}, not ${reason}` };
    }
    delivery = await store.resendNow(payment);
  }
  const webhook = await deps.deliver(delivery);
  deps.log.info({ tid, status: payment.status, finalizedNow }, 'webhook triggered by hand');
  return { kind: 'triggered', payment: (await store.findPayment(tid))!, finalizedNow, webhook };
}
