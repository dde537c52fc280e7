/**
 * The webhook inspector reads one delivery's attempts (its page, and the
 * API's `/api/webhooks/{id}`) by `delivery_id`, which had no index: on a
 * store of a million attempts each such page scanned them all. One index
 * entry per attempt recorded is the price.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createIndex('ix_webhook_attempts_delivery_id').on('webhook_attempts').columns(['delivery_id', 'id']).execute();
}
