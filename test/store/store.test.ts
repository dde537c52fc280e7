/**
 * The store on a real database: inserts, compare-and-set claims and
 * finalizations, the outbox, identifier collisions, restarts and migrations.
 * Runs once per backend.
 */
import BetterSqlite3 from 'better-sqlite3';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/database.js';
import { SchemaTooNew, migrate } from '../../src/db/migrate.js';
import { StoreUnavailable } from '../../src/errors.js';
import { TID_PATTERN } from '../../src/payments/ids.js';
import type { NewPayment } from '../../src/payments/payment.js';
import type { Store } from '../../src/store/store.js';
import { backends, makeStore } from '../setup/store.js';

const WEBHOOK = 'http://127.0.0.1:1/hook';
const PLAN = { profile: 'seed', webhookUrl: WEBHOOK, mid: null, scenario: null, effect: null };
const payment = (i = 1): NewPayment => ({
  orderId: `ORD_${i}`,
  userPublicId: 'USR_1',
  amount: 10000 + i,
  echo: { mid: 'hamster_dummy_mid_001', n: i },
});

describe.each(backends())('store on $name', (backend) => {
  let opened: Awaited<ReturnType<typeof backend.open>>;
  let database: Database;
  let store: Store;
  let now: number;

  beforeEach(async () => {
    opened = await backend.open();
    database = opened.database;
    now = new Date(2026, 1, 5, 10, 0, 0).getTime();
    store = makeStore(database, { clock: () => now });
  });
  afterEach(async () => {
    await database.close();
    await opened.drop();
  });

  const count = async (table: 'payments' | 'webhook_deliveries' | 'payment_processes' | 'webhook_attempts') =>
    Number((await database.db.selectFrom(table).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

  it('stores an accepted payment as PENDING with every column the seed lists', async () => {
    const p = await store.acceptPayment(payment(), PLAN);
    expect(p).toMatchObject({
      orderId: 'ORD_1',
      userPublicId: 'USR_1',
      amount: 10001,
      status: 'PENDING',
      approvalNo: null,
      failReason: null,
      echo: { mid: 'hamster_dummy_mid_001', n: 1 },
      webhookUrl: WEBHOOK,
      webhookSentAt: null,
      webhookResponseCode: null,
      requestedAt: now,
      processingStartedAt: null,
      processedAt: null,
    });
    expect(p.tid).toMatch(/^DUMMY_20260205_\d{8}$/);
    expect(p.publicId).toMatch(/^[0-9A-Za-z]{11}$/);
    expect(await store.findPayment(p.tid)).toEqual(p);
    expect(await store.findPayment('DUMMY_20260205_00000000')).toBeNull();
  });

  it('keeps echo’s keys in the order they were sent', async () => {
    const echo = { z: 1, a: 2, m: { y: 1, b: 2 } };
    const p = await store.acceptPayment({ ...payment(), echo }, PLAN);
    expect(JSON.stringify((await store.findPayment(p.tid))!.echo)).toBe(JSON.stringify(echo));
  });

  it('retries a tid collision with a new tid: no failure, no duplicate', async () => {
    const suffixes = [7, 7, 7, 8];
    const colliding = makeStore(database, { clock: () => now, tidSuffix: () => suffixes.shift()! });
    const a = await colliding.acceptPayment(payment(1), PLAN);
    const b = await colliding.acceptPayment(payment(2), PLAN);
    expect(a.tid).toBe('DUMMY_20260205_00000007');
    expect(b.tid).toBe('DUMMY_20260205_00000008');
    expect(suffixes).toEqual([]);
    expect(await count('payment_processes')).toBe(2);
  });

  it('gives up with a clear error only when no free tid can be found', async () => {
    const stuck = makeStore(database, { clock: () => now, tidSuffix: () => 1 });
    await stuck.acceptPayment(payment(1), PLAN);
    await expect(stuck.acceptPayment(payment(2), PLAN)).rejects.toBeInstanceOf(StoreUnavailable);
    expect(await count('payment_processes')).toBe(1);
  });

  it('claims PENDING payments oldest first, at most the batch size, as PROCESSING', async () => {
    const accepted = [];
    for (let i = 0; i < 5; i++) accepted.push(await store.acceptPayment(payment(i), PLAN));
    now += 1000;
    const first = (await store.claimPending(3)).claimed;
    expect(first.map((p) => p.tid)).toEqual(accepted.slice(0, 3).map((p) => p.tid));
    for (const p of first) {
      expect(p.status).toBe('PROCESSING');
      expect(p.processingStartedAt).toBe(now);
    }
    const second = (await store.claimPending(3)).claimed;
    expect(second.map((p) => p.tid)).toEqual(accepted.slice(3).map((p) => p.tid));
    expect((await store.claimPending(3)).claimed).toEqual([]);
  });

  it('lets competing claimants on separate connections claim each payment exactly once', async () => {
    for (let i = 0; i < 300; i++) await store.acceptPayment(payment(i), PLAN);
    const others = await Promise.all([opened.reopen(), opened.reopen(), opened.reopen()]);
    const claimants = [store, ...others.map((d) => makeStore(d, { clock: () => now }))];
    const claimed: string[] = [];
    await Promise.all(
      claimants.map(async (s) => {
        for (;;) {
          const batch = (await s.claimPending(7)).claimed;
          if (batch.length === 0) return;
          claimed.push(...batch.map((p) => p.tid));
        }
      }),
    );
    await Promise.all(others.map((d) => d.close()));
    expect(claimed).toHaveLength(300);
    expect(new Set(claimed).size).toBe(300);
  });

  it('8 concurrent claimants over 5,000 payments: each finalized exactly once, each webhook sent once, none left behind', async () => {
    const N = 5000;
    for (let i = 0; i < N; i += 100) {
      await Promise.all(Array.from({ length: 100 }, (_, j) => store.acceptPayment(payment(i + j), PLAN)));
    }
    const connections = await Promise.all(Array.from({ length: 7 }, () => opened.concurrent()));
    // Each claimant is a process of its own: its own connection and worker id.
    const claimants = [store, ...connections.map((d, i) => makeStore(d, { clock: () => now, instanceId: `claimant-${i}`, workerId: i + 1 }))];
    const finalizedBy = new Map<string, number>();
    await Promise.all(
      claimants.map(async (s) => {
        for (;;) {
          const { claimed } = await s.claimPending(50);
          if (claimed.length === 0) return;
          const done = await s.finalize(
            claimed.map((p) => ({ payment: p, outcome: p.id % 5 === 0 ? { status: 'FAILED' as const, reason: 'LIMIT_EXCEEDED' as const } : { status: 'SUCCESS' as const } })),
            { from: ['PROCESSING'], fenced: true, origin: 'AUTO' },
          );
          for (const f of done) finalizedBy.set(f.payment.tid, (finalizedBy.get(f.payment.tid) ?? 0) + 1);
        }
      }),
    );
    expect(finalizedBy.size).toBe(N);
    expect([...finalizedBy.values()].every((n) => n === 1)).toBe(true);

    const sent = new Map<number, number>();
    await Promise.all(
      claimants.map(async (s) => {
        for (;;) {
          const due = await s.claimDueDeliveries(64);
          if (due.length === 0) return;
          for (const d of due) {
            sent.set(d.id, (sent.get(d.id) ?? 0) + 1);
            const result = { attemptedAt: now, url: d.url, responseCode: 200, error: null, durationMs: 1, responseBody: null, signature: null };
            expect(await s.completeAttempt(d, result, { state: 'DELIVERED', at: now })).toBe(true);
          }
        }
      }),
    );
    await Promise.all(connections.map((d) => d.close()));
    expect(sent.size).toBe(N);
    expect([...sent.values()].every((n) => n === 1)).toBe(true);
    expect(await count('payments')).toBe(N);
    const left = await database.db
      .selectFrom('payment_processes')
      .select('tid')
      .where('status', 'not in', ['SUCCESS', 'FAILED'])
      .execute();
    expect(left).toEqual([]);
    const undelivered = await database.db.selectFrom('webhook_deliveries').select('id').where('state', '!=', 'DELIVERED').execute();
    expect(undelivered).toEqual([]);
  });

  it('finalizes PROCESSING → SUCCESS with approval number, payments row and webhook delivery together', async () => {
    const p = await store.acceptPayment(payment(), PLAN);
    const [claimed] = (await store.claimPending(10)).claimed;
    now += 500;
    const [done] = await store.finalize([{ payment: claimed!, outcome: { status: 'SUCCESS' } }], {
      from: ['PROCESSING'],
      fenced: true, origin: 'AUTO',
    });
    expect(done!.payment).toMatchObject({ tid: p.tid, status: 'SUCCESS', failReason: null, processedAt: now });
    expect(done!.payment.approvalNo).toMatch(/^AP\d{20}$/);
    expect(done!.delivery).toMatchObject({ tid: p.tid, state: 'PENDING', attemptCount: 0, dueAt: now, url: WEBHOOK, eventStatus: 'SUCCESS' });
    expect(JSON.parse(done!.delivery.payload)).toEqual({
      status: 'SUCCESS',
      code: '0000',
      transactionId: p.tid,
      approvalNo: done!.payment.approvalNo,
      amount: 10001,
      echo: { mid: 'hamster_dummy_mid_001', n: 1 },
      message: 'Payment approved successfully',
    });
    const final = await database.db.selectFrom('payments').selectAll().execute();
    expect(final).toHaveLength(1);
    expect(final[0]).toMatchObject({ tid: p.tid, status: 'SUCCESS', approval_no: done!.payment.approvalNo, amount: 10001 });
  });

  it('a compare-and-set lost to another writer changes nothing and owes no webhook', async () => {
    await store.acceptPayment(payment(), PLAN);
    const [claimed] = (await store.claimPending(1)).claimed;
    const first = await store.finalize([{ payment: claimed!, outcome: { status: 'FAILED', reason: 'EXPIRED_CARD' } }], {
      from: ['PROCESSING'],
      fenced: true, origin: 'AUTO',
    });
    expect(first).toHaveLength(1);
    const second = await store.finalize([{ payment: claimed!, outcome: { status: 'SUCCESS' } }], {
      from: ['PENDING', 'PROCESSING'],
      fenced: false, origin: 'MANUAL',
    });
    expect(second).toEqual([]);
    const now2 = (await store.findPayment(claimed!.tid))!;
    expect(now2.status).toBe('FAILED');
    expect(now2.failReason).toBe('EXPIRED_CARD');
    expect(now2.approvalNo).toBeNull();
    expect(await count('payments')).toBe(1);
    expect(await count('webhook_deliveries')).toBe(1);
  });

  it('the scheduler cannot finalize a payment it has not claimed (PENDING is not PROCESSING)', async () => {
    const p = await store.acceptPayment(payment(), PLAN);
    expect(await store.finalize([{ payment: p, outcome: { status: 'SUCCESS' } }], { from: ['PROCESSING'], fenced: true, origin: 'AUTO' })).toEqual([]);
    expect((await store.findPayment(p.tid))!.status).toBe('PENDING');
  });

  it('rolls the whole finalization back when its webhook delivery cannot be written', async () => {
    await store.acceptPayment(payment(), PLAN);
    const [claimed] = (await store.claimPending(1)).claimed;
    await sql`drop table webhook_attempts`.execute(database.db);
    await sql`drop table webhook_deliveries`.execute(database.db);
    await expect(
      store.finalize([{ payment: claimed!, outcome: { status: 'SUCCESS' } }], { from: ['PROCESSING'], fenced: true, origin: 'AUTO' }),
    ).rejects.toThrow();
    const after = (await store.findPayment(claimed!.tid))!;
    expect(after.status).toBe('PROCESSING');
    expect(after.approvalNo).toBeNull();
    expect(await count('payments')).toBe(0);
  });

  it('retries an approval-number collision with a fresh number', async () => {
    const issued = ['AP1000000000000000', 'AP1000000000000000', 'AP1000000000000001'];
    const s = makeStore(database, { clock: () => now, approvals: { next: () => issued.shift()! } });
    for (let i = 0; i < 2; i++) await s.acceptPayment(payment(i), PLAN);
    const claimed = (await s.claimPending(2)).claimed;
    const a = await s.finalize([{ payment: claimed[0]!, outcome: { status: 'SUCCESS' } }], { from: ['PROCESSING'], fenced: true, origin: 'AUTO' });
    const b = await s.finalize([{ payment: claimed[1]!, outcome: { status: 'SUCCESS' } }], { from: ['PROCESSING'], fenced: true, origin: 'AUTO' });
    expect(a[0]!.payment.approvalNo).toBe('AP1000000000000000');
    expect(b[0]!.payment.approvalNo).toBe('AP1000000000000001');
    expect(await count('payments')).toBe(2);
  });

  it('hands each due delivery to one sender; a sender whose lease was taken over cannot overwrite the newer claim', async () => {
    await store.acceptPayment(payment(), PLAN);
    const [claimed] = (await store.claimPending(1)).claimed;
    await store.finalize([{ payment: claimed!, outcome: { status: 'SUCCESS' } }], { from: ['PROCESSING'], fenced: true, origin: 'AUTO' });
    const [first] = await store.claimDueDeliveries(10);
    expect(first).toMatchObject({ state: 'SENDING', attemptCount: 1 });
    expect(await store.claimDueDeliveries(10)).toEqual([]); // leased
    now += 36_000; // the lease (35 s) ran out: the first sender is presumed dead
    const [second] = await store.claimDueDeliveries(10);
    expect(second).toMatchObject({ id: first!.id, attemptCount: 2 });
    const result = { attemptedAt: now, url: WEBHOOK, responseCode: 500, error: null, durationMs: 3, responseBody: 'late', signature: null };
    expect(await store.completeAttempt(first!, result, { state: 'DEAD' })).toBe(false);
    expect(await store.completeAttempt(second!, { ...result, responseCode: 200 }, { state: 'DELIVERED', at: now })).toBe(true);
    const [delivery] = await store.listDeliveries(claimed!.id);
    expect(delivery).toMatchObject({ state: 'DELIVERED', deliveredAt: now, lastResponseCode: 200 });
    expect((await store.listAttempts(claimed!.id)).map((a) => [a.attemptNo, a.responseCode])).toEqual([
      [1, 500],
      [2, 200],
    ]);
  });

  it('records the first successful delivery time and never moves it; keeps the last response code', async () => {
    await store.acceptPayment(payment(), PLAN);
    const [claimed] = (await store.claimPending(1)).claimed;
    const [done] = await store.finalize([{ payment: claimed!, outcome: { status: 'SUCCESS' } }], { from: ['PROCESSING'], fenced: true, origin: 'AUTO' });
    const [d1] = await store.claimDueDeliveries(1);
    const ok = { url: WEBHOOK, error: null, durationMs: 1, responseBody: null, signature: null };
    await store.completeAttempt(d1!, { ...ok, attemptedAt: now, responseCode: 200 }, { state: 'DELIVERED', at: now });
    const firstSent = now;
    now += 10_000;
    const d2 = await store.resendNow(done!.payment);
    await store.completeAttempt(d2, { ...ok, attemptedAt: now, responseCode: 204 }, { state: 'DELIVERED', at: now });
    now += 10_000;
    const d3 = await store.resendNow(done!.payment);
    await store.completeAttempt(d3, { ...ok, attemptedAt: now, responseCode: 503 }, { state: 'DEAD' });
    const p = (await store.findPayment(claimed!.tid))!;
    expect(p.webhookSentAt).toBe(firstSent);
    expect(p.webhookResponseCode).toBe(503);
    expect(await count('webhook_attempts')).toBe(3);
  });

  it('completes a batch of attempts at once: each attempt logged, each delivery moved, one payment updated once for two of its webhooks', async () => {
    await store.acceptPayment(payment(), PLAN);
    const [claimed] = (await store.claimPending(1)).claimed;
    const [done] = await store.finalize([{ payment: claimed!, outcome: { status: 'SUCCESS' } }], { from: ['PROCESSING'], fenced: true, origin: 'AUTO' });
    const [auto] = await store.claimDueDeliveries(1);
    const manual = await store.resendNow(done!.payment);
    const ok = { url: WEBHOOK, error: null, durationMs: 1, responseBody: null, signature: null };
    const held = await store.completeAttempts([
      { delivery: auto!, result: { ...ok, attemptedAt: now, responseCode: 200 }, next: { state: 'DELIVERED', at: now } },
      { delivery: manual, result: { ...ok, attemptedAt: now + 1, responseCode: 503 }, next: { state: 'DEAD' } },
    ]);
    expect(held).toEqual([true, true]);
    const p = (await store.findPayment(claimed!.tid))!;
    expect([p.webhookSentAt, p.webhookResponseCode]).toEqual([now, 503]); // the first delivery's time, the last code
    expect((await store.listDeliveries(claimed!.id)).map((d) => d.state).sort()).toEqual(['DEAD', 'DELIVERED']);
    expect((await store.listAttempts(claimed!.id)).map((a) => a.responseCode).sort()).toEqual([200, 503]);
  });

  it('keeps everything across a restart (close and reopen the same database)', async () => {
    const p = await store.acceptPayment(payment(), PLAN);
    await database.close();
    database = await opened.reopen();
    await migrate(database);
    const again = makeStore(database);
    expect(await again.findPayment(p.tid)).toEqual(p);
  });

  it('leases distinct Snowflake worker ids to processes sharing the database, and frees stale ones', async () => {
    const other = makeStore(database, { clock: () => now });
    expect(await store.leaseWorkerId('instance-a')).toBe(0);
    expect(await other.leaseWorkerId('instance-b')).toBe(1);
    await store.releaseWorkerId(0, 'instance-a');
    expect(await makeStore(database, { clock: () => now }).leaseWorkerId('instance-c')).toBe(0);
    // instance-b stops heart-beating; a minute later its id is free again…
    now += 61_000;
    expect(await store.renewWorkerId(0, 'instance-c')).toBe(0);
    expect(await makeStore(database, { clock: () => now }).leaseWorkerId('instance-d')).toBe(1);
    // …and instance-b, waking up, finds its lease gone and takes another.
    expect(await other.renewWorkerId(1, 'instance-b')).toBe(2);
  });

  it('never mints the same public id twice, even for two stores told to use the same worker id', async () => {
    const a = makeStore(database, { clock: () => now, workerId: 5 });
    const b = makeStore(database, { clock: () => now, workerId: 5 });
    const made = [];
    for (let i = 0; i < 50; i++) made.push(await a.acceptPayment(payment(i), PLAN), await b.acceptPayment(payment(i), PLAN));
    expect(new Set(made.map((p) => p.publicId)).size).toBe(100);
  });

  it('migrates once, and refuses a database migrated by a newer version', async () => {
    expect(await migrate(database)).toEqual([]);
    await database.db.insertInto('hamster_schema_migrations').values({ name: '9999_from_the_future', applied_at: 0 }).execute();
    await expect(migrate(database)).rejects.toBeInstanceOf(SchemaTooNew);
    await expect(migrate(database)).rejects.toThrow(/newer hamster-pg.*9999_from_the_future/);
  });
});

describe('store on sqlite specifically', () => {
  it('commits an accepted payment before returning: another connection sees it at once', async () => {
    const { sqliteBackend } = await import('../setup/store.js');
    const opened = await sqliteBackend.open();
    const store = makeStore(opened.database);
    const p = await store.acceptPayment(payment(), PLAN);
    const path = opened.database.location.replace(/^SQLite /, '');
    const other = new BetterSqlite3(path, { readonly: true });
    const row = other.prepare('select status, tid from payment_processes where tid = ?').get(p.tid);
    other.close();
    expect(row).toEqual({ status: 'PENDING', tid: p.tid });
    expect(p.tid).toMatch(TID_PATTERN);
    await opened.database.close();
    await opened.drop();
  });
});
