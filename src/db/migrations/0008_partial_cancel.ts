/**
 * Partial cancellation in the engine: a successful payment may be cancelled
 * in parts. Each part is a row of `payment_cancellations` (its own id, the
 * amount, the tax-free and VAT parts a contract names, the reason, when);
 * `cancelled_amount` on the payment is their sum, kept by the same
 * compare-and-set that records each part, so no two parts can together
 * exceed the payment. The payment stays SUCCESS until the sum reaches its
 * amount, then becomes CANCELLED. Rows from before were cancelled whole.
 */
import { sql, type Kysely } from 'kysely';
import type { Capabilities } from '../capabilities.js';

export async function up(db: Kysely<unknown>, caps: Capabilities): Promise<void> {
  const { id, instant, amount } = caps.types;
  await db.schema
    .alterTable('payment_processes')
    .addColumn('cancelled_amount', amount, (c) => c.notNull().defaultTo(0))
    .execute();
  // A payment cancelled before this migration was cancelled whole.
  await sql`update payment_processes set cancelled_amount = amount where status = 'CANCELLED'`.execute(db);
  await db.schema
    .createTable('payment_cancellations')
    .addColumn('id', id, caps.autoId)
    .addColumn('payment_process_id', id, (c) => c.notNull().references('payment_processes.id'))
    .addColumn('public_id', 'text', (c) => c.notNull())
    .addColumn('amount', amount, (c) => c.notNull())
    .addColumn('tax_free_amount', amount, (c) => c.notNull().defaultTo(0))
    .addColumn('vat_amount', amount)
    .addColumn('reason', 'text')
    .addColumn('cancelled_at', instant, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('ix_payment_cancellations_payment')
    .on('payment_cancellations')
    .columns(['payment_process_id', 'id'])
    .execute();
  await db.schema.createIndex('ux_payment_cancellations_public_id').on('payment_cancellations').column('public_id').unique().execute();
}
