/**
 * The group commit of accepted payments (accept-queue.ts) on a real
 * database: one multi-row INSERT per turn of the event loop, tid collisions
 * retried with new identifiers, a clear failure when no free tid is found,
 * and what each caller gets back equal to what is stored. Runs per backend.
 */
import type { CompiledQuery, Kysely } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/database.js';
import type { DB } from '../../src/db/schema.js';
import { StoreUnavailable } from '../../src/errors.js';
import { Snowflake, TID_PATTERN, randomTidSuffix, type TidSuffixSource } from '../../src/payments/ids.js';
import { parseScenarios } from '../../src/scenarios/scenario.js';
import { AcceptQueue, type NewRow } from '../../src/store/accept-queue.js';
import { findPaymentByTid } from '../../src/store/payment.repository.js';
import { backends } from '../setup/store.js';

/** 2026-02-05 10:00 local time: tids read DUMMY_20260205_… */
const NOW = new Date(2026, 1, 5, 10, 0, 0).getTime();
const tidOf = (suffix: number) => `DUMMY_20260205_${String(suffix).padStart(8, '0')}`;

const row = (i: number, o: Partial<NewRow> = {}): NewRow => ({
  order_id: `ORD_${i}`,
  user_public_id: `USR_${i}`,
  amount: 10000 + i,
  status: 'PENDING',
  echo: null,
  webhook_url: 'http://127.0.0.1:1/hook',
  requested_at: NOW,
  mid: null,
  scenario: null,
  effect: null,
  process_after: null,
  profile: 'seed',
  ...o,
});

/**
 * Counts the rows of each INSERT into payment_processes the queue commits: a
 * view of the database whose executeQuery counts each such statement's rows
 * (its one JSON parameter on PostgreSQL; its values over the 14 columns on
 * SQLite) before running it, summed per transaction (SQLite takes a batch in
 * chunks, one transaction).
 */
class InsertCounter {
  readonly inserts: number[] = [];
  watch(db: Kysely<DB>): Kysely<DB> {
    return this.view(db, (n) => this.inserts.push(n));
  }

  private view<T extends Kysely<DB>>(db: T, count: (rows: number) => void): T {
    return new Proxy(db, {
      get: (target, prop) => {
        if (prop === 'executeQuery') {
          return (query: CompiledQuery) => {
            if (/^insert into payment_processes\b/.test(query.sql)) count(rowsOf(query));
            return target.executeQuery(query);
          };
        }
        if (prop === 'transaction' && !target.isTransaction) {
          return () => ({
            execute: <R>(fn: (trx: Kysely<DB>) => Promise<R>) =>
              target.transaction().execute(async (trx) => {
                let rows = 0;
                const result = await fn(this.view(trx, (n) => (rows += n)));
                if (rows > 0) this.inserts.push(rows);
                return result;
              }),
          });
        }
        const value = Reflect.get(target, prop, target) as unknown;
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
  }
}

function rowsOf(query: CompiledQuery): number {
  const [first] = query.parameters;
  if (query.parameters.length === 1 && typeof first === 'string') return (JSON.parse(first) as unknown[]).length;
  return query.parameters.length / 14;
}

/** A suffix source that hands out the listed suffixes, then fails the test if asked for more. */
function suffixes(...list: number[]): TidSuffixSource & { left: number[] } {
  const left = [...list];
  const source = () => {
    const next = left.shift();
    if (next === undefined) throw new Error('tid suffix source exhausted');
    return next;
  };
  return Object.assign(source, { left });
}

describe.each(backends())('accept queue on $name', (backend) => {
  let opened: Awaited<ReturnType<typeof backend.open>>;
  let database: Database;
  let counter: InsertCounter;
  /** One per test, shared by its queues, as in one process (two alike would mint the same public ids). */
  let snowflake: Snowflake;

  beforeEach(async () => {
    opened = await backend.open();
    database = opened.database;
    counter = new InsertCounter();
    snowflake = new Snowflake(0, () => NOW);
  });
  afterEach(async () => {
    await database.close();
    await opened.drop();
  });

  /** A queue whose INSERTs are counted. */
  const queue = (tidSuffix: TidSuffixSource = randomTidSuffix) =>
    new AcceptQueue({ database: { ...database, db: counter.watch(database.db) }, snowflake, tidSuffix });

  const count = async () =>
    Number((await database.db.selectFrom('payment_processes').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

  it('commits many inserts of one turn as one INSERT, each resolving with its own distinct id and tid, in order', async () => {
    const q = queue();
    const n = 120;
    const accepted = await Promise.all(Array.from({ length: n }, (_, i) => q.insert(row(i), null)));

    expect(counter.inserts).toEqual([n]);
    expect(accepted.map((p) => p.orderId)).toEqual(Array.from({ length: n }, (_, i) => `ORD_${i}`));
    const ids = accepted.map((p) => p.id);
    expect(new Set(ids).size).toBe(n);
    // Ids follow the order the inserts were made in.
    expect([...ids].sort((a, b) => a - b)).toEqual(ids);
    expect(new Set(accepted.map((p) => p.tid)).size).toBe(n);
    expect(new Set(accepted.map((p) => p.publicId)).size).toBe(n);
    for (const p of accepted) expect(p.tid).toMatch(TID_PATTERN);
    // Public ids are Snowflakes: string order is issue order.
    const publicIds = accepted.map((p) => p.publicId);
    expect([...publicIds].sort()).toEqual(publicIds);
    expect(await count()).toBe(n);
  });

  it('commits inserts made in separate turns as separate INSERTs', async () => {
    const q = queue();
    const first = await q.insert(row(1), null);
    const [second, third] = await Promise.all([q.insert(row(2), null), q.insert(row(3), null)]);
    expect(counter.inserts).toEqual([1, 2]);
    expect(first.id).toBeLessThan(second!.id);
    expect(second!.id).toBeLessThan(third!.id);
  });

  it('splits a turn of more than 500 inserts into INSERTs of at most 500, every one stored', async () => {
    // Distinct tids: 1,201 random suffixes out of 10^8 collide about once in 140 runs, and a
    // collision adds the retry's one-row INSERT (tested on its own below) to the count.
    let next = 0;
    const q = queue(() => next++);
    const n = 1201;
    const accepted = await Promise.all(Array.from({ length: n }, (_, i) => q.insert(row(i), null)));
    expect(counter.inserts).toEqual([500, 500, 201]);
    expect(new Set(accepted.map((p) => p.id)).size).toBe(n);
    expect(await count()).toBe(n);
  });

  it('retries a tid already stored with a new tid (and stores the payment once)', async () => {
    const tids = suffixes(7, 7, 8);
    const q = queue(tids);
    const a = await q.insert(row(1), null);
    const b = await q.insert(row(2), null);
    expect(a.tid).toBe(tidOf(7));
    expect(b.tid).toBe(tidOf(8));
    expect(tids.left).toEqual([]);
    // One INSERT for a; for b one that skipped the row, then one that stored it.
    expect(counter.inserts).toEqual([1, 1, 1]);
    expect(await count()).toBe(2);
    expect((await findPaymentByTid(database.db, tidOf(8)))?.orderId).toBe('ORD_2');
    expect((await findPaymentByTid(database.db, tidOf(7)))?.orderId).toBe('ORD_1');
  });

  it('retries a tid repeated within one batch, and only that row', async () => {
    // Rows 1 and 2 draw the same tid in the same INSERT: one is stored, the other retried alone.
    const tids = suffixes(3, 3, 4, 9);
    const q = queue(tids);
    const [a, b, c] = await Promise.all([q.insert(row(1), null), q.insert(row(2), null), q.insert(row(3), null)]);
    expect(a!.tid).toBe(tidOf(3));
    expect(b!.tid).toBe(tidOf(9));
    expect(c!.tid).toBe(tidOf(4));
    expect(counter.inserts).toEqual([3, 1]);
    expect(tids.left).toEqual([]);
    expect(await count()).toBe(3);
    for (const p of [a!, b!, c!]) expect(await findPaymentByTid(database.db, p.tid)).toEqual(p);
  });

  it('gives a retried row a new public id as well', async () => {
    const q = queue(suffixes(5, 5, 6));
    const a = await q.insert(row(1), null);
    const b = await q.insert(row(2), null);
    expect(b.publicId).not.toBe(a.publicId);
    expect(await findPaymentByTid(database.db, b.tid)).toEqual(b);
  });

  it('retries a public id already taken (two processes minting alike) with new identifiers', async () => {
    // Two Snowflakes with the same worker id and clock issue the same public ids.
    const mine = queue(suffixes(1));
    const twin = new AcceptQueue({ database, snowflake: new Snowflake(0, () => NOW), tidSuffix: suffixes(2, 3) });
    const a = await mine.insert(row(1), null);
    const b = await twin.insert(row(2), null);
    expect(b.publicId).not.toBe(a.publicId);
    expect(b.tid).toBe(tidOf(3));
    expect(await findPaymentByTid(database.db, a.tid)).toEqual(a);
    expect(await findPaymentByTid(database.db, b.tid)).toEqual(b);
    expect(await count()).toBe(2);
  });

  it('rejects with StoreUnavailable when no free tid is found, storing nothing for that row', async () => {
    const q = queue(() => 1);
    await q.insert(row(1), null);
    const inserts = counter.inserts.length;
    await expect(q.insert(row(2), null)).rejects.toBeInstanceOf(StoreUnavailable);
    // It did retry (more than one INSERT), and then gave up.
    expect(counter.inserts.length - inserts).toBeGreaterThan(1);
    expect(await count()).toBe(1);
    expect((await findPaymentByTid(database.db, tidOf(1)))?.orderId).toBe('ORD_1');
  });

  it('rejects only the row that finds no free tid; the others of its batch are stored', async () => {
    await queue(() => 1).insert(row(0), null);
    // Row 1 draws 2 (free); row 2 draws 1 (taken) every time.
    let first = true;
    const q = queue(() => {
      if (first) {
        first = false;
        return 2;
      }
      return 1;
    });
    const [ok, stuck] = await Promise.allSettled([q.insert(row(1), null), q.insert(row(2), null)]);
    expect(ok).toMatchObject({ status: 'fulfilled', value: { tid: tidOf(2), orderId: 'ORD_1' } });
    expect(stuck.status).toBe('rejected');
    expect((stuck as PromiseRejectedResult).reason).toBeInstanceOf(StoreUnavailable);
    expect(await count()).toBe(2);
    const orders = await database.db.selectFrom('payment_processes').select('order_id').orderBy('id').execute();
    expect(orders.map((r) => r.order_id)).toEqual(['ORD_0', 'ORD_1']);
  });

  it('keeps accepting on the same queue after a row was refused', async () => {
    let suffix = 1;
    const q = queue(() => suffix);
    await q.insert(row(1), null);
    await expect(q.insert(row(2), null)).rejects.toBeInstanceOf(StoreUnavailable);
    suffix = 2;
    const later = await q.insert(row(3), null);
    expect(later.tid).toBe(tidOf(2));
    expect(await findPaymentByTid(database.db, later.tid)).toEqual(later);
    expect(await count()).toBe(2);
  });

  it('resolves with the payment exactly as it is read back, every column included', async () => {
    const [rule] = parseScenarios([{ name: 'slow-dupes', effect: { outcome: 'FAILED', reason: 'LIMIT_EXCEEDED', delay: '2s', webhook: { duplicate: 2 } } }]);
    const echo = { z: 1, mid: 'shop_a', nested: { b: [1, 'two', null], a: true } };
    const full = row(1, {
      amount: 12345.678,
      echo: JSON.stringify(echo),
      mid: 'shop_a',
      scenario: rule!.name,
      effect: JSON.stringify(rule!.effect),
      process_after: NOW + 2000,
      webhook_url: 'https://merchant.test/hooks?x=1',
    });
    const bare = row(2, { user_public_id: null });
    const q = queue();
    const [a, b] = await Promise.all([q.insert(full, echo), q.insert(bare, null)]);

    const readA = await findPaymentByTid(database.db, a!.tid);
    expect(readA).toEqual(a);
    expect(JSON.stringify(readA!.echo)).toBe(JSON.stringify(echo));
    expect(a).toMatchObject({
      status: 'PENDING',
      amount: 12345.678,
      requestedAt: NOW,
      processAfter: NOW + 2000,
      mid: 'shop_a',
      scenario: 'slow-dupes',
      effect: rule!.effect,
      approvalNo: null,
      claimToken: null,
      cancelledAt: null,
    });
    expect(await findPaymentByTid(database.db, b!.tid)).toEqual(b);
    expect(b).toMatchObject({ userPublicId: null, echo: null, effect: null, processAfter: null });
  });
});
