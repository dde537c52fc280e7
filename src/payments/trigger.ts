/**
 * The seed's manual webhook trigger (a test aid): finalize a payment that is
 * not final yet to the requested status — through the same compare-and-set
 * as the scheduler — and send its webhook now; re-send the webhook of a
 * payment already final with that status; refuse (409) the other status.
 */
import { PaymentNotFound, StatusConflict } from '../errors.js';
import type { Store, Delivery } from '../store/store.js';
import type { DeliveryOutcome } from '../worker/dispatcher.js';
import { isFinal, type FailReason, type FinalStatus, type Outcome, type PaymentProcess } from './payment.js';

/** The reason a FAILED trigger uses when none is given: the seed's first (E001). */
export const DEFAULT_TRIGGER_REASON: FailReason = 'INSUFFICIENT_BALANCE';

export interface TriggerDeps {
  store: Store;
  deliver: (delivery: Delivery) => Promise<DeliveryOutcome>;
}

export interface TriggerResult {
  payment: PaymentProcess;
  /** True when this call moved the payment to its final status. */
  finalizedNow: boolean;
  webhook: DeliveryOutcome;
}

export async function triggerWebhook(
  deps: TriggerDeps,
  args: { tid: string; status: FinalStatus; reason: FailReason | null },
): Promise<TriggerResult> {
  const { store } = deps;
  const { tid, status, reason } = args;
  let payment = await store.findPayment(tid);
  if (payment === null) throw new PaymentNotFound(tid);

  let delivery: Delivery | null = null;
  let finalizedNow = false;
  if (!isFinal(payment.status)) {
    const outcome: Outcome =
      status === 'SUCCESS' ? { status } : { status, reason: reason ?? DEFAULT_TRIGGER_REASON };
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
    } else {
      // The scheduler finalized it first; answer as for a final payment.
      payment = (await store.findPayment(tid))!;
    }
  }

  if (delivery === null) {
    if (payment.status !== status) {
      throw new StatusConflict(`Payment ${tid} is already ${payment.status}; it cannot become ${status}`);
    }
    if (reason !== null && payment.failReason !== reason) {
      throw new StatusConflict(`Payment ${tid} already FAILED with reason ${payment.failReason}, not ${reason}`);
    }
    delivery = await store.resendNow(payment);
  }
  const webhook = await deps.deliver(delivery);
  return { payment: (await store.findPayment(tid))!, finalizedNow, webhook };
}
