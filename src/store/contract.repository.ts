/**
 * The SQL for what a contract asks of payments beyond their tid: the latest
 * payment a merchant made under its own order id (PortOne's paymentId), a
 * contract's filtered lists with exact counts and keyset cursors, and the
 * records a contract keeps itself (pre-registrations, billing keys).
 */
import { sql, type Kysely, type SelectQueryBuilder } from 'kysely';
import type { DB } from '../db/schema.js';
import type { PaymentProcess, PaymentStatus } from '../payments/payment.js';
import { toPaymentProcess } from './payment.repository.js';

/** The payment `orderId` names for this merchant and contract: its latest attempt. */
export async function findByOrder(db: Kysely<DB>, args: { profile: string; mid: string; orderId: string }): Promise<PaymentProcess | null> {
  const row = await db
    .selectFrom('payment_processes')
    .selectAll()
    .where('order_id', '=', args.orderId)
    .where('profile', '=', args.profile)
    .where('mid', '=', args.mid)
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row ? toPaymentProcess(row) : null;
}

/** One engine status, or SUCCESS narrowed to whether any of it was cancelled. */
export type StatusCondition = PaymentStatus | 'SUCCESS_UNCANCELLED' | 'SUCCESS_PART_CANCELLED';

export interface ContractFilter {
  profile: string;
  mid: string;
  /** Any of these (none: every status). */
  statuses?: readonly StatusCondition[];
  /** The `echo` text starts with one of these (a contract puts what it filters on first). */
  echoPrefixes?: readonly string[];
  /** Time window on `requested_at` or on the time of the current status (epoch ms; from inclusive, until exclusive). */
  timeField?: 'requested' | 'status';
  from?: number;
  until?: number;
}

/** The instant a payment reached its current status: cancelled, else processed, else requested. */
const statusTime = sql<number>`coalesce(cancelled_at, processed_at, requested_at)`;

function filtered(db: Kysely<DB>, f: ContractFilter): SelectQueryBuilder<DB, 'payment_processes', object> {
  let q = db
    .selectFrom('payment_processes')
    .where('profile', '=', f.profile)
    .where('mid', '=', f.mid)
    // An order id paid again after a failure is one payment: its latest attempt (as findByOrder reads it).
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom('payment_processes as later')
            .select(sql<number>`1`.as('one'))
            .whereRef('later.order_id', '=', 'payment_processes.order_id')
            .whereRef('later.profile', '=', 'payment_processes.profile')
            .whereRef('later.mid', '=', 'payment_processes.mid')
            .whereRef('later.id', '>', 'payment_processes.id'),
        ),
      ),
    );
  if (f.statuses && f.statuses.length > 0) {
    const statuses = f.statuses;
    q = q.where((eb) =>
      eb.or(
        statuses.map((s) =>
          s === 'SUCCESS_UNCANCELLED'
            ? eb.and([eb('status', '=', 'SUCCESS'), eb('cancelled_amount', '=', 0)])
            : s === 'SUCCESS_PART_CANCELLED'
              ? eb.and([eb('status', '=', 'SUCCESS'), eb('cancelled_amount', '>', 0)])
              : eb('status', '=', s),
        ),
      ),
    );
  }
  if (f.echoPrefixes && f.echoPrefixes.length > 0) {
    const prefixes = f.echoPrefixes;
    q = q.where((eb) => eb.or(prefixes.map((p) => eb(sql<string>`substr(echo, 1, ${p.length})`, '=', p))));
  }
  const time = f.timeField === 'status' ? statusTime : sql<number>`requested_at`;
  if (f.from !== undefined) q = q.where(time, '>=', f.from);
  if (f.until !== undefined) q = q.where(time, '<', f.until);
  return q;
}

/** A page of a contract's payments, and how many match in all. */
export async function pageContractPayments(
  db: Kysely<DB>,
  f: ContractFilter,
  page: { offset: number; limit: number; order: 'asc' | 'desc'; sortBy: 'requested' | 'status' },
): Promise<{ items: PaymentProcess[]; total: number }> {
  const sortKey = page.sortBy === 'status' ? statusTime : sql<number>`requested_at`;
  const [rows, count] = await Promise.all([
    filtered(db, f).selectAll().orderBy(sortKey, page.order).orderBy('id', page.order).offset(page.offset).limit(page.limit).execute(),
    filtered(db, f)
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow(),
  ]);
  return { items: rows.map(toPaymentProcess), total: Number(count.n) };
}

/** Oldest first, after the payment with id `afterId` (keyset paging: stable while payments are added). */
export async function contractPaymentsAfter(db: Kysely<DB>, f: ContractFilter, afterId: number, limit: number): Promise<PaymentProcess[]> {
  const rows = await filtered(db, f).selectAll().where('id', '>', afterId).orderBy('id', 'asc').limit(limit).execute();
  return rows.map(toPaymentProcess);
}

export interface PreRegistration {
  amount: number | null;
  taxFreeAmount: number | null;
  currency: string | null;
}

/** Records (or replaces) what a payment must be; false when it was already made (the caller says so). */
export async function putPreRegistration(db: Kysely<DB>, key: { profile: string; mid: string; orderId: string }, r: PreRegistration, now: number): Promise<void> {
  const values = { amount: r.amount, tax_free_amount: r.taxFreeAmount, currency: r.currency, created_at: now };
  await db
    .insertInto('pre_registrations')
    .values({ profile: key.profile, mid: key.mid, order_id: key.orderId, ...values })
    .onConflict((oc) => oc.columns(['profile', 'mid', 'order_id']).doUpdateSet(values))
    .execute();
}

export async function findPreRegistration(db: Kysely<DB>, key: { profile: string; mid: string; orderId: string }): Promise<PreRegistration | null> {
  const row = await db
    .selectFrom('pre_registrations')
    .selectAll()
    .where('profile', '=', key.profile)
    .where('mid', '=', key.mid)
    .where('order_id', '=', key.orderId)
    .executeTakeFirst();
  if (!row) return null;
  const num = (v: number | null) => (v === null ? null : Number(v));
  return { amount: num(row.amount), taxFreeAmount: num(row.tax_free_amount), currency: row.currency };
}

export interface BillingKeyRecord {
  billingKey: string;
  profile: string;
  mid: string;
  details: Record<string, unknown>;
  issuedAt: number;
  deletedAt: number | null;
}

export async function insertBillingKey(db: Kysely<DB>, k: Omit<BillingKeyRecord, 'deletedAt'>): Promise<void> {
  await db
    .insertInto('billing_keys')
    .values({ billing_key: k.billingKey, profile: k.profile, mid: k.mid, details: JSON.stringify(k.details), issued_at: k.issuedAt })
    .execute();
}

export async function findBillingKey(db: Kysely<DB>, billingKey: string): Promise<BillingKeyRecord | null> {
  const row = await db.selectFrom('billing_keys').selectAll().where('billing_key', '=', billingKey).executeTakeFirst();
  if (!row) return null;
  return {
    billingKey: row.billing_key,
    profile: row.profile,
    mid: row.mid,
    details: JSON.parse(row.details) as Record<string, unknown>,
    issuedAt: Number(row.issued_at),
    deletedAt: row.deleted_at === null ? null : Number(row.deleted_at),
  };
}

/** Marks it deleted, once; false when it already was. */
export async function deleteBillingKey(db: Kysely<DB>, billingKey: string, now: number): Promise<boolean> {
  const r = await db.updateTable('billing_keys').set({ deleted_at: now }).where('billing_key', '=', billingKey).where('deleted_at', 'is', null).executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}
