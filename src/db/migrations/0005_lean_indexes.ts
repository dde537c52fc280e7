/**
 * Leaner indexes for the hot paths. The claim queries only ever look at
 * PENDING and PROCESSING payments, so they get partial indexes holding just
 * those rows: small and hot however many final payments the store keeps, and
 * a finalized payment leaves them. Approval numbers are unique among the
 * payments that have one (a partial unique index skips the NULLs of every
 * PENDING row).
 */
import type { Kysely } from 'kysely';
import { sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('ix_payment_processes_status_id').execute();
  await db.schema.dropIndex('ix_payment_processes_status_started').execute();
  await db.schema.dropIndex('ux_payment_processes_approval_no').execute();
  await db.schema
    .createIndex('ix_payment_processes_pending')
    .on('payment_processes')
    .column('id')
    .where(sql.ref('status'), '=', 'PENDING')
    .execute();
  await db.schema
    .createIndex('ix_payment_processes_processing')
    .on('payment_processes')
    .column('processing_started_at')
    .where(sql.ref('status'), '=', 'PROCESSING')
    .execute();
  await db.schema
    .createIndex('ux_payment_processes_approval_no')
    .on('payment_processes')
    .column('approval_no')
    .unique()
    .where(sql.ref('approval_no'), 'is not', null)
    .execute();
}
