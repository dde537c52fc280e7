/**
 * The SQL for payment processes and their final `payments` rows. Every status
 * change is a compare-and-set: an UPDATE whose WHERE names the status it
 * expects, so a change lost to another claimant changes nothing.
 */
import type { Expression, ExpressionBuilder, Insertable, Kysely, Selectable, SqlBool } from 'kysely';
import type { Capabilities } from '../db/capabilities.js';
import type { DB, PaymentProcessesTable } from '../db/schema.js';
import type { ScenarioEffect } from '../scenarios/scenario.js';
import type { FailReason, Outcome, PaymentProcess, PaymentStatus } from './payment.js';

type Row = Selectable<PaymentProcessesTable>;

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
  };
}

export async function insertPaymentProcess(
  db: Kysely<DB>,
  values: Insertable<PaymentProcessesTable>,
): Promise<PaymentProcess> {
  const row = await db.insertInto('payment_processes').values(values).returningAll().executeTakeFirstOrThrow();
  return toPaymentProcess(row);
}

export async function findPaymentByTid(db: Kysely<DB>, tid: string): Promise<PaymentProcess | null> {
  const row = await db.selectFrom('payment_processes').selectAll().where('tid', '=', tid).executeTakeFirst();
  return row ? toPaymentProcess(row) : null;
}

/**
 * PENDING → PROCESSING for up to `limit` payments, oldest first, in one
 * statement, stamped with this claim's `token`. The outer re-check of the
 * status is the compare-and-set: a row another claimant took between the
 * subselect and the update is skipped.
 */
export function claimPendingPayments(
  db: Kysely<DB>,
  caps: Capabilities,
  args: { limit: number; now: number; token: string; by: string },
): Promise<PaymentProcess[]> {
  // A payment whose scripted delay has not passed yet waits as PENDING.
  return claim(db, caps, args, (eb) =>
    eb.and([eb('status', '=', 'PENDING'), eb.or([eb('process_after', 'is', null), eb('process_after', '<=', args.now)])]),
  );
}

/**
 * Takes back PROCESSING payments whose lease ran out (their worker died or
 * hung): they get a new start time and this claim's token, so the old
 * worker's late finalization no longer matches (fencing).
 */
export function reclaimExpiredPayments(
  db: Kysely<DB>,
  caps: Capabilities,
  args: { limit: number; now: number; token: string; by: string; startedBefore: number },
): Promise<PaymentProcess[]> {
  return claim(db, caps, args, (eb) =>
    eb.and([eb('status', '=', 'PROCESSING'), eb('processing_started_at', '<', args.startedBefore)]),
  );
}

type Filter = (eb: ExpressionBuilder<DB, 'payment_processes'>) => Expression<SqlBool>;

async function claim(
  db: Kysely<DB>,
  caps: Capabilities,
  { limit, now, token, by }: { limit: number; now: number; token: string; by: string },
  filter: Filter,
): Promise<PaymentProcess[]> {
  const picking = db.selectFrom('payment_processes').select('id').where(filter).orderBy('id').limit(limit);
  const pick = caps.skipLocked ? picking.forUpdate().skipLocked() : picking;
  const rows = await db
    .updateTable('payment_processes')
    .set({ status: 'PROCESSING', processing_started_at: now, claim_token: token, claimed_by: by })
    .where(caps.idIn('id', pick))
    .where(filter)
    .returningAll()
    .execute();
  return rows.map(toPaymentProcess).sort((a, b) => a.id - b.id);
}

/**
 * `from` → SUCCESS | FAILED, only if the payment is still in one of `from`
 * and, when `claimToken` is given, still holds that claim. Returns the
 * finalized payment, or null when the compare-and-set lost.
 */
export async function finalizePaymentProcess(
  db: Kysely<DB>,
  args: {
    id: number;
    from: readonly PaymentStatus[];
    claimToken?: string;
    outcome: Outcome;
    approvalNo: string | null;
    now: number;
  },
): Promise<PaymentProcess | null> {
  const { id, from, outcome, approvalNo, now, claimToken } = args;
  let update = db
    .updateTable('payment_processes')
    .set({
      status: outcome.status,
      approval_no: outcome.status === 'SUCCESS' ? approvalNo : null,
      fail_reason: outcome.status === 'FAILED' ? outcome.reason : null,
      processed_at: now,
      // A payment the trigger finalizes straight from PENDING was never
      // "processing"; it still gets a start time so the timeline is complete.
      processing_started_at: (eb) => eb.fn.coalesce('processing_started_at', eb.val(now)),
    })
    .where('id', '=', id)
    .where('status', 'in', from);
  if (claimToken !== undefined) update = update.where('claim_token', '=', claimToken);
  const row = await update.returningAll().executeTakeFirst();
  return row ? toPaymentProcess(row) : null;
}

/** Sets the delay a scenario gave a payment (known once its id is). */
export async function setProcessAfter(db: Kysely<DB>, id: number, processAfter: number): Promise<void> {
  await db.updateTable('payment_processes').set({ process_after: processAfter }).where('id', '=', id).execute();
}

/** SUCCESS → CANCELLED, only if it is still SUCCESS. Null when it was not. */
export async function cancelPaymentProcess(db: Kysely<DB>, args: { id: number; now: number }): Promise<PaymentProcess | null> {
  const row = await db
    .updateTable('payment_processes')
    .set({ status: 'CANCELLED', cancelled_at: args.now })
    .where('id', '=', args.id)
    .where('status', '=', 'SUCCESS')
    .returningAll()
    .executeTakeFirst();
  return row ? toPaymentProcess(row) : null;
}

/**
 * A final-result row for the status the process just reached (SUCCESS or
 * FAILED; CANCELLED later), written in the same transaction.
 */
export async function insertFinalPayment(db: Kysely<DB>, p: PaymentProcess): Promise<void> {
  await db
    .insertInto('payments')
    .values({
      payment_process_id: p.id,
      tid: p.tid,
      order_id: p.orderId,
      user_public_id: p.userPublicId,
      amount: p.amount,
      status: p.status,
      approval_no: p.approvalNo,
      fail_reason: p.failReason,
      processed_at: p.status === 'CANCELLED' ? p.cancelledAt! : p.processedAt!,
    })
    .execute();
}

/**
 * After a webhook attempt: the receiver's last HTTP code, and the time of the
 * first successful (2xx) delivery, which is never moved afterwards.
 */
export async function recordWebhookResult(
  db: Kysely<DB>,
  args: { paymentId: number; responseCode: number | null; deliveredAt: number | null },
): Promise<void> {
  await db
    .updateTable('payment_processes')
    .set((eb) => ({
      webhook_response_code: args.responseCode,
      webhook_sent_at:
        args.deliveredAt === null ? eb.ref('webhook_sent_at') : eb.fn.coalesce('webhook_sent_at', eb.val(args.deliveredAt)),
    }))
    .where('id', '=', args.paymentId)
    .execute();
}
