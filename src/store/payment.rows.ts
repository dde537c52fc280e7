/**
 * A payment process between its row and the domain object: the row a new
 * payment is inserted as, the object read back from any query, or built from
 * a row just inserted. Pure.
 */
import type { Selectable } from 'kysely';
import type { PaymentProcessesTable } from '../db/schema.js';
import type { DecidedBy, FailReason, NewPayment, PaymentProcess, PaymentStatus } from '../payments/payment.js';
import type { ScenarioEffect } from '../scenarios/scenario.js';
import type { AcceptPlan } from './store.base.js';

type Row = Selectable<PaymentProcessesTable>;

/** The row a new PENDING payment is inserted as (a fixed scripted delay becomes its process_after; a range is drawn after insert). */
export function newPaymentRow(input: NewPayment, plan: AcceptPlan, now: number) {
  const fixed = plan.delay && plan.delay.minMs === plan.delay.maxMs ? plan.delay.minMs : null;
  return {
    order_id: input.orderId,
    user_public_id: input.userPublicId,
    amount: input.amount,
    status: 'PENDING' as const,
    echo: input.echo === null ? null : JSON.stringify(input.echo),
    webhook_url: plan.webhookUrl,
    requested_at: now,
    mid: plan.mid,
    scenario: plan.scenario,
    effect: plan.effect === null ? null : JSON.stringify(plan.effect),
    process_after: fixed === null ? null : now + fixed,
    profile: plan.profile,
  };
}

export function toPaymentProcess(row: Row): PaymentProcess {
  return {
    id: Number(row.id),
    publicId: row.public_id,
    tid: row.tid,
    orderId: row.order_id,
    userPublicId: row.user_public_id,
    amount: Number(row.amount),
    status: row.status as PaymentStatus,
    approvalNo: row.approval_no,
    failReason: row.fail_reason as FailReason | null,
    echo: row.echo === null ? null : (JSON.parse(row.echo) as Record<string, unknown>),
    webhookUrl: row.webhook_url,
    webhookSentAt: row.webhook_sent_at === null ? null : Number(row.webhook_sent_at),
    webhookResponseCode: row.webhook_response_code,
    requestedAt: Number(row.requested_at),
    processingStartedAt: row.processing_started_at === null ? null : Number(row.processing_started_at),
    processedAt: row.processed_at === null ? null : Number(row.processed_at),
    claimToken: row.claim_token,
    mid: row.mid,
    scenario: row.scenario,
    effect: row.effect === null ? null : (JSON.parse(row.effect) as ScenarioEffect),
    processAfter: row.process_after === null ? null : Number(row.process_after),
    cancelledAt: row.cancelled_at === null ? null : Number(row.cancelled_at),
    profile: row.profile,
    decidedBy: row.decided_by as DecidedBy | null,
    cancelledAmount: Number(row.cancelled_amount),
  };
}

/** Every column a new payment is given; the rest start NULL. */
export interface NewPaymentRow {
  public_id: string;
  tid: string;
  order_id: string;
  user_public_id: string | null;
  amount: number;
  status: 'PENDING';
  echo: string | null;
  webhook_url: string;
  requested_at: number;
  mid: string | null;
  scenario: string | null;
  effect: string | null;
  process_after: number | null;
  profile: string;
}

/**
 * A row just inserted, as the domain sees it — built field by field (this
 * runs once per accepted payment: no spread, no parsing of what the caller
 * already holds).
 */
export function pendingPayment(row: NewPaymentRow, id: number, echo: Record<string, unknown> | null): PaymentProcess {
  return {
    id,
    publicId: row.public_id,
    tid: row.tid,
    orderId: row.order_id,
    userPublicId: row.user_public_id,
    amount: row.amount,
    status: 'PENDING',
    approvalNo: null,
    failReason: null,
    echo,
    webhookUrl: row.webhook_url,
    webhookSentAt: null,
    webhookResponseCode: null,
    requestedAt: row.requested_at,
    processingStartedAt: null,
    processedAt: null,
    claimToken: null,
    mid: row.mid,
    scenario: row.scenario,
    effect: row.effect === null ? null : (JSON.parse(row.effect) as ScenarioEffect),
    processAfter: row.process_after,
    cancelledAt: null,
    profile: row.profile,
    decidedBy: null,
    cancelledAmount: 0,
  };
}
