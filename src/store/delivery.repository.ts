/**
 * The SQL of the webhook outbox. A delivery is created in the transaction
 * that finalizes its payment; the dispatcher claims due ones, and each
 * attempt is recorded with the delivery's next state, atomically
 * (attempt.repository.ts).
 * A claim increments `attempt_count`; completing an attempt checks it, so a
 * sender whose lease was taken over cannot overwrite the newer claim.
 */
import { CompiledQuery, type Kysely, type Selectable } from 'kysely';
import type { Capabilities } from '../db/capabilities.js';
import type { DB, WebhookDeliveriesTable } from '../db/schema.js';
import { bulkInsert } from './bulk.sql.js';
import type { EventStatus } from '../payments/payment.js';

export type { Attempt, AttemptResult } from './attempt.repository.js';

export type DeliveryState = 'PENDING' | 'HELD' | 'SENDING' | 'DELIVERED' | 'DEAD';
export type DeliveryOrigin = 'AUTO' | 'MANUAL';
/** What a store event (a webhook about no payment) announces. */
export type StoreEvent = 'BILLING_KEY_ISSUED' | 'BILLING_KEY_DELETED';

export interface Delivery {
  id: number;
  /** The payment it announces; null for a store event (a billing key's). */
  paymentId: number | null;
  /** The payment's tid, or the subject of a store event (a billing key). */
  tid: string;
  /** The contract whose retry schedule it follows (null: the engine's). */
  profile: string | null;
  webhookId: string;
  eventStatus: EventStatus | StoreEvent;
  origin: DeliveryOrigin;
  /** The merchant whose secrets sign it (null: the global secrets). */
  mid: string | null;
  badSignature: boolean;
  reorder: boolean;
  url: string;
  payload: string;
  state: DeliveryState;
  attemptCount: number;
  dueAt: number;
  createdAt: number;
  deliveredAt: number | null;
  lastResponseCode: number | null;
  lastError: string | null;
}

/** Where a delivery goes after an attempt. */
export type NextState = { state: 'DELIVERED'; at: number } | { state: 'DEAD' } | { state: 'PENDING'; dueAt: number };

export function toDelivery(row: Selectable<WebhookDeliveriesTable>): Delivery {
  return {
    id: Number(row.id),
    paymentId: row.payment_process_id === null ? null : Number(row.payment_process_id),
    tid: row.tid,
    profile: row.profile,
    webhookId: row.webhook_id,
    eventStatus: row.event_status as EventStatus | StoreEvent,
    origin: row.origin as DeliveryOrigin,
    mid: row.mid,
    badSignature: row.bad_signature === 1,
    reorder: row.reorder === 1,
    url: row.url,
    payload: row.payload,
    state: row.state as DeliveryState,
    attemptCount: row.attempt_count,
    dueAt: Number(row.due_at),
    createdAt: Number(row.created_at),
    deliveredAt: row.delivered_at === null ? null : Number(row.delivered_at),
    lastResponseCode: row.last_response_code,
    lastError: row.last_error,
  };
}

/**
 * A new delivery. With `claimedUntil` it starts already claimed by the caller
 * (the manual trigger sends it itself); otherwise it is due now.
 */
export async function createDelivery(db: Kysely<DB>, args: NewDeliveryArgs): Promise<Delivery> {
  const [delivery] = await createDeliveries(db, [args]);
  return delivery!;
}

/**
 * Many new deliveries in one statement; returned in the order given. Only
 * the ids are read back (ids are given in the order of the VALUES); the rest
 * is what was written.
 */
export async function createDeliveries(db: Kysely<DB>, list: readonly NewDeliveryArgs[]): Promise<Delivery[]> {
  if (list.length === 0) return [];
  const rows = list.map(deliveryRow);
  const made = await insertDeliveries<{ id: number | string }>(db, rows);
  const ids = made.map((r) => Number(r.id)).sort((a, b) => a - b);
  return rows.map((row, i) => ({
    id: ids[i]!,
    paymentId: row.payment_process_id,
    tid: row.tid,
    profile: row.profile,
    webhookId: row.webhook_id,
    eventStatus: row.event_status,
    origin: row.origin,
    mid: row.mid,
    badSignature: row.bad_signature === 1,
    reorder: row.reorder === 1,
    url: row.url,
    payload: row.payload,
    state: row.state,
    attemptCount: row.attempt_count,
    dueAt: row.due_at,
    createdAt: row.created_at,
    deliveredAt: null,
    lastResponseCode: null,
    lastError: null,
  }));
}

const insertDeliveries = bulkInsert<ReturnType<typeof deliveryRow>>(
  'webhook_deliveries',
  [
    ['payment_process_id', 'bigint'],
    ['tid', 'text'],
    ['profile', 'text'],
    ['webhook_id', 'text'],
    ['event_status', 'text'],
    ['origin', 'text'],
    ['url', 'text'],
    ['payload', 'text'],
    ['state', 'text'],
    ['mid', 'text'],
    ['bad_signature', 'integer'],
    ['reorder', 'integer'],
    ['attempt_count', 'integer'],
    ['due_at', 'bigint'],
    ['created_at', 'bigint'],
    ['claimed_by', 'text'],
  ],
  { returning: ['id'] },
);

function deliveryRow(args: NewDeliveryArgs) {
  const claimed = args.claimedUntil !== undefined;
  const state: DeliveryState = claimed ? 'SENDING' : args.held ? 'HELD' : 'PENDING';
  return {
    payment_process_id: args.paymentId,
    tid: args.tid,
    profile: args.profile ?? null,
    webhook_id: args.webhookId,
    event_status: args.eventStatus,
    origin: args.origin,
    url: args.url,
    payload: args.payload,
    state,
    mid: args.mid,
    bad_signature: args.badSignature ? 1 : 0,
    reorder: args.reorder ? 1 : 0,
    attempt_count: claimed ? 1 : 0,
    due_at: args.claimedUntil ?? args.dueAt ?? args.now,
    created_at: args.now,
    claimed_by: claimed ? (args.claimedBy ?? null) : null,
  };
}

export interface NewDeliveryArgs
  extends Pick<Delivery, 'paymentId' | 'tid' | 'webhookId' | 'eventStatus' | 'origin' | 'mid' | 'url' | 'payload'> {
  profile?: string | null;
  now: number;
  /** HELD: not sent until claimed by a re-send or the trigger. */
  held?: boolean;
  badSignature?: boolean;
  reorder?: boolean;
  /** When the first attempt is due (default: now). */
  dueAt?: number;
  /** With `claimedBy`: the caller holds the claim until then. */
  claimedUntil?: number;
  claimedBy?: string;
}

/**
 * Claims up to `limit` deliveries that are due — PENDING ones whose time has
 * come, and SENDING ones whose claim's lease ran out (their sender died) —
 * in one statement, marking them SENDING until `leaseUntil`.
 */
export async function claimDueDeliveries(
  db: Kysely<DB>,
  caps: Capabilities,
  { limit, now, leaseUntil, by }: { limit: number; now: number; leaseUntil: number; by: string },
): Promise<Delivery[]> {
  // A fixed text per dialect: the dispatcher polls this every few
  // milliseconds, and building it with Kysely each time cost more than
  // running it when nothing is due.
  const text = CLAIM_DUE_TEXTS[caps.name];
  const { rows } = await db.executeQuery<Selectable<WebhookDeliveriesTable>>(CompiledQuery.raw(text, [leaseUntil, by, now, limit, now]));
  return rows.map(toDelivery).sort((a, b) => a.dueAt - b.dueAt || a.id - b.id);
}

/** Parameters: lease until, claimant, now, limit, now. */
const claimDueText = (p: (n: number) => string, ids: (pick: string) => string, lock: string) =>
  `update webhook_deliveries set state = 'SENDING', due_at = ${p(1)}, attempt_count = attempt_count + 1, claimed_by = ${p(2)}
where ${ids(`select id from webhook_deliveries where state in ('PENDING', 'SENDING') and due_at <= ${p(3)} order by due_at limit ${p(4)}${lock}`)}
and state in ('PENDING', 'SENDING') and due_at <= ${p(5)}
returning *`;
const CLAIM_DUE_TEXTS = {
  sqlite: claimDueText(() => '?', (pick) => `id in (${pick})`, ''),
  postgres: claimDueText((n) => `$${n}`, (pick) => `id = any(array(${pick}))`, ' for update skip locked'),
};

/**
 * Claims one particular delivery now if it is waiting — for a retry
 * (PENDING) or for a hand (HELD) — whatever its due time: a manual re-send
 * short-cuts the wait.
 */
export async function claimWaitingDelivery(
  db: Kysely<DB>,
  args: { paymentId: number; eventStatus: EventStatus; leaseUntil: number; by: string },
): Promise<Delivery | null> {
  const row = await db
    .updateTable('webhook_deliveries')
    .set((eb) => ({ state: 'SENDING', due_at: args.leaseUntil, attempt_count: eb('attempt_count', '+', 1), claimed_by: args.by }))
    .where('id', '=', (eb) =>
      eb
        .selectFrom('webhook_deliveries')
        .select((e) => e.fn.max('id').as('id'))
        .where('payment_process_id', '=', args.paymentId)
        .where('event_status', '=', args.eventStatus)
        .where('state', 'in', ['PENDING', 'HELD']),
    )
    .where('state', 'in', ['PENDING', 'HELD'])
    .returningAll()
    .executeTakeFirst();
  return row ? toDelivery(row) : null;
}

/** The body first announced for this event of this payment: a re-send repeats it byte for byte. */
export async function firstPayload(db: Kysely<DB>, args: { paymentId: number; eventStatus: EventStatus }): Promise<string | null> {
  const row = await db
    .selectFrom('webhook_deliveries')
    .select('payload')
    .where('payment_process_id', '=', args.paymentId)
    .where('event_status', '=', args.eventStatus)
    .orderBy('id')
    .limit(1)
    .executeTakeFirst();
  return row?.payload ?? null;
}

/**
 * A webhook was delivered: `reorder` deliveries to the same URL created
 * before it are due now — they arrive after a later one, as scripted.
 */
export async function releaseReordered(db: Kysely<DB>, args: { url: string; beforeId: number; now: number }): Promise<void> {
  await db
    .updateTable('webhook_deliveries')
    .set({ due_at: args.now })
    .where('reorder', '=', 1)
    .where('state', '=', 'PENDING')
    .where('url', '=', args.url)
    .where('id', '<', args.beforeId)
    .where('due_at', '>', args.now)
    .execute();
}

export async function listDeliveries(db: Kysely<DB>, paymentId: number): Promise<Delivery[]> {
  const rows = await db
    .selectFrom('webhook_deliveries')
    .selectAll()
    .where('payment_process_id', '=', paymentId)
    .orderBy('id')
    .execute();
  return rows.map(toDelivery);
}
