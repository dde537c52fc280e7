/**
 * Who decided a payment's outcome — a scenario rule, the success rate
 * (random), or the manual trigger — so a payment the trigger finalized no
 * longer reads as decided by the rule that matched it at acceptance.
 * Payments finalized before keep NULL (not known).
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('payment_processes').addColumn('decided_by', 'text').execute();
}
