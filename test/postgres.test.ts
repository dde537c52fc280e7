/**
 * Several real hamster-pg processes on one PostgreSQL database: concurrent
 * start-up and migration, 20,000 payments spread over 4 instances with one
 * killed mid-run, and the claim queries' use of their indexes.
 * Runs when TEST_DATABASE_URL is set (CI sets it); skipped, and said so, otherwise.
 */
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../src/db/database.js';
import { MIGRATIONS, migrate } from '../src/db/migrate.js';
import { HAS_POSTGRES, SKIP_NOTE, createSchema } from './setup/postgres.js';
import { killAll, runCli, type Running } from './setup/process.js';
import { startTestApp } from './setup/app.js';
import { startReceiver, type Receiver } from './setup/receiver.js';
import { tempDir } from './setup/tmp.js';

const LISTENING = /"instanceId":"([0-9a-f-]{36})".*hamster-pg listening on (http:\/\/127\.0\.0\.1:\d+)/;

describe.skipIf(!HAS_POSTGRES)(HAS_POSTGRES ? 'PostgreSQL, several instances' : SKIP_NOTE, () => {
  let schema: Awaited<ReturnType<typeof createSchema>>;
  let receiver: Receiver;
  let dir: ReturnType<typeof tempDir>;
  let admin: pg.Client;
  const running: Running[] = [];

  beforeEach(async () => {
    schema = await createSchema();
    receiver = await startReceiver();
    dir = tempDir();
    admin = new pg.Client({ connectionString: schema.url });
    await admin.connect();
  });
  afterEach(async () => {
    await killAll(running);
    await admin.end();
    await receiver.close();
    dir.remove();
    await schema.drop();
  });

  function start(extra: Record<string, string> = {}) {
    const proc = runCli(['serve'], {
      cwd: dir.path,
      env: {
        SERVER_PORT: '0',
        DATABASE_URL: schema.url,
        DATABASE_POOL_SIZE: '4',
        PAYMENT_WEBHOOK_URL: receiver.url,
        PAYMENT_WEBHOOK_TIMEOUT: '1s',
        PAYMENT_WEBHOOK_RETRY_SCHEDULE: '0,200ms,400ms,800ms,1s,1s,1s,1s,1s,1s',
        PAYMENT_PROCESS_POLLING_INITIAL_DELAY: '0',
        PAYMENT_PROCESS_POLLING_FIXED_DELAY: '50',
        PAYMENT_PROCESS_POLLING_BATCH_SIZE: '100',
        PAYMENT_PROCESS_LEASE: '1s',
        LOGGING_LEVEL: 'info',
        ...extra,
      },
    });
    running.push(proc);
    return proc;
  }

  async function started(proc: Running) {
    const [, instanceId, url] = await proc.waitFor(LISTENING, 60_000);
    return { proc, instanceId: instanceId!, url: url! };
  }

  const one = async <T>(text: string, params: unknown[] = []) => (await admin.query(text, params)).rows[0] as T;

  it('10 processes starting at once on an empty database leave one correct schema and ten distinct worker ids', async () => {
    const procs = Array.from({ length: 10 }, () => start());
    const instances = await Promise.all(procs.map(started));
    const applied = (await admin.query('select name from hamster_schema_migrations order by name')).rows.map((r) => r.name);
    expect(applied).toEqual(MIGRATIONS.map((m) => m.name));
    const workers = (await admin.query('select worker_id, instance_id from snowflake_workers')).rows;
    expect(workers).toHaveLength(10);
    expect(new Set(workers.map((w) => w.worker_id)).size).toBe(10);
    expect(new Set(workers.map((w) => w.instance_id))).toEqual(new Set(instances.map((i) => i.instanceId)));
    // Each one serves.
    for (const { url } of instances) {
      const res = await fetch(`${url}/api/payment`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ orderId: 'BOOT', amount: 1 }),
      });
      expect(res.status).toBe(202);
    }
    // A clean stop gives the worker id back.
    instances[0]!.proc.kill('SIGTERM');
    expect((await instances[0]!.proc.exited).code).toBe(0);
    expect(Number((await one<{ n: string }>('select count(*) n from snowflake_workers')).n)).toBe(9);
  }, 90_000);

  it('4 instances take 20,000 payments round-robin, one is killed mid-run: each payment final once, delivered, work spread and taken over', async () => {
    receiver.answer = () => ({ status: 200, delayMs: 50 }); // keeps webhooks in flight, so the victim holds work when it dies
    const instances = await Promise.all([start(), start(), start(), start()].map(started));
    const victim = instances[3]!;
    const alive = () => instances.filter((i) => i !== victim || victim.proc.child.exitCode === null);

    const total = 20_000;
    const acked: string[] = [];
    let next = 0;
    let heldAtDeath: { payments: string[]; deliveries: string[] } | null = null;
    const worker = async () => {
      while (next < total) {
        const n = next++;
        if (n === 8000 && !heldAtDeath) {
          // Kill it while it holds work: wait until it has webhooks in flight (on a
          // machine loaded by the rest of the suite that can take a few seconds).
          for (let i = 0; i < 500; i++) {
            const busy = await one<{ n: string }>(
              "select count(*) n from webhook_deliveries where claimed_by = $1 and state = 'SENDING'",
              [victim.instanceId],
            );
            if (Number(busy.n) > 0) break;
            await new Promise((r) => setTimeout(r, 20));
          }
          victim.proc.kill('SIGKILL');
          await victim.proc.exited;
          heldAtDeath = {
            payments: (await admin.query("select tid from payment_processes where claimed_by = $1 and status = 'PROCESSING'", [victim.instanceId])).rows.map((r) => r.tid),
            deliveries: (await admin.query("select tid from webhook_deliveries where claimed_by = $1 and state = 'SENDING'", [victim.instanceId])).rows.map((r) => r.tid),
          };
        }
        for (let attempt = 0; ; attempt++) {
          const targets = alive();
          const target = targets[(n + attempt) % targets.length]!;
          try {
            const res = await fetch(`${target.url}/api/payment`, {
              method: 'POST',
              headers: { 'content-type': 'application/json' },
              body: JSON.stringify({ orderId: `MULTI_${n}`, amount: 100 + (n % 900), echo: { n } }),
            });
            const json = (await res.json()) as { transactionId: string };
            expect(res.status).toBe(202);
            acked.push(json.transactionId);
            break;
          } catch (error) {
            // The victim died under this request: not acknowledged, so resent elsewhere
            // (the victim may still have committed it: a payment nobody was told about).
            if (attempt > 3) throw error;
          }
        }
      }
    };
    await Promise.all(Array.from({ length: 24 }, worker));
    expect(acked).toHaveLength(total);

    const deadline = Date.now() + 120_000;
    for (;;) {
      const open = await one<{ n: string }>(
        `select count(*) n from payment_processes p
          where p.status not in ('SUCCESS','FAILED')
             or not exists (select 1 from webhook_deliveries d where d.payment_process_id = p.id and d.state = 'DELIVERED')`,
      );
      if (Number(open.n) === 0) break;
      if (Date.now() > deadline) throw new Error(`${open.n} payments still open`);
      await new Promise((r) => setTimeout(r, 250));
    }

    const stored = Number((await one<{ n: string }>('select count(*) n from payment_processes')).n);
    expect(stored).toBeGreaterThanOrEqual(total);
    expect(stored - total).toBeLessThan(100); // at most the requests in flight when the victim died
    expect(Number((await one<{ n: string }>('select count(*) n from payments')).n)).toBe(stored);
    expect(Number((await one<{ n: string }>('select count(distinct payment_process_id) n from payments')).n)).toBe(stored);
    const mismatched = await one<{ n: string }>(
      'select count(*) n from payments f join payment_processes p on p.id = f.payment_process_id where f.status <> p.status',
    );
    expect(Number(mismatched.n)).toBe(0);
    const tids = new Set((await admin.query('select tid from payment_processes')).rows.map((r) => r.tid));
    for (const tid of acked) expect(tids.has(tid)).toBe(true);

    // Every webhook a payment got announces its one final status.
    const finalOf = new Map((await admin.query('select tid, status from payment_processes')).rows.map((r) => [r.tid, r.status]));
    for (const r of receiver.requests) {
      const body = r.json as { transactionId: string; status: string };
      expect(body.status).toBe(finalOf.get(body.transactionId));
    }
    const webhooked = new Set(receiver.requests.map((r) => (r.json as { transactionId: string }).transactionId));
    expect(webhooked.size).toBe(stored);

    // The work was spread over all four instances.
    const claimers = (await admin.query('select claimed_by, count(*) n from payment_processes group by claimed_by')).rows;
    for (const i of instances.slice(0, 3)) expect(claimers.map((c) => c.claimed_by)).toContain(i.instanceId);
    const deliverers = (await admin.query('select distinct claimed_by from webhook_deliveries')).rows.map((r) => r.claimed_by);
    expect(new Set([...claimers.map((c) => c.claimed_by), ...deliverers])).toContain(victim.instanceId);

    // What the killed instance held when it died was taken over and finished by the others.
    const held = heldAtDeath as { payments: string[]; deliveries: string[] } | null;
    expect(held).not.toBeNull();
    expect(held!.payments.length + held!.deliveries.length).toBeGreaterThan(0);
    for (const tid of [...held!.payments, ...held!.deliveries]) {
      const row = await one<{ status: string; claimed_by: string }>('select status, claimed_by from payment_processes where tid = $1', [tid]);
      expect(['SUCCESS', 'FAILED']).toContain(row.status);
    }
    for (const tid of held!.deliveries) {
      const d = await one<{ state: string; claimed_by: string }>(
        "select state, claimed_by from webhook_deliveries where tid = $1 and state = 'DELIVERED' limit 1",
        [tid],
      );
      expect(d.claimed_by).not.toBe(victim.instanceId);
    }
  }, 240_000);

  it('claims use their indexes (EXPLAIN), even with many finished rows', async () => {
    const database = openDatabase(schema.url);
    await migrate(database);
    await database.close();
    await admin.query(`
      insert into payment_processes (public_id, tid, order_id, amount, status, webhook_url, requested_at, processed_at)
      select 'P' || g, 'DUMMY_20260205_' || lpad(g::text, 8, '0'), 'O' || g, 1, case when g % 1000 = 0 then 'PENDING' else 'SUCCESS' end,
             'http://x', 0, 0
        from generate_series(1, 50000) g`);
    await admin.query(`
      insert into webhook_deliveries (payment_process_id, tid, webhook_id, event_status, origin, url, payload, state, attempt_count, due_at, created_at)
      select id, tid, 'msg_' || id, 'SUCCESS', 'AUTO', 'http://x', '{}', case when id % 1000 = 0 then 'PENDING' else 'DELIVERED' end, 1, 0, 0
        from payment_processes`);
    await admin.query('analyze');
    const plan = async (query: string) => (await admin.query(`explain ${query}`)).rows.map((r) => r['QUERY PLAN']).join('\n');
    const payments = await plan(
      `select id from payment_processes where status = 'PENDING' order by id limit 100 for update skip locked`,
    );
    expect(payments).toMatch(/Index (Only )?Scan using ix_payment_processes_pending/);
    expect(payments).not.toMatch(/Seq Scan/);
    const leases = await plan(
      `select id from payment_processes where status = 'PROCESSING' and processing_started_at < 5 order by processing_started_at limit 100 for update skip locked`,
    );
    expect(leases).toMatch(/(Index (Only )?Scan|Bitmap Index Scan) (using|on) ix_payment_processes_processing/);
    const deliveries = await plan(
      `select id from webhook_deliveries where state in ('PENDING','SENDING') and due_at <= 10 order by due_at limit 64 for update skip locked`,
    );
    expect(deliveries).toMatch(/Index (Only )?Scan using ix_webhook_deliveries_state_due_at|Bitmap Index Scan on ix_webhook_deliveries_state_due_at/);
    expect(deliveries).not.toMatch(/Seq Scan/);
  });

  it('serves the whole API on PostgreSQL: scenarios, merchants, idempotency, trigger, cancel, reset', async () => {
    const other = await startReceiver();
    const t = await startTestApp(
      {
        'database.url': schema.url,
        'admin.allow-data-reset': true,
        'payment.process.random-seed': 'pg',
        scenarios: [
          { name: 'limit', match: { orderId: 'LIMIT_*' }, effect: { outcome: 'FAILED', reason: 'LIMIT_EXCEEDED' } },
          { name: 'twice', match: { orderId: 'TWICE_*' }, effect: { outcome: 'SUCCESS', webhook: { duplicate: 2 } } },
        ],
        merchants: [{ mid: 'shop_pg', webhookUrl: other.url }],
      },
      { receiver },
    );
    try {
      const pay = (body: Record<string, unknown>, headers: Record<string, string> = {}) =>
        t.post('/api/payment', { amount: 1000, echo: { mid: 'hamster_dummy_mid_001' }, ...body }, headers);
      const limit = (await (await pay({ orderId: 'LIMIT_1' })).json()) as { transactionId: string };
      const twice = (await (await pay({ orderId: 'TWICE_1' })).json()) as { transactionId: string };
      const shop = (await (await pay({ orderId: 'SHOP_1', echo: { mid: 'shop_pg' } })).json()) as { transactionId: string };
      const first = await (await pay({ orderId: 'IDEM_1' }, { 'Idempotency-Key': 'k1' })).text();
      expect(await (await pay({ orderId: 'IDEM_1' }, { 'Idempotency-Key': 'k1' })).text()).toBe(first);
      expect((await pay({ orderId: 'IDEM_2' }, { 'Idempotency-Key': 'k1' })).status).toBe(422);
      await t.app.processNow();
      const view = async (tid: string) => (await (await t.get(`/api/payment/transaction/${tid}`)).json()) as Record<string, unknown>;
      expect(await view(limit.transactionId)).toMatchObject({ status: 'FAILED', failReason: 'LIMIT_EXCEEDED', scenario: 'limit' });
      expect(await view(twice.transactionId)).toMatchObject({ status: 'SUCCESS', scenario: 'twice' });
      expect(receiver.requests.filter((r) => (r.json as { transactionId: string }).transactionId === twice.transactionId)).toHaveLength(2);
      expect(other.requests.map((r) => (r.json as { transactionId: string }).transactionId)).toEqual([shop.transactionId]);
      expect((await t.post(`/api/payment/${twice.transactionId}/cancel`, '')).status).toBe(200);
      expect((await t.post(`/api/payment/${limit.transactionId}/cancel`, '')).status).toBe(409);
      const held = (await (await pay({ orderId: 'HELD_1' })).json()) as { transactionId: string };
      const trig = await t.post(`/api/payment/webhook/trigger/${held.transactionId}?status=FAILED&reason=EXPIRED_CARD`, '');
      expect(await trig.json()).toMatchObject({ status: 'FAILED', failReason: 'EXPIRED_CARD', finalizedNow: true });
      const stats = (await (await t.get('/api/stats')).json()) as { counts: Record<string, number> };
      expect(stats.counts.CANCELLED).toBe(1);
      const list = (await (await t.get('/api/payments?orderId=LIMIT')).json()) as { items: unknown[] };
      expect(list.items).toHaveLength(1);
      expect((await fetch(`${t.url}/api/admin/data`, { method: 'DELETE' })).status).toBe(204);
      expect(await t.count('payment_processes')).toBe(0);
      const again = (await (await pay({ orderId: 'AFTER_RESET' })).json()) as { transactionId: string };
      expect((await t.app.store.findPayment(again.transactionId))!.id).toBe(1); // identities restarted
    } finally {
      await t.close();
      await other.close();
    }
  });
});
