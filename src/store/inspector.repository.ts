/**
 * The SQL behind the webhook inspector: deliveries across payments (and store
 * events) by state and filters, newest first with keyset paging, their counts
 * per state, one delivery by id, and requeueing the DEAD or HELD ones that
 * match a filter (bounded per call).
 */
import type { Kysely, SelectQueryBuilder } from 'kysely';
import type { Capabilities } from '../db/capabilities.js';
import type { DB } from '../db/schema.js';
import { toDelivery, type Delivery, type DeliveryState } from './delivery.repository.js';

export const DELIVERY_STATES = ['PENDING', 'HELD', 'SENDING', 'DELIVERED', 'DEAD'] as const satisfies readonly DeliveryState[];

/** Which deliveries: every given field must match exactly. */
export interface DeliveryFilter {
  tid?: string;
  mid?: string;
  profile?: string;
  url?: string;
}

type Query<O> = SelectQueryBuilder<DB, 'webhook_deliveries', O>;

function filtered<O>(q: Query<O>, f: DeliveryFilter): Query<O> {
  if (f.tid) q = q.where('tid', '=', f.tid);
  if (f.mid) q = q.where('mid', '=', f.mid);
  if (f.profile) q = q.where('profile', '=', f.profile);
  if (f.url) q = q.where('url', '=', f.url);
  return q;
}

/** Newest first; `before`: only ids below it (the previous page's last). */
export async function listAcross(
  db: Kysely<DB>,
  f: DeliveryFilter & { state?: DeliveryState; before?: number; limit: number },
): Promise<Delivery[]> {
  let q = filtered(db.selectFrom('webhook_deliveries').selectAll(), f);
  if (f.state) q = q.where('state', '=', f.state);
  if (f.before !== undefined) q = q.where('id', '<', f.before);
  const rows = await q.orderBy('id', 'desc').limit(f.limit).execute();
  return rows.map(toDelivery);
}

/** How many deliveries match the filter, per state (every state named, zero when none). */
export async function countByState(db: Kysely<DB>, f: DeliveryFilter): Promise<Record<DeliveryState, number>> {
  const rows = await filtered(db.selectFrom('webhook_deliveries').select(['state', (eb) => eb.fn.countAll().as('n')]), f)
    .groupBy('state')
    .execute();
  const counts = Object.fromEntries(DELIVERY_STATES.map((s) => [s, 0])) as Record<DeliveryState, number>;
  for (const r of rows) counts[r.state as DeliveryState] = Number(r.n);
  return counts;
}

export async function findDelivery(db: Kysely<DB>, id: number): Promise<Delivery | null> {
  const row = await db.selectFrom('webhook_deliveries').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? toDelivery(row) : null;
}

/** Claims this delivery if it waits (PENDING for a retry, or HELD), whatever its due time. */
export async function claimWaiting(db: Kysely<DB>, args: { id: number; leaseUntil: number; by: string }): Promise<Delivery | null> {
  const row = await db
    .updateTable('webhook_deliveries')
    .set((eb) => ({ state: 'SENDING', due_at: args.leaseUntil, attempt_count: eb('attempt_count', '+', 1), claimed_by: args.by }))
    .where('id', '=', args.id)
    .where('state', 'in', ['PENDING', 'HELD'])
    .returningAll()
    .executeTakeFirst();
  return row ? toDelivery(row) : null;
}

/**
 * Puts up to `limit` matching deliveries in `state` (DEAD or HELD), oldest
 * first, back in the queue: PENDING and due now, so the dispatcher sends them
 * at its own pace. A requeued DEAD delivery gets one more attempt (its
 * schedule is spent); a HELD one starts its schedule. Returns how many.
 */
export async function requeue(
  db: Kysely<DB>,
  caps: Capabilities,
  args: { filter: DeliveryFilter; state: 'DEAD' | 'HELD'; limit: number; now: number },
): Promise<number> {
  const picking = filtered(db.selectFrom('webhook_deliveries').select('id'), args.filter)
    .where('state', '=', args.state)
    .orderBy('id')
    .limit(args.limit);
  const pick = caps.skipLocked ? picking.forUpdate().skipLocked() : picking;
  const result = await db
    .updateTable('webhook_deliveries')
    .set({ state: 'PENDING', due_at: args.now })
    .where(caps.idIn('id', pick))
    .where('state', '=', args.state)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}
