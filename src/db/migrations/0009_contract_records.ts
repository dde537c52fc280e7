/**
 * What a contract keeps besides payments: amounts fixed before a payment
 * is made (PortOne's pre-registration) and billing keys (a card kept for
 * later payments), each scoped to its contract and merchant (store).
 */
import type { Kysely } from 'kysely';
import type { Capabilities } from '../capabilities.js';

export async function up(db: Kysely<unknown>, caps: Capabilities): Promise<void> {
  const { instant, amount } = caps.types;
  await db.schema
    .createTable('pre_registrations')
    .addColumn('profile', 'text', (c) => c.notNull())
    .addColumn('mid', 'text', (c) => c.notNull())
    .addColumn('order_id', 'text', (c) => c.notNull())
    .addColumn('amount', amount)
    .addColumn('tax_free_amount', amount)
    .addColumn('currency', 'text')
    .addColumn('created_at', instant, (c) => c.notNull())
    .addPrimaryKeyConstraint('pk_pre_registrations', ['profile', 'mid', 'order_id'])
    .execute();
  await db.schema
    .createTable('billing_keys')
    .addColumn('billing_key', 'text', (c) => c.primaryKey())
    .addColumn('profile', 'text', (c) => c.notNull())
    .addColumn('mid', 'text', (c) => c.notNull())
    /** What the contract shows of it (masked card, customer, channel) as JSON. */
    .addColumn('details', 'text', (c) => c.notNull())
    .addColumn('issued_at', instant, (c) => c.notNull())
    .addColumn('deleted_at', instant)
    .execute();
}
