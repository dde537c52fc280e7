/**
 * Several wire contracts on one engine: each payment records the profile
 * (contract) it was taken through, so its views and webhooks are rendered in
 * that contract's words — whichever instance, and whenever. Merchants gain
 * what the hamster-world contract shows of a MID: a name, an API key and
 * when it was created. Rows from before keep the seed's contract.
 */
import type { Kysely } from 'kysely';
import type { Capabilities } from '../capabilities.js';

export async function up(db: Kysely<unknown>, caps: Capabilities): Promise<void> {
  const { instant } = caps.types;
  await db.schema
    .alterTable('payment_processes')
    .addColumn('profile', 'text', (c) => c.notNull().defaultTo('seed'))
    .execute();
  await db.schema.alterTable('merchants').addColumn('name', 'text').execute();
  await db.schema.alterTable('merchants').addColumn('api_key', 'text').execute();
  await db.schema.alterTable('merchants').addColumn('created_at', instant).execute();
}
