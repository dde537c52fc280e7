/** The SQL of the webhook attempt log — every HTTP attempt of every delivery — and of recording attempts with their deliveries' moves. */
import { CompiledQuery, type Insertable, type Kysely, type Selectable } from 'kysely';
import type { DB, WebhookAttemptsTable } from '../db/schema.js';
import { bulkInsert, fusedPostgres, moveDeliveriesOn, recordWebhookResults as recordResults } from './bulk.sql.js';
import type { Delivery, NextState } from './delivery.repository.js';

export interface Attempt {
  id: number;
  deliveryId: number;
  attemptNo: number;
  attemptedAt: number;
  url: string;
  responseCode: number | null;
  error: string | null;
  durationMs: number;
  responseBody: string | null;
  signature: string | null;
  /** Every request header sent, as JSON text (null for attempts logged before migration 0011). */
  requestHeaders: string | null;
}

/** What one HTTP attempt produced. */
export interface AttemptResult {
  attemptedAt: number;
  url: string;
  responseCode: number | null;
  error: string | null;
  durationMs: number;
  responseBody: string | null;
  /** The `webhook-signature` header sent (null when unsigned). */
  signature: string | null;
  /** Every request header sent, as JSON text (the inspector shows the exact request). */
  requestHeaders?: string | null;
}

function toAttempt(row: Selectable<WebhookAttemptsTable>): Attempt {
  return {
    id: Number(row.id),
    deliveryId: Number(row.delivery_id),
    attemptNo: row.attempt_no,
    attemptedAt: Number(row.attempted_at),
    url: row.url,
    responseCode: row.response_code,
    error: row.error,
    durationMs: row.duration_ms,
    responseBody: row.response_body,
    signature: row.signature,
    requestHeaders: row.request_headers,
  };
}

type AttemptItems = ReadonlyArray<{ delivery: { id: number; paymentId: number | null; attemptCount: number }; result: AttemptResult }>;

/** Logs attempts, one row each, in one statement (the delivery's move is the caller's). */
export async function insertAttempts(db: Kysely<DB>, items: AttemptItems): Promise<void> {
  await insertRows(db, attemptRows(items));
}

/** The attempts' rows, as `insertAttempts` writes them. */
function attemptRows(items: AttemptItems): Array<Insertable<WebhookAttemptsTable>> {
  return items.map(({ delivery, result }) => ({
    delivery_id: delivery.id,
    payment_process_id: delivery.paymentId,
    attempt_no: delivery.attemptCount,
    attempted_at: result.attemptedAt,
    url: result.url,
    response_code: result.responseCode,
    error: result.error,
    duration_ms: result.durationMs,
    response_body: result.responseBody,
    signature: result.signature,
    request_headers: result.requestHeaders ?? null,
  }));
}

/** The INSERT that logs attempts, and its rows' values for `items` (a fused statement's part). */
export const attemptsInsert = {
  text: (dialect: 'postgres') => insertRows.text(dialect),
  values: (items: AttemptItems) => insertRows.values(attemptRows(items)),
};

const insertRows = bulkInsert<Insertable<WebhookAttemptsTable>>('webhook_attempts', [
  ['delivery_id', 'bigint'],
  ['payment_process_id', 'bigint'],
  ['attempt_no', 'integer'],
  ['attempted_at', 'bigint'],
  ['url', 'text'],
  ['response_code', 'integer'],
  ['error', 'text'],
  ['duration_ms', 'integer'],
  ['response_body', 'text'],
  ['signature', 'text'],
  ['request_headers', 'text'],
]);

/**
 * Records attempts and moves their deliveries on, each only if its sender
 * still holds the claim it made (same attempt number, still SENDING). Returns,
 * for each, whether the claim was still held; every attempt is logged either
 * way. Many at once: one INSERT for the log, one UPDATE for the moves.
 */
export async function completeAttempts(db: Kysely<DB>, items: CompletedAttempts): Promise<boolean[]> {
  if (items.length === 0) return [];
  await insertAttempts(db, items);
  return stillHeld(items, await moveDeliveriesOn<{ id: number | string }>(db, moveRows(items)));
}

/**
 * On PostgreSQL, completeAttempts and the payments' webhook fields
 * (`webhookResults`: recordWebhookResults' folded rows) as ONE statement —
 * one round trip instead of five (BEGIN, three statements, COMMIT), and as
 * atomic. Answers as completeAttempts does.
 */
export async function completeAttemptsAtOnce(db: Kysely<DB>, items: CompletedAttempts, webhookResults: readonly unknown[][]): Promise<boolean[]> {
  if (items.length === 0) return [];
  COMPLETE_AT_ONCE ??= fusedPostgres(attemptsInsert, recordResults, moveDeliveriesOn);
  const parameters = [attemptsInsert.values(items), webhookResults, moveRows(items)].map((rows) => JSON.stringify(rows));
  const moved = await db.executeQuery<{ id: number | string }>(CompiledQuery.raw(COMPLETE_AT_ONCE, parameters));
  return stillHeld(items, moved.rows);
}
let COMPLETE_AT_ONCE: string | undefined;

type CompletedAttempts = ReadonlyArray<{ delivery: Delivery; result: AttemptResult; next: NextState }>;

/** Each delivery's move after its attempt, as moveDeliveriesOn takes it. */
const moveRows = (items: CompletedAttempts) =>
  items.map(({ delivery, result, next }) => [
    delivery.id,
    delivery.attemptCount,
    next.state,
    next.state === 'PENDING' ? next.dueAt : delivery.dueAt,
    next.state === 'DELIVERED' ? next.at : null,
    result.responseCode,
    result.error,
  ]);

/** For each item, whether its delivery moved (its sender still held the claim). */
function stillHeld(items: CompletedAttempts, moved: ReadonlyArray<{ id: number | string }>): boolean[] {
  const ids = new Set(moved.map((r) => Number(r.id)));
  return items.map(({ delivery }) => ids.has(delivery.id));
}

export async function listAttempts(db: Kysely<DB>, paymentId: number): Promise<Attempt[]> {
  const rows = await db
    .selectFrom('webhook_attempts')
    .selectAll()
    .where('payment_process_id', '=', paymentId)
    .orderBy('id')
    .execute();
  return rows.map(toAttempt);
}

/** The attempts of one delivery, oldest first (the webhook inspector). */
export async function listDeliveryAttempts(db: Kysely<DB>, deliveryId: number): Promise<Attempt[]> {
  const rows = await db.selectFrom('webhook_attempts').selectAll().where('delivery_id', '=', deliveryId).orderBy('id').execute();
  return rows.map(toAttempt);
}
