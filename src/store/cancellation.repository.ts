/** The SQL for a payment's cancellations (whole or partial), oldest first. */
import type { Kysely, Selectable } from 'kysely';
import type { DB, PaymentCancellationsTable } from '../db/schema.js';
import type { Cancellation } from '../payments/payment.js';

function toCancellation(row: Selectable<PaymentCancellationsTable>): Cancellation {
  return {
    id: row.public_id,
    amount: Number(row.amount),
    taxFreeAmount: Number(row.tax_free_amount),
    vatAmount: row.vat_amount === null ? null : Number(row.vat_amount),
    reason: row.reason,
    cancelledAt: Number(row.cancelled_at),
  };
}

export async function insertCancellation(db: Kysely<DB>, paymentId: number, c: Cancellation): Promise<void> {
  await db
    .insertInto('payment_cancellations')
    .values({
      payment_process_id: paymentId,
      public_id: c.id,
      amount: c.amount,
      tax_free_amount: c.taxFreeAmount,
      vat_amount: c.vatAmount,
      reason: c.reason,
      cancelled_at: c.cancelledAt,
    })
    .execute();
}

/** The cancellations of each payment asked for, by payment id (payments without any are absent). */
export async function listCancellations(db: Kysely<DB>, paymentIds: readonly number[]): Promise<Map<number, Cancellation[]>> {
  const out = new Map<number, Cancellation[]>();
  if (paymentIds.length === 0) return out;
  const rows = await db
    .selectFrom('payment_cancellations')
    .selectAll()
    .where('payment_process_id', 'in', [...paymentIds])
    .orderBy('payment_process_id')
    .orderBy('id')
    .execute();
  for (const row of rows) {
    const id = Number(row.payment_process_id);
    const list = out.get(id) ?? [];
    list.push(toCancellation(row));
    out.set(id, list);
  }
  return out;
}
