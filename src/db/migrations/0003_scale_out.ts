/**
 * Scale-out: which instance holds (or last held) each claim, so operators —
 * and the multi-instance tests — can see work spread and taken over.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('payment_processes').addColumn('claimed_by', 'text').execute();
  await db.schema.alterTable('webhook_deliveries').addColumn('claimed_by', 'text').execute();
}
