/**
 * The webhook inspector shows the exact request of every attempt: each
 * attempt now keeps the request headers it sent (JSON text of the object the
 * dispatcher built — content type, user agent, webhook-id, -timestamp and
 * -signature). Nullable: attempts made before this keep only `signature`.
 * The body is the delivery's payload (the same bytes every time).
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('webhook_attempts').addColumn('request_headers', 'text').execute();
  // The inspector lists deliveries by state, newest first.
  await db.schema.createIndex('webhook_deliveries_state_id').on('webhook_deliveries').columns(['state', 'id']).execute();
}
