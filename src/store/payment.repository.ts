/**
 * The SQL for payment processes and their final `payments` rows. Every status
 * change is a compare-and-set: an UPDATE whose WHERE names the status it
 * expects, so a change lost to another claimant changes nothing.
 */
import { CompiledQuery, sql, type Expression, type ExpressionBuilder, type Insertable, type Kysely, type Selectable, type SqlBool } from 'kysely';
import type { Capabilities } from '../db/capabilities.js';
import type { DB, PaymentProcessesTable } from '../db/schema.js';
import type { DecidedBy, Outcome, PaymentProcess, PaymentStatus } from '../payments/payment.js';
import { bulkInsert, recordWebhookResults as recordResults } from './bulk.sql.js';
import { pendingPayment, toPaymentProcess, type NewPaymentRow } from './payment.rows.js';

export { toPaymentProcess, type NewPaymentRow } from './payment.rows.js';

export async function insertPaymentProcess(
  db: Kysely<DB>,
  values: Insertable<PaymentProcessesTable>,
): Promise<PaymentProcess> {
  const row = await db.insertInto('payment_processes').values(values).returningAll().executeTakeFirstOrThrow();
  return toPaymentProcess(row);
}

/**
 * Many new payments in one statement (and so one commit), answered in the
 * order given: the stored payment, or null for a row skipped because its
 * tid or public id is taken (the caller retries it with fresh identifiers).
 * Only the ids the database gave are read back; the rest is what was sent
 * (`echo` as the caller parsed it, so it is not parsed again).
 */
export async function insertPendingPayments(
  db: Kysely<DB>,
  items: ReadonlyArray<{ row: NewPaymentRow; echo: Record<string, unknown> | null }>,
): Promise<Array<PaymentProcess | null>> {
  const inserted = await insertPending<{ id: number | string; public_id: string }>(
    db,
    items.map((i) => i.row),
  );
  const idOf = new Map(inserted.map((r) => [r.public_id, Number(r.id)]));
  return items.map(({ row, echo }) => {
    const id = idOf.get(row.public_id);
    return id === undefined ? null : pendingPayment(row, id, echo);
  });
}

const insertPending = bulkInsert<NewPaymentRow>(
  'payment_processes',
  [
    ['public_id', 'text'],
    ['tid', 'text'],
    ['order_id', 'text'],
    ['user_public_id', 'text'],
    ['amount', 'numeric'],
    ['status', 'text'],
    ['echo', 'text'],
    ['webhook_url', 'text'],
    ['requested_at', 'bigint'],
    ['mid', 'text'],
    ['scenario', 'text'],
    ['effect', 'text'],
    ['process_after', 'bigint'],
    ['profile', 'text'],
  ],
  { onConflictDoNothing: true, returning: ['id', 'public_id'] },
);

export async function findPaymentByTid(db: Kysely<DB>, tid: string): Promise<PaymentProcess | null> {
  const row = await db.selectFrom('payment_processes').selectAll().where('tid', '=', tid).executeTakeFirst();
  return row ? toPaymentProcess(row) : null;
}

/**
 * What the scheduler takes next, read without changing it (its finalizing
 * UPDATE claims and decides in one statement, see bulk.sql.ts
 * finalizePicked): PROCESSING payments whose claim lapsed (their worker
 * stopped), oldest claim first, then due PENDING ones, oldest first — at most
 * `limit` in all. On PostgreSQL the rows stay locked until the transaction
 * ends (SKIP LOCKED): concurrent schedulers read disjoint rows. Fixed texts,
 * the statuses as literals so the planners use the partial indexes.
 */
export async function pickDuePayments(
  db: Kysely<DB>,
  caps: Capabilities,
  { limit, now, startedBefore }: { limit: number; now: number; startedBefore: number },
): Promise<{ lapsed: PaymentProcess[]; due: PaymentProcess[] }> {
  const texts = PICK_TEXTS[caps.name];
  const lapsed = await db.executeQuery<PaymentProcessRow>(CompiledQuery.raw(texts.lapsed, [startedBefore, limit]));
  const left = limit - lapsed.rows.length;
  const due = left > 0 ? (await db.executeQuery<PaymentProcessRow>(CompiledQuery.raw(texts.due, [now, left]))).rows : [];
  return { lapsed: lapsed.rows.map(toPaymentProcess), due: due.map(toPaymentProcess) };
}

type PaymentProcessRow = Selectable<PaymentProcessesTable>;

const pickTexts = (p1: string, p2: string, lock: string) => ({
  lapsed: `select * from payment_processes where status = 'PROCESSING' and processing_started_at < ${p1} order by processing_started_at limit ${p2}${lock}`,
  due: `select * from payment_processes where status = 'PENDING' and (process_after is null or process_after <= ${p1}) order by id limit ${p2}${lock}`,
});
const PICK_TEXTS = { sqlite: pickTexts('?', '?', ''), postgres: pickTexts('$1', '$2', ' for update skip locked') };

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
    eb.and([eb(sql.ref('status'), '=', PENDING), eb.or([eb('process_after', 'is', null), eb('process_after', '<=', args.now)])]),
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
  // Oldest lease first: the order the partial index on PROCESSING rows keeps.
  return claim(
    db,
    caps,
    args,
    (eb) => eb.and([eb(sql.ref('status'), '=', PROCESSING), eb('processing_started_at', '<', args.startedBefore)]),
    'processing_started_at',
  );
}

/**
 * Written into the SQL as literals, not bound as parameters: only then can
 * the planner match them to the partial indexes on PENDING and PROCESSING
 * rows (a parameter's value is unknown when a statement is planned).
 */
const PENDING = sql.lit('PENDING');
const PROCESSING = sql.lit('PROCESSING');

type Filter = (eb: ExpressionBuilder<DB, 'payment_processes'>) => Expression<SqlBool>;

async function claim(
  db: Kysely<DB>,
  caps: Capabilities,
  { limit, now, token, by }: { limit: number; now: number; token: string; by: string },
  filter: Filter,
  order: 'id' | 'processing_started_at' = 'id',
): Promise<PaymentProcess[]> {
  const picking = db.selectFrom('payment_processes').select('id').where(filter).orderBy(order).limit(limit);
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
    decidedBy: DecidedBy;
  },
): Promise<PaymentProcess | null> {
  const { id, from, outcome, approvalNo, now, claimToken, decidedBy } = args;
  let update = db
    .updateTable('payment_processes')
    .set({
      status: outcome.status,
      approval_no: outcome.status === 'SUCCESS' ? approvalNo : null,
      fail_reason: outcome.status === 'FAILED' ? outcome.reason : null,
      processed_at: now,
      decided_by: decidedBy,
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

/**
 * Cancels `amount` more of a SUCCESS payment — CANCELLED once nothing is
 * left, SUCCESS (partly cancelled) before — only if it is still SUCCESS and
 * nothing else was cancelled since it was read (`cancelledBefore`). Null when
 * either changed.
 */
export async function cancelPaymentProcess(
  db: Kysely<DB>,
  args: { id: number; amount: number; cancelledBefore: number; whole: boolean; now: number },
): Promise<PaymentProcess | null> {
  const row = await db
    .updateTable('payment_processes')
    .set({ status: args.whole ? 'CANCELLED' : 'SUCCESS', cancelled_at: args.now, cancelled_amount: args.cancelledBefore + args.amount })
    .where('id', '=', args.id)
    .where('status', '=', 'SUCCESS')
    .where('cancelled_amount', '=', args.cancelledBefore)
    .returningAll()
    .executeTakeFirst();
  return row ? toPaymentProcess(row) : null;
}

/**
 * After webhook attempts: each payment's receiver's last HTTP code, and the
 * time of its first successful (2xx) delivery, which is never moved
 * afterwards. Attempts are given in the order they finished; several of one
 * payment (a duplicated webhook) fold into one row — the last code, the first
 * delivery time — so one statement updates each payment once.
 */
export async function recordWebhookResults(db: Kysely<DB>, attempts: WebhookResults): Promise<void> {
  await recordResults(db, foldWebhookResults(attempts));
}

type WebhookResults = ReadonlyArray<{ paymentId: number; responseCode: number | null; deliveredAt: number | null }>;

/** recordWebhookResults' rows: one per payment, `[paymentId, last code, first delivery time]`. */
export function foldWebhookResults(attempts: WebhookResults): Array<[number, number | null, number | null]> {
  const byPayment = new Map<number, [number, number | null, number | null]>();
  for (const { paymentId, responseCode, deliveredAt } of attempts) {
    const row = byPayment.get(paymentId);
    if (row === undefined) byPayment.set(paymentId, [paymentId, responseCode, deliveredAt]);
    else {
      row[1] = responseCode;
      row[2] ??= deliveredAt;
    }
  }
  return [...byPayment.values()];
}
