/**
 * Partial cancellation as both contracts show it: the fields their payment
 * views add at their end (how much was cancelled, how much is left, each
 * cancellation) and their rendering (pure), the one read a page of payments
 * needs for them, and the errors a refused cancellation answers.
 */
import { Type, type Static } from 'typebox';
import { CancelAmountExceedsBalance, PaymentNotFound, StatusConflict, ValidationFailed, type DomainError } from '../errors.js';
import type { CancelResult } from '../payments/cancel.service.js';
import { leftToCancel, roundAmount, type Cancellation, type PaymentProcess } from '../payments/payment.js';
import type { Store } from '../store/store.js';
import { toLocalDateTime } from '../time.js';
import { LocalDateTime, Nullable } from './fields.js';

export const CancellationView = Type.Object({
  cancellationId: Type.String({ description: 'its own id, also in the webhook that announced it' }),
  amount: Type.Number({ description: 'what this cancellation took off the payment' }),
  reason: Nullable(Type.String()),
  cancelledAt: LocalDateTime,
});

export const CancellationFields = {
  cancelledAmount: Type.Number({ description: 'the sum of its cancellations: 0 until one, `amount` once CANCELLED' }),
  remainingAmount: Type.Number({ description: '`amount` − `cancelledAmount`; only a SUCCESS payment can be cancelled (in full or in part)' }),
  cancellations: Type.Array(CancellationView, {
    description: 'each cancellation, oldest first (a payment cancelled before partial cancellation existed shows none, its cancelledAmount being its amount)',
  }),
};

export type CancellationFields = { [K in keyof typeof CancellationFields]: Static<(typeof CancellationFields)[K]> };

export function cancellationFields(p: Pick<PaymentProcess, 'amount' | 'cancelledAmount'>, cancellations: readonly Cancellation[]): CancellationFields {
  return {
    cancelledAmount: roundAmount(p.cancelledAmount),
    remainingAmount: leftToCancel(p),
    cancellations: cancellations.map((c) => ({
      cancellationId: c.id,
      amount: roundAmount(c.amount),
      reason: c.reason,
      cancelledAt: toLocalDateTime(c.cancelledAt),
    })),
  };
}

/** Each payment's cancellations by payment id: one query for a whole page, none when no payment has any. */
export async function cancellationsOf(store: Pick<Store, 'cancellations'>, payments: readonly PaymentProcess[]): Promise<Map<number, Cancellation[]>> {
  const ids = payments.filter((p) => p.cancelledAmount > 0).map((p) => p.id);
  return ids.length === 0 ? new Map() : store.cancellations(ids);
}

/** What a refused cancellation answers; a contract may word its not-found its own way. */
export function cancelRefusal(
  result: Exclude<CancelResult, { kind: 'cancelled' }>,
  tid: string,
  notFound: () => DomainError = () => new PaymentNotFound(tid),
): DomainError {
  switch (result.kind) {
    case 'not-found':
      return notFound();
    case 'not-cancellable':
      return new StatusConflict(`Only a SUCCESS payment can be cancelled; ${tid} is ${result.status}`);
    case 'exceeds':
      return new CancelAmountExceedsBalance(tid, result.amount, result.left);
    case 'invalid-amount':
      return new ValidationFailed(`amount ${result.amount} cannot be cancelled: a part of a payment is a whole number above zero`, [
        { field: 'amount', message: 'must be a whole number above zero, or all that is left' },
      ]);
  }
}

/** The OpenAPI description of a cancel operation's 409. */
export const CANCEL_CONFLICTS =
  'STATUS_CONFLICT: the payment is not SUCCESS (not final yet, FAILED, or already CANCELLED); CANCEL_AMOUNT_EXCEEDS_BALANCE: amount is more than what is left (remainingAmount)';
