/**
 * The webhook bodies, exactly as the seed shows them — same keys, same order,
 * same codes and messages — and the cancellation webhooks of the Cash
 * Gateway's later versions, whole and partial. Pure.
 */
import { failCode, leftToCancel, roundAmount, type EventContext, type EventStatus, type FailReason } from '../../payments/payment.js';

export interface SuccessWebhook {
  status: 'SUCCESS';
  code: '0000';
  transactionId: string;
  approvalNo: string;
  amount: number;
  echo: Record<string, unknown> | null;
  message: 'Payment approved successfully';
}

export interface FailedWebhook {
  status: 'FAILED';
  code: string;
  transactionId: string;
  amount: number;
  echo: Record<string, unknown> | null;
  message: string;
}

/**
 * `amount` is the payment's, as it always was. After partial cancellations
 * the body also says what this last part took and which cancellation it was
 * (a payment cancelled whole at once sends exactly the body it always did).
 */
export interface CancelledWebhook {
  status: 'CANCELLED';
  code: '0000';
  transactionId: string;
  amount: number;
  cancelledAmount?: number;
  cancellationId?: string;
  echo: Record<string, unknown> | null;
  message: 'Payment cancelled successfully';
}

/** A part of the payment was cancelled; it stays approved for `remainingAmount`. */
export interface PartialCancelledWebhook {
  status: 'PARTIAL_CANCELLED';
  code: '0000';
  transactionId: string;
  /** What this part took off the payment. */
  amount: number;
  remainingAmount: number;
  cancellationId: string;
  echo: Record<string, unknown> | null;
  message: 'Payment partially cancelled';
}

export type WebhookBody = SuccessWebhook | FailedWebhook | CancelledWebhook | PartialCancelledWebhook;

/** What a payment must carry to be announced (its balance after the cancellation a webhook announces). */
export interface FinalPaymentFacts {
  tid: string;
  status: EventStatus;
  approvalNo: string | null;
  failReason: FailReason | null;
  amount: number;
  cancelledAmount: number;
  echo: Record<string, unknown> | null;
}

export function webhookBody(p: FinalPaymentFacts, context: EventContext = {}): WebhookBody {
  const cancellation = context.cancellation;
  if (p.status === 'PARTIAL_CANCELLED') {
    if (cancellation === undefined) throw new Error(`PARTIAL_CANCELLED webhook of ${p.tid} without its cancellation`);
    return {
      status: 'PARTIAL_CANCELLED',
      code: '0000',
      transactionId: p.tid,
      amount: cancellation.amount,
      remainingAmount: leftToCancel(p),
      cancellationId: cancellation.id,
      echo: p.echo,
      message: 'Payment partially cancelled',
    };
  }
  if (p.status === 'CANCELLED') {
    // Parts came before this one exactly when it took less than the whole payment.
    const last = cancellation !== undefined && cancellation.amount < p.amount ? cancellation : null;
    return {
      status: 'CANCELLED',
      code: '0000',
      transactionId: p.tid,
      amount: p.amount,
      ...(last ? { cancelledAmount: roundAmount(last.amount), cancellationId: last.id } : {}),
      echo: p.echo,
      message: 'Payment cancelled successfully',
    };
  }
  if (p.status === 'ISSUED') throw new Error(`The seed contract has no ${p.status} webhook (payment ${p.tid})`);
  if (p.status === 'SUCCESS') {
    if (p.approvalNo === null) throw new Error(`SUCCESS payment ${p.tid} has no approval number`);
    return {
      status: 'SUCCESS',
      code: '0000',
      transactionId: p.tid,
      approvalNo: p.approvalNo,
      amount: p.amount,
      echo: p.echo,
      message: 'Payment approved successfully',
    };
  }
  if (p.failReason === null) throw new Error(`FAILED payment ${p.tid} has no fail reason`);
  return {
    status: 'FAILED',
    code: failCode(p.failReason),
    transactionId: p.tid,
    amount: p.amount,
    echo: p.echo,
    message: `Payment failed: ${p.failReason}`,
  };
}
