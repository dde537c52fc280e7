/**
 * The webhook bodies, exactly as the seed shows them — same keys, same order,
 * same codes and messages — and the cancellation webhook of the Cash
 * Gateway's later versions. Pure.
 */
import { failCode, type EventStatus, type FailReason } from '../../payments/payment.js';

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

export interface CancelledWebhook {
  status: 'CANCELLED';
  code: '0000';
  transactionId: string;
  amount: number;
  echo: Record<string, unknown> | null;
  message: 'Payment cancelled successfully';
}

export type WebhookBody = SuccessWebhook | FailedWebhook | CancelledWebhook;

/** What a final payment must carry to be announced. */
export interface FinalPaymentFacts {
  tid: string;
  status: EventStatus;
  approvalNo: string | null;
  failReason: FailReason | null;
  amount: number;
  echo: Record<string, unknown> | null;
}

export function webhookBody(p: FinalPaymentFacts): WebhookBody {
  if (p.status === 'CANCELLED') {
    return {
      status: 'CANCELLED',
      code: '0000',
      transactionId: p.tid,
      amount: p.amount,
      echo: p.echo,
      message: 'Payment cancelled successfully',
    };
  }
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
