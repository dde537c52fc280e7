/**
 * The SQL of the final `payments` rows (the seed's "Payment (최종 결과)"):
 * one per final status a process reached — SUCCESS or FAILED, and
 * CANCELLED after a SUCCESS — written in the transaction that reaches it.
 */
import type { Insertable, Kysely } from 'kysely';
import type { DB, PaymentsTable } from '../db/schema.js';
import { bulkInsert } from './bulk.sql.js';
import type { PaymentProcess } from '../payments/payment.js';

/** The final-result rows of many finalized processes, in one statement. */
export async function insertFinalPayments(db: Kysely<DB>, list: readonly PaymentProcess[]): Promise<void> {
  if (list.length === 0) return;
  await insertRows(
    db,
    list.map((p) => ({
      payment_process_id: p.id,
      tid: p.tid,
      order_id: p.orderId,
      user_public_id: p.userPublicId,
      amount: p.amount,
      status: p.status,
      approval_no: p.approvalNo,
      fail_reason: p.failReason,
      processed_at: p.status === 'CANCELLED' ? p.cancelledAt! : p.processedAt!,
    })),
  );
}

const insertRows = bulkInsert<Insertable<PaymentsTable>>('payments', [
  ['payment_process_id', 'bigint'],
  ['tid', 'text'],
  ['order_id', 'text'],
  ['user_public_id', 'text'],
  ['amount', 'numeric'],
  ['status', 'text'],
  ['approval_no', 'text'],
  ['fail_reason', 'text'],
  ['processed_at', 'bigint'],
]);

/**
 * A final-result row for the status the process just reached (SUCCESS or
 * FAILED; CANCELLED later), written in the same transaction.
 */
export async function insertFinalPayment(db: Kysely<DB>, p: PaymentProcess): Promise<void> {
  await insertFinalPayments(db, [p]);
}
