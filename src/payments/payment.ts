import type { ScenarioEffect } from '../scenarios/scenario.js';

/**
 * The payment process as the seed defines it: its statuses, the moves
 * between them, and the five failure reasons with their webhook codes.
 * Pure: no I/O.
 */

/**
 * PENDING → PROCESSING → SUCCESS | FAILED. The manual trigger may also finalize
 * straight from PENDING. The outcome of processing never changes; a SUCCESS
 * may only be cancelled afterwards (SUCCESS → CANCELLED), at the merchant's
 * request. The store enforces these moves: each is a compare-and-set whose
 * WHERE names the statuses it may start from (store/payment.repository.ts).
 */
export const PAYMENT_STATUSES = ['PENDING', 'PROCESSING', 'SUCCESS', 'FAILED', 'CANCELLED'] as const;
export type PaymentStatus = (typeof PAYMENT_STATUSES)[number];

/** What processing ends in. */
export const FINAL_STATUSES = ['SUCCESS', 'FAILED'] as const;
export type FinalStatus = (typeof FINAL_STATUSES)[number];

/**
 * Every event a webhook announces: a final status; CANCELLED after a
 * SUCCESS, or PARTIAL_CANCELLED for a part of it; or ISSUED — a payment that
 * waits for the customer (a virtual account to pay into) was issued.
 */
export type EventStatus = SettledStatus | 'PARTIAL_CANCELLED' | 'ISSUED';

/** Where a payment ends up: a final status, or CANCELLED after a SUCCESS. */
export type SettledStatus = FinalStatus | 'CANCELLED';

/** One cancellation of a successful payment: of all of what was left, or a part. */
export interface Cancellation {
  /** Its public id (a contract's cancellationId). */
  id: string;
  amount: number;
  /** The tax-free part, as the request named it (0 when it did not). */
  taxFreeAmount: number;
  /** The VAT part, when the request named it. */
  vatAmount: number | null;
  reason: string | null;
  cancelledAt: number;
}

/** What a webhook is about beyond the payment itself: the cancellation it announces. */
export interface EventContext {
  cancellation?: Cancellation;
}

/** The seed's failure reasons, in the seed's order; webhook code E001..E005 follows this order. */
export const FAIL_REASONS = [
  'INSUFFICIENT_BALANCE',
  'INVALID_CARD',
  'EXPIRED_CARD',
  'LIMIT_EXCEEDED',
  'SYSTEM_ERROR',
] as const;
export type FailReason = (typeof FAIL_REASONS)[number];

/** Processing is over: SUCCESS or FAILED, or CANCELLED (which only follows SUCCESS). */
export function isFinal(status: PaymentStatus): status is SettledStatus {
  return status === 'SUCCESS' || status === 'FAILED' || status === 'CANCELLED';
}

export function isFailReason(value: string): value is FailReason {
  return (FAIL_REASONS as readonly string[]).includes(value);
}

/** `E001` for INSUFFICIENT_BALANCE … `E005` for SYSTEM_ERROR. */
export function failCode(reason: FailReason): string {
  return `E${String(FAIL_REASONS.indexOf(reason) + 1).padStart(3, '0')}`;
}

/** Who decided a payment's outcome: its scenario rule, the success rate, the manual trigger, or a contract's test card number. */
export const DECIDERS = ['rule', 'random', 'trigger', 'test-card'] as const;
export type DecidedBy = (typeof DECIDERS)[number];

/** The decision for one payment: what the processor (or the trigger) finalizes it to. */
export type Outcome = { status: 'SUCCESS' } | { status: 'FAILED'; reason: FailReason };

/** A payment process as the rest of the program sees it (never a database row). */
export interface PaymentProcess {
  id: number;
  publicId: string;
  tid: string;
  orderId: string;
  userPublicId: string | null;
  amount: number;
  status: PaymentStatus;
  approvalNo: string | null;
  failReason: FailReason | null;
  echo: Record<string, unknown> | null;
  webhookUrl: string;
  webhookSentAt: number | null;
  webhookResponseCode: number | null;
  requestedAt: number;
  processingStartedAt: number | null;
  processedAt: number | null;
  /** The token of the claim that holds this payment in PROCESSING (internal; never shown). */
  claimToken: string | null;
  /** The merchant (echo.mid) it was taken for. */
  mid: string | null;
  /** The scenario rule that matched at acceptance, if any, and its effect. */
  scenario: string | null;
  effect: ScenarioEffect | null;
  /** Not processed before this instant (a scripted delay). */
  processAfter: number | null;
  cancelledAt: number | null;
  /** The wire contract (profile) it was taken through; its views and webhooks speak that contract. */
  profile: string;
  /** Who decided its outcome (null until final, and for payments finalized before this was recorded). */
  decidedBy: DecidedBy | null;
  /** The sum of its cancellations: 0 until one, `amount` once CANCELLED. */
  cancelledAmount: number;
}

/**
 * What is left to cancel of a payment. Amounts have at most 3 decimal
 * places, so the difference is rounded to them: 2.3 − 1 is 1.3, not the
 * double 1.2999999999999998.
 */
export function leftToCancel(p: Pick<PaymentProcess, 'amount' | 'cancelledAmount'>): number {
  return roundAmount(p.amount - p.cancelledAmount);
}

/** An amount computed in doubles, back to the at most 3 decimal places amounts have. */
export function roundAmount(value: number): number {
  return Math.round(value * 1000) / 1000;
}

/** What the accept endpoint hands to the store. */
export interface NewPayment {
  orderId: string;
  userPublicId: string | null;
  amount: number;
  echo: Record<string, unknown> | null;
  /** What else a contract lets scenario rules match on (not stored as such). */
  orderName?: string | null;
  cardNumber?: string | null;
}
