/** The SQL behind the dashboard: filtered, paged lists and the overview's counts. */
import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import type { PaymentProcess, PaymentStatus } from '../payments/payment.js';
import { toPaymentProcess } from './payment.repository.js';

export interface PaymentFilter {
  status?: PaymentStatus;
  /** requested_at ≥ from, < to (epoch ms). */
  from?: number;
  to?: number;
  /** Order ids starting with this. */
  orderId?: string;
  tid?: string;
  mid?: string;
  profile?: string;
  /** Paging: only ids below this (the previous page's last). */
  before?: number;
  limit: number;
}

const likePrefix = (text: string) => `${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** Newest first. */
export async function listPayments(db: Kysely<DB>, f: PaymentFilter): Promise<PaymentProcess[]> {
  let q = db.selectFrom('payment_processes').selectAll();
  if (f.status) q = q.where('status', '=', f.status);
  if (f.from !== undefined) q = q.where('requested_at', '>=', f.from);
  if (f.to !== undefined) q = q.where('requested_at', '<', f.to);
  if (f.orderId) q = q.where(sql<boolean>`order_id like ${likePrefix(f.orderId)} escape '\\'`);
  if (f.tid) q = q.where('tid', '=', f.tid);
  if (f.mid) q = q.where('mid', '=', f.mid);
  if (f.profile) q = q.where('profile', '=', f.profile);
  if (f.before !== undefined) q = q.where('id', '<', f.before);
  const rows = await q.orderBy('id', 'desc').limit(f.limit).execute();
  return rows.map(toPaymentProcess);
}

export interface Overview {
  /** The instant the counts were taken at (the service's clock). */
  now: number;
  counts: Record<string, number>;
  deliveries: Record<string, number>;
  attempts: { total: number; delivered: number };
  backlog: { pendingPayments: number; dueDeliveries: number };
  /** Per minute since `since`: accepted and finalized payments. */
  perMinute: Array<{ minute: number; accepted: number; finalized: number }>;
}

export async function overview(db: Kysely<DB>, args: { now: number; since: number }): Promise<Overview> {
  const [byStatus, byState, attempts, due, accepted, finalized] = await Promise.all([
    db.selectFrom('payment_processes').select(['status', (eb) => eb.fn.countAll().as('n')]).groupBy('status').execute(),
    db.selectFrom('webhook_deliveries').select(['state', (eb) => eb.fn.countAll().as('n')]).groupBy('state').execute(),
    db
      .selectFrom('webhook_attempts')
      .select((eb) => [
        eb.fn.countAll().as('total'),
        eb.fn.sum<number>(sql`case when response_code between 200 and 299 then 1 else 0 end`).as('delivered'),
      ])
      .executeTakeFirstOrThrow(),
    db
      .selectFrom('webhook_deliveries')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('state', '=', 'PENDING')
      .where('due_at', '<=', args.now)
      .executeTakeFirstOrThrow(),
    perMinute(db, 'requested_at', args.since),
    perMinute(db, 'processed_at', args.since),
  ]);
  const counts = Object.fromEntries(byStatus.map((r) => [r.status, Number(r.n)]));
  const minutes = new Map<number, { minute: number; accepted: number; finalized: number }>();
  const at = (m: number) => minutes.get(m) ?? minutes.set(m, { minute: m, accepted: 0, finalized: 0 }).get(m)!;
  for (const r of accepted) at(r.minute).accepted = r.n;
  for (const r of finalized) at(r.minute).finalized = r.n;
  return {
    now: args.now,
    counts,
    deliveries: Object.fromEntries(byState.map((r) => [r.state, Number(r.n)])),
    attempts: { total: Number(attempts.total), delivered: Number(attempts.delivered ?? 0) },
    backlog: { pendingPayments: (counts.PENDING ?? 0) + (counts.PROCESSING ?? 0), dueDeliveries: Number(due.n) },
    perMinute: [...minutes.values()].sort((a, b) => a.minute - b.minute),
  };
}

async function perMinute(db: Kysely<DB>, column: 'requested_at' | 'processed_at', since: number) {
  const minute = sql<number>`${sql.ref(column)} / 60000`;
  const rows = await db
    .selectFrom('payment_processes')
    .select([minute.as('minute'), (eb) => eb.fn.countAll().as('n')])
    .where(column, '>=', since)
    .groupBy(minute)
    .execute();
  return rows.map((r) => ({ minute: Number(r.minute), n: Number(r.n) }));
}

/** Work waiting: payments not final yet, and webhooks due now. Cheap (partial indexes), for every metrics scrape. */
export async function backlog(db: Kysely<DB>, now: number): Promise<{ pendingPayments: number; dueDeliveries: number }> {
  const count = (status: 'PENDING' | 'PROCESSING') =>
    db
      .selectFrom('payment_processes')
      .select((eb) => eb.fn.countAll().as('n'))
      .where(sql.ref('status'), '=', sql.lit(status))
      .executeTakeFirstOrThrow();
  const [pending, processing, due] = await Promise.all([
    count('PENDING'),
    count('PROCESSING'),
    db
      .selectFrom('webhook_deliveries')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('state', '=', 'PENDING')
      .where('due_at', '<=', now)
      .executeTakeFirstOrThrow(),
  ]);
  return { pendingPayments: Number(pending.n) + Number(processing.n), dueDeliveries: Number(due.n) };
}

/** Final payments of one contract, for a contract's own paged lists (newest result first). */
export interface FinalPaymentFilter {
  profile: string;
  statuses: readonly PaymentStatus[];
  mid?: string;
  /** Order ids containing this. */
  orderId?: string;
  /** processed_at ≥ from, < to (epoch ms). */
  processedFrom?: number;
  processedTo?: number;
}

export async function pageFinalPayments(
  db: Kysely<DB>,
  f: FinalPaymentFilter,
  page: { offset: number; limit: number | null },
): Promise<{ items: PaymentProcess[]; total: number }> {
  let q = db.selectFrom('payment_processes').where('profile', '=', f.profile).where('status', 'in', f.statuses);
  if (f.mid) q = q.where('mid', '=', f.mid);
  if (f.orderId) q = q.where(sql<boolean>`order_id like ${`%${f.orderId.replace(/[\\%_]/g, (c) => `\\${c}`)}%`} escape '\\'`);
  if (f.processedFrom !== undefined) q = q.where('processed_at', '>=', f.processedFrom);
  if (f.processedTo !== undefined) q = q.where('processed_at', '<', f.processedTo);
  const ordered = q.selectAll().orderBy('processed_at', 'desc').orderBy('id', 'desc');
  // SQLite needs a LIMIT before an OFFSET: -1 is its "no limit"; a whole list has no offset.
  const items = page.limit === null ? ordered : ordered.limit(page.limit).offset(page.offset);
  const [rows, count] = await Promise.all([items.execute(), q.select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()]);
  return { items: rows.map(toPaymentProcess), total: Number(count.n) };
}

/** Per payment: how many webhook attempts were made, and when the last one was. */
export async function attemptSummaries(
  db: Kysely<DB>,
  paymentIds: readonly number[],
): Promise<Map<number, { count: number; lastAt: number }>> {
  if (paymentIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('webhook_attempts')
    .select((eb) => ['payment_process_id', eb.fn.countAll().as('n'), eb.fn.max('attempted_at').as('last')])
    .where('payment_process_id', 'in', paymentIds)
    .groupBy('payment_process_id')
    .execute();
  return new Map(rows.map((r) => [Number(r.payment_process_id), { count: Number(r.n), lastAt: Number(r.last) }]));
}
