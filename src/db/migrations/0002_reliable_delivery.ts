/**
 * Reliable delivery: a claim token on payment processes (fencing of the
 * PROCESSING lease), a stable webhook id per delivery (Standard Webhooks
 * `webhook-id`), the signature sent with each attempt, idempotency keys, and
 * leased Snowflake worker ids (so processes sharing a database never mint the
 * same public id).
 */
import { sql, type Kysely } from 'kysely';
import type { Capabilities } from '../capabilities.js';

export async function up(db: Kysely<unknown>, caps: Capabilities): Promise<void> {
  const { id, instant } = caps.types;

  await db.schema.alterTable('payment_processes').addColumn('claim_token', 'text').execute();
  // Expired PROCESSING leases are found by status, then by age.
  await db.schema
    .createIndex('ix_payment_processes_status_started')
    .on('payment_processes')
    .columns(['status', 'processing_started_at'])
    .execute();

  await db.schema.alterTable('webhook_deliveries').addColumn('webhook_id', 'text').execute();
  await sql`update webhook_deliveries set webhook_id = 'msg_' || (
      select public_id from payment_processes p where p.id = webhook_deliveries.payment_process_id
    ) || '_' || lower(event_status)`.execute(db);

  await db.schema.alterTable('webhook_attempts').addColumn('signature', 'text').execute();

  await db.schema
    .createTable('idempotency_keys')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('request_hash', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('response_code', 'integer')
    .addColumn('response_body', 'text')
    .addColumn('payment_process_id', id)
    .addColumn('created_at', instant, (c) => c.notNull())
    .addColumn('locked_until', instant, (c) => c.notNull())
    .addColumn('expires_at', instant, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('ix_idempotency_keys_expires_at').on('idempotency_keys').column('expires_at').execute();

  await db.schema
    .createTable('snowflake_workers')
    .addColumn('worker_id', 'integer', (c) => c.primaryKey())
    .addColumn('instance_id', 'text', (c) => c.notNull())
    .addColumn('leased_at', instant, (c) => c.notNull())
    .addColumn('heartbeat_at', instant, (c) => c.notNull())
    .execute();
}
