/**
 * The set-based statements of the hot path (store/bulk.sql.ts) on a real
 * database: each keeps its compare-and-set row by row, answers with the rows
 * that changed, and looks each row up by its primary key rather than
 * scanning a state index (a plan that once made one of them cost more than
 * everything else together on SQLite, and on PostgreSQL read every dead row
 * version still indexed under that state). Runs once per backend.
 */
import BetterSqlite3 from 'better-sqlite3';
import { CompiledQuery } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../src/db/database.js';
import { migrate } from '../../src/db/migrate.js';
import { attemptsInsert } from '../../src/store/attempt.repository.js';
import { finalizePicked, fusedPostgres, moveDeliveriesOn, recordWebhookResults } from '../../src/store/bulk.sql.js';
import { recordWebhookResults as recordFolded } from '../../src/store/payment.repository.js';
import type { Store } from '../../src/store/store.js';
import { createSchema } from '../setup/postgres.js';
import { backends, makeStore, postgresBackend, sqliteBackend } from '../setup/store.js';

const PLAN = { profile: 'seed', webhookUrl: 'http://127.0.0.1:1/hook', mid: null, scenario: null, effect: null };

describe.each(backends())('set-based statements on $name', (backend) => {
  let opened: Awaited<ReturnType<typeof backend.open>>;
  let database: Database;
  let store: Store;
  const now = new Date(2026, 1, 5, 10, 0, 0).getTime();

  beforeEach(async () => {
    opened = await backend.open();
    database = opened.database;
    store = makeStore(database, { clock: () => now });
  });
  afterEach(async () => {
    await database.close();
    await opened.drop();
  });

  const accept = async (n: number) => {
    const ids: number[] = [];
    for (let i = 0; i < n; i++) ids.push((await store.acceptPayment({ orderId: `O${i}`, userPublicId: 'U', amount: 100 + i, echo: null }, PLAN)).id);
    return ids;
  };
  const statusOf = async (id: number) =>
    (await database.db.selectFrom('payment_processes').select(['status', 'approval_no', 'decided_by']).where('id', '=', id).executeTakeFirstOrThrow());

  it('finalizes only the payments still as they were read (status and claim token), and answers with those', async () => {
    const [a, b, c, d] = await accept(4);
    const { claimed } = await store.claimPending(2); // a and b, PROCESSING under one token
    const token = claimed[0]!.claimToken!;
    expect(claimed.map((p) => p.id)).toEqual([a, b]);
    const won = await finalizePicked<{ id: number | string }>(database.db, [
      [a, 'PROCESSING', token, 'new-token', 'me', 'SUCCESS', '00000000000000000001', null, 'random', now], // a lapsed claim taken back
      [b, 'PROCESSING', 'another-token', 'new-token', 'me', 'FAILED', null, 'LIMIT_EXCEEDED', 'rule', now], // claimed by someone else since
      [c, 'PROCESSING', token, 'new-token', 'me', 'SUCCESS', '00000000000000000002', null, 'random', now], // still PENDING: not as read
      [d, 'PENDING', null, 'new-token', 'me', 'FAILED', null, 'LIMIT_EXCEEDED', 'rule', now], // due and untouched
    ]);
    expect(won.map((r) => Number(r.id)).sort()).toEqual([a, d]);
    expect(await statusOf(a!)).toEqual({ status: 'SUCCESS', approval_no: '00000000000000000001', decided_by: 'random' });
    expect(await statusOf(d!)).toEqual({ status: 'FAILED', approval_no: null, decided_by: 'rule' });
    expect((await statusOf(b!)).status).toBe('PROCESSING');
    expect((await statusOf(c!)).status).toBe('PENDING');
    const stamped = await database.db.selectFrom('payment_processes').select(['claim_token', 'claimed_by', 'processing_started_at', 'processed_at']).where('id', '=', d!).executeTakeFirstOrThrow();
    expect(stamped).toEqual({ claim_token: 'new-token', claimed_by: 'me', processing_started_at: now, processed_at: now });
  });

  it('moves deliveries on only while their sender holds the claim (still SENDING, same attempt)', async () => {
    await accept(2);
    const { finalized } = await store.processBatch(10, () => ({ status: 'SUCCESS' }), 0);
    const [d1, d2] = await store.claimDueDeliveries(10);
    const moved = await moveDeliveriesOn<{ id: number | string }>(database.db, [
      [d1!.id, d1!.attemptCount, 'DELIVERED', d1!.dueAt, now, 200, null],
      [d2!.id, d2!.attemptCount + 1, 'DEAD', d2!.dueAt, null, 500, 'no'], // a claim that was taken over
    ]);
    expect(moved.map((r) => Number(r.id))).toEqual([d1!.id]);
    const states = await database.db.selectFrom('webhook_deliveries').select(['id', 'state', 'last_response_code']).orderBy('id').execute();
    expect(states.map((s) => [Number(s.id), s.state, s.last_response_code])).toEqual([
      [d1!.id, 'DELIVERED', 200],
      [d2!.id, 'SENDING', null],
    ]);
    expect(finalized).toHaveLength(2);
  });

  it('folds several attempts of one payment: the last code, the first delivery time, never moved once set', async () => {
    const [a, b] = await accept(2);
    await recordFolded(database.db, [
      { paymentId: a!, responseCode: 500, deliveredAt: null },
      { paymentId: a!, responseCode: 200, deliveredAt: now + 1 },
      { paymentId: a!, responseCode: 204, deliveredAt: now + 2 },
      { paymentId: b!, responseCode: 503, deliveredAt: null },
    ]);
    await recordWebhookResults(database.db, [[a, 410, now + 3]]);
    const rows = await database.db.selectFrom('payment_processes').select(['id', 'webhook_response_code', 'webhook_sent_at']).orderBy('id').execute();
    expect(rows.map((r) => [Number(r.id), r.webhook_response_code, r.webhook_sent_at === null ? null : Number(r.webhook_sent_at)])).toEqual([
      [a, 410, now + 1],
      [b, 503, null],
    ]);
  });
});

describe('the inspector on SQLite: the plan', () => {
  it("reads one delivery's attempts through an index, not by scanning every attempt", async () => {
    const { database, drop } = await sqliteBackend.open();
    try {
      const compiled = database.db.selectFrom('webhook_attempts').selectAll().where('delivery_id', '=', 1).orderBy('id').compile();
      const raw = new BetterSqlite3(database.location.replace(/^SQLite /, ''), { readonly: true });
      const plan = (raw.prepare(`explain query plan ${compiled.sql}`).all(...compiled.parameters) as Array<{ detail: string }>).map((r) => r.detail);
      raw.close();
      expect(plan.join(' | ')).toMatch(/SEARCH webhook_attempts USING (COVERING )?INDEX ix_webhook_attempts_delivery_id/);
    } finally {
      await database.close();
      await drop();
    }
  });
});

describe('set-based statements on SQLite: the plan', () => {
  it('looks every row up by its primary key, never by scanning a state index', async () => {
    const { database, drop } = await sqliteBackend.open();
    try {
      const file = (database.location.replace(/^SQLite /, ''));
      const raw = new BetterSqlite3(file, { readonly: true });
      for (const statement of [finalizePicked, moveDeliveriesOn, recordWebhookResults]) {
        // Planned for a chunk of 8 rows (every value NULL: the plan does not depend on them).
        const text = statement.text('sqlite', 8);
        const nulls = new Array<null>(text.split('?').length - 1).fill(null);
        const plan = (raw.prepare(`explain query plan ${text}`).all(...nulls) as Array<{ detail: string }>).map((r) => r.detail);
        expect(plan.some((d) => /SEARCH \w+ USING INTEGER PRIMARY KEY/.test(d)), plan.join(' | ')).toBe(true);
        expect(plan.filter((d) => /USING (COVERING )?INDEX/.test(d)), plan.join(' | ')).toEqual([]);
      }
      raw.close();
    } finally {
      await database.close();
      await drop();
    }
  });
});

describe.skipIf(!backends().some((b) => b === postgresBackend))('set-based statements on PostgreSQL: the plan', () => {
  it('sends the inserts as named prepared statements, and the joins unnamed (planned for the tables as they are)', async () => {
    const { database, drop } = await postgresBackend.open();
    try {
      const store = makeStore(database);
      const accepted = await store.acceptPayment({ orderId: 'O1', userPublicId: 'U', amount: 100, echo: null }, PLAN);
      await recordFolded(database.db, [{ paymentId: accepted.id, responseCode: 200, deliveredAt: 1 }]);
      // Sequential statements reuse the pool's most recently released connection: the one asked here.
      const { rows } = await database.db.executeQuery<{ statement: string }>(CompiledQuery.raw('select statement from pg_prepared_statements where not from_sql'));
      const texts = rows.map((r) => r.statement.replace(/\s+/g, ' '));
      expect(texts.some((t) => t.startsWith('insert into payment_processes ')), texts.join('\n')).toBe(true);
      expect(texts.filter((t) => /^update /.test(t))).toEqual([]);
    } finally {
      await database.close();
      await drop();
    }
  });

  it('prepares nothing with database.prepared-statements false (for a pooler that cannot keep them)', async () => {
    const schema = await createSchema();
    const database = openDatabase(schema.url, { preparedStatements: false });
    try {
      await migrate(database);
      await makeStore(database).acceptPayment({ orderId: 'O1', userPublicId: 'U', amount: 100, echo: null }, PLAN);
      const { rows } = await database.db.executeQuery<{ n: number }>(CompiledQuery.raw('select count(*)::int as n from pg_prepared_statements'));
      expect(rows[0]!.n).toBe(0);
      expect(await database.db.selectFrom('payment_processes').select('order_id').execute()).toEqual([{ order_id: 'O1' }]);
    } finally {
      await database.close();
      await schema.drop();
    }
  });

  it('looks every row up by its primary key, even where the statistics make a state index look cheaper', async () => {
    const { database, drop } = await postgresBackend.open();
    try {
      const run = (text: string, parameters: unknown[] = []) => database.db.executeQuery<Record<string, string>>(CompiledQuery.raw(text, parameters));
      // 50,000 payments and deliveries, five of them still PENDING / SENDING,
      // analyzed: a scan of the few rows in that state and a hash join with
      // the 100 rows the planner expects from the parameter looks cheaper
      // than 100 primary-key lookups — and is not, once the state's index
      // holds the dead versions of every row that passed through it.
      await run(`insert into payment_processes (public_id, tid, order_id, amount, status, webhook_url, requested_at)
        select 'p' || i, 't' || i, 'o' || i, 100, case when i <= 5 then 'PENDING' else 'SUCCESS' end, 'http://127.0.0.1:1/hook', 0 from generate_series(1, 50000) as i`);
      await run(`insert into webhook_deliveries (payment_process_id, tid, event_status, origin, url, payload, state, attempt_count, due_at, created_at)
        select id, tid, 'SUCCESS', 'AUTO', 'http://127.0.0.1:1/hook', '{}', case when id <= 5 then 'SENDING' else 'DELIVERED' end, 1, 0, 0 from payment_processes`);
      await run('analyze payment_processes');
      await run('analyze webhook_deliveries');
      for (const [statement, table, row] of [
        [finalizePicked, 'payment_processes', [1, 'PENDING', null, 'k', 'w', 'SUCCESS', 'A1', null, 'RULE', 0]],
        [moveDeliveriesOn, 'webhook_deliveries', [1, 1, 'DELIVERED', 0, 0, 200, null]],
        [recordWebhookResults, 'payment_processes', [1, 200, 0]],
      ] as const) {
        const rows = JSON.stringify(Array.from({ length: 3 }, () => row));
        const plan = (await run(`explain ${statement.text('postgres')}`, [rows])).rows.map((r) => Object.values(r)[0]).join('\n');
        expect(plan, plan).toMatch(new RegExp(`Index Scan using ${table}_pkey on ${table}`));
        expect(plan.match(/(Index|Bitmap Index) Scan using (\w+)/g)?.filter((m) => !m.endsWith(`${table}_pkey`)) ?? [], plan).toEqual([]);
      }
      // The same two updates fused with the attempts' insert (completeAttemptsAtOnce).
      const fused = fusedPostgres(attemptsInsert, recordWebhookResults, moveDeliveriesOn);
      const attempt = [1, 1, 1, 0, 'http://127.0.0.1:1/hook', 200, null, 1, null, null, null];
      const plan = (await run(`explain ${fused}`, [[attempt], [[1, 200, 0]], [[1, 1, 'DELIVERED', 0, 0, 200, null]]].map((rows) => JSON.stringify(rows)))).rows
        .map((r) => Object.values(r)[0])
        .join('\n');
      expect(plan.match(/(Index|Bitmap Index) Scan using (\w+)/g)?.sort(), plan).toEqual([
        'Index Scan using payment_processes_pkey',
        'Index Scan using webhook_deliveries_pkey',
      ]);
    } finally {
      await database.close();
      await drop();
    }
  });
});
