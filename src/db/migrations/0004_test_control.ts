/**
 * Test control: each payment keeps the merchant (MID) it was taken for, the
 * scenario rule that matched it and that rule's effect (so any instance
 * processes it the same way, whatever happens to the rules later), when it
 * may be processed (a scripted delay) and when it was cancelled. The final
 * `payments` record keeps the history (SUCCESS, then CANCELLED). Deliveries
 * can be held back, reordered or badly signed on purpose. Merchants and the
 * scenario rules are shared by every instance on the database.
 */
import type { Kysely } from 'kysely';
import type { Capabilities } from '../capabilities.js';

export async function up(db: Kysely<unknown>, caps: Capabilities): Promise<void> {
  const { instant } = caps.types;

  await db.schema.alterTable('payment_processes').addColumn('mid', 'text').execute();
  await db.schema.alterTable('payment_processes').addColumn('scenario', 'text').execute();
  await db.schema.alterTable('payment_processes').addColumn('effect', 'text').execute();
  await db.schema.alterTable('payment_processes').addColumn('process_after', instant).execute();
  await db.schema.alterTable('payment_processes').addColumn('cancelled_at', instant).execute();

  await db.schema.dropIndex('ux_payments_payment_process_id').execute();
  await db.schema
    .createIndex('ux_payments_payment_process_id_status')
    .on('payments')
    .columns(['payment_process_id', 'status'])
    .unique()
    .execute();

  await db.schema.alterTable('webhook_deliveries').addColumn('mid', 'text').execute();
  await db.schema
    .alterTable('webhook_deliveries')
    .addColumn('bad_signature', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema
    .alterTable('webhook_deliveries')
    .addColumn('reorder', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();

  await db.schema
    .createTable('merchants')
    .addColumn('mid', 'text', (c) => c.primaryKey())
    .addColumn('webhook_url', 'text', (c) => c.notNull())
    .addColumn('secrets', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('updated_at', instant, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('hamster_settings')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .execute();
}
