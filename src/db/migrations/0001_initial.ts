/**
 * The seed's payment_processes table (every column it lists), the final
 * `payments` table, and the webhook outbox with its attempt log.
 */
import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { Capabilities } from '../capabilities.js';

export async function up(db: Kysely<unknown>, caps: Capabilities): Promise<void> {
  const { id, instant, amount } = caps.types;

  await db.schema
    .createTable('payment_processes')
    .addColumn('id', id, caps.autoId)
    .addColumn('public_id', 'text', (c) => c.notNull())
    .addColumn('tid', 'text', (c) => c.notNull())
    .addColumn('order_id', 'text', (c) => c.notNull())
    .addColumn('user_public_id', 'text')
    .addColumn('amount', amount, (c) => c.notNull())
    .addColumn('status', 'text', (c) =>
      c.notNull().check(sqlIn('status', ['PENDING', 'PROCESSING', 'SUCCESS', 'FAILED', 'CANCELLED'])),
    )
    .addColumn('approval_no', 'text')
    .addColumn('fail_reason', 'text')
    .addColumn('echo', 'text')
    .addColumn('webhook_url', 'text', (c) => c.notNull())
    .addColumn('webhook_sent_at', instant)
    .addColumn('webhook_response_code', 'integer')
    .addColumn('requested_at', instant, (c) => c.notNull())
    .addColumn('processing_started_at', instant)
    .addColumn('processed_at', instant)
    .execute();
  await db.schema.createIndex('ux_payment_processes_tid').on('payment_processes').column('tid').unique().execute();
  await db.schema
    .createIndex('ux_payment_processes_public_id')
    .on('payment_processes')
    .column('public_id')
    .unique()
    .execute();
  await db.schema
    .createIndex('ux_payment_processes_approval_no')
    .on('payment_processes')
    .column('approval_no')
    .unique()
    .execute();
  // The scheduler's claim: WHERE status = 'PENDING' ORDER BY id LIMIT n.
  await db.schema
    .createIndex('ix_payment_processes_status_id')
    .on('payment_processes')
    .columns(['status', 'id'])
    .execute();
  await db.schema.createIndex('ix_payment_processes_order_id').on('payment_processes').column('order_id').execute();

  await db.schema
    .createTable('payments')
    .addColumn('id', id, caps.autoId)
    .addColumn('payment_process_id', id, (c) => c.notNull().references('payment_processes.id'))
    .addColumn('tid', 'text', (c) => c.notNull())
    .addColumn('order_id', 'text', (c) => c.notNull())
    .addColumn('user_public_id', 'text')
    .addColumn('amount', amount, (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('approval_no', 'text')
    .addColumn('fail_reason', 'text')
    .addColumn('processed_at', instant, (c) => c.notNull())
    .execute();
  // One final result per process: a second finalization cannot slip in.
  await db.schema
    .createIndex('ux_payments_payment_process_id')
    .on('payments')
    .column('payment_process_id')
    .unique()
    .execute();

  await db.schema
    .createTable('webhook_deliveries')
    .addColumn('id', id, caps.autoId)
    .addColumn('payment_process_id', id, (c) => c.notNull().references('payment_processes.id'))
    .addColumn('tid', 'text', (c) => c.notNull())
    .addColumn('event_status', 'text', (c) => c.notNull())
    .addColumn('origin', 'text', (c) => c.notNull())
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull().check(sqlIn('state', ['PENDING', 'HELD', 'SENDING', 'DELIVERED', 'DEAD'])))
    .addColumn('attempt_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('due_at', instant, (c) => c.notNull())
    .addColumn('created_at', instant, (c) => c.notNull())
    .addColumn('delivered_at', instant)
    .addColumn('last_response_code', 'integer')
    .addColumn('last_error', 'text')
    .execute();
  // The dispatcher's claim: WHERE state IN ('PENDING','SENDING') AND due_at <= now ORDER BY due_at.
  await db.schema
    .createIndex('ix_webhook_deliveries_state_due_at')
    .on('webhook_deliveries')
    .columns(['state', 'due_at'])
    .execute();
  await db.schema
    .createIndex('ix_webhook_deliveries_payment_process_id')
    .on('webhook_deliveries')
    .column('payment_process_id')
    .execute();

  await db.schema
    .createTable('webhook_attempts')
    .addColumn('id', id, caps.autoId)
    .addColumn('delivery_id', id, (c) => c.notNull().references('webhook_deliveries.id'))
    .addColumn('payment_process_id', id, (c) => c.notNull().references('payment_processes.id'))
    .addColumn('attempt_no', 'integer', (c) => c.notNull())
    .addColumn('attempted_at', instant, (c) => c.notNull())
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('response_code', 'integer')
    .addColumn('error', 'text')
    .addColumn('duration_ms', 'integer', (c) => c.notNull())
    .addColumn('response_body', 'text')
    .execute();
  await db.schema
    .createIndex('ix_webhook_attempts_payment_process_id')
    .on('webhook_attempts')
    .column('payment_process_id')
    .execute();
}

function sqlIn(column: string, values: readonly string[]): RawBuilder<unknown> {
  return sql`${sql.ref(column)} in (${sql.join(values.map((v) => sql.lit(v)))})`;
}
