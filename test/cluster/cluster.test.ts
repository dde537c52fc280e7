/**
 * `serve --workers 2` for real (issue 13): one command, a primary and two
 * worker processes on one port, on a fresh PostgreSQL schema, webhooks to a
 * real receiver. Every payment final once and webhooked; both workers serve;
 * one live stream sees what either worker does; /metrics counts the whole
 * cluster; a killed worker is replaced; SIGTERM stops everything cleanly; a
 * second signal, or workers that keep dying, end it at once.
 * Runs when TEST_DATABASE_URL is set; skipped, and said so, otherwise.
 */
import { request } from 'node:http';
import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { readdirSync, readFileSync } from 'node:fs';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readEvents } from '../../src/cli/sse.js';
import type { HamsterEvent } from '../../src/http/event-stream.js';
import { HAS_POSTGRES, SKIP_NOTE, createSchema } from '../setup/postgres.js';
import { killAll, runCli, type Running } from '../setup/process.js';
import { until } from '../setup/progress.js';
import { startReceiver, type Receiver } from '../setup/receiver.js';
import { tempDir } from '../setup/tmp.js';

const READY = /"msg":"2 workers ready on (http:\/\/127\.0\.0\.1:\d+)"/;

/** One request on a connection of its own, so the primary hands each to the next worker. */
function call(url: string, method: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, agent: false, headers: body === undefined ? {} : { 'content-type': 'application/json' } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, json: text.startsWith('{') ? JSON.parse(text) : { text } }));
    });
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The processes a process started (its workers), from /proc. */
function childrenOf(pid: number): number[] {
  try {
    return readdirSync(`/proc/${pid}/task`).flatMap((task) =>
      readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number),
    );
  } catch {
    return [];
  }
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe.skipIf(!HAS_POSTGRES)(HAS_POSTGRES ? 'serve --workers 2 on PostgreSQL' : SKIP_NOTE, () => {
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

  function start(args: string[] = [], extra: Record<string, string> = {}): Running {
    const proc = runCli(['serve', '--workers', '2', ...args], {
      cwd: dir.path,
      env: {
        SERVER_PORT: '0',
        DATABASE_URL: schema.url,
        DATABASE_POOL_SIZE: '4',
        PAYMENT_WEBHOOK_URL: receiver.url,
        PAYMENT_WEBHOOK_TIMEOUT: '30s',
        PAYMENT_WEBHOOK_RETRY_SCHEDULE: '0,200ms,400ms,800ms,1s,1s,1s,1s,1s,1s',
        PAYMENT_PROCESS_POLLING_INITIAL_DELAY: '0',
        PAYMENT_PROCESS_POLLING_FIXED_DELAY: '50',
        PAYMENT_PROCESS_POLLING_BATCH_SIZE: '5',
        PAYMENT_PROCESS_LEASE: '2s',
        LOGGING_LEVEL: 'info',
        ...extra,
      },
    });
    running.push(proc);
    return proc;
  }

  /** The ready line: the URL, and each worker's pid and instance id. */
  async function ready(proc: Running): Promise<{ url: string; workers: Array<{ worker: number; pid: number; instanceId: string }> }> {
    const [line] = await proc.waitFor(/^.*"msg":"2 workers ready on .*$/m, 60_000);
    const parsed = JSON.parse(line) as { url: string; workers: Array<{ worker: number; pid: number; instanceId: string }> };
    expect(line).toMatch(READY);
    return parsed;
  }

  const count = async (text: string, params: unknown[] = []) => Number((await admin.query(text, params)).rows[0].n);

  /** Posts `n` payments, a few at a time, each on a new connection; their tids. */
  async function pay(url: string, n: number, prefix: string): Promise<string[]> {
    const tids: string[] = [];
    let next = 0;
    const lane = async () => {
      while (next < n) {
        const i = next++;
        const res = await call(`${url}/api/payment`, 'POST', { orderId: `${prefix}_${i}`, amount: 100 + i });
        expect(res.status, JSON.stringify(res.json)).toBe(202);
        tids.push(res.json.transactionId as string);
      }
    };
    await Promise.all(Array.from({ length: 6 }, lane));
    return tids;
  }

  /** Waits until every payment is final and has its webhook delivered. */
  const allDone = (timeoutMs = 60_000) =>
    until(
      'every payment final and webhooked',
      async () =>
        (await count(
          `select count(*) n from payment_processes p
            where p.status not in ('SUCCESS','FAILED')
               or not exists (select 1 from webhook_deliveries d where d.payment_process_id = p.id and d.state = 'DELIVERED')`,
        )) === 0,
      timeoutMs,
    );

  it('two workers share the work and the port; one stream sees both; metrics count both; a killed worker is replaced; SIGTERM stops cleanly', async () => {
    const proc = start();
    const { url, workers } = await ready(proc);
    expect(workers).toHaveLength(2);
    expect(proc.stdout().match(/workers ready on/g)).toHaveLength(1);

    // A live stream on one worker (whichever the primary hands it to).
    const seen: HamsterEvent[] = [];
    const abort = new AbortController();
    const stream = (async () => {
      for await (const e of readEvents(url, abort.signal)) seen.push(e);
    })().catch(() => undefined);
    // The other worker is told to forward its events once the primary hears of this listener.
    await sleep(1500);

    const tids = await pay(url, 200, 'CL');
    expect(new Set(tids).size).toBe(200);

    // Both workers answer requests on the one port.
    const answered = new Set<number>();
    for (let i = 0; i < 20 && answered.size < 2; i++) answered.add((await call(`${url}/health`, 'GET')).json.pid as number);
    expect(answered).toEqual(new Set(workers.map((w) => w.pid)));

    await allDone();
    const finalized = (tid: string) =>
      seen.filter((e) => e.type === 'payment' && e.change === 'finalized' && e.payment.tid === tid).length;
    await until('the stream saw every payment finalized', () => tids.every((tid) => finalized(tid) >= 1), 15_000);

    // Each payment was finalized once, by either worker, and the stream told it once.
    for (const tid of tids) expect(finalized(tid), tid).toBe(1);
    const accepted = new Set(seen.flatMap((e) => (e.type === 'payment' && e.change === 'accepted' ? [e.payment.tid] : [])));
    expect(tids.every((tid) => accepted.has(tid))).toBe(true);
    const claimers = (await admin.query('select distinct claimed_by from payment_processes')).rows.map((r) => r.claimed_by);
    expect(new Set(claimers)).toEqual(new Set(workers.map((w) => w.instanceId)));
    expect(await count('select count(*) n from (select payment_process_id from webhook_deliveries group by payment_process_id having count(*) > 1) x')).toBe(0);

    // Every payment's webhook arrived, announcing its one final status.
    const statusOf = new Map((await admin.query('select tid, status from payment_processes')).rows.map((r) => [r.tid, r.status]));
    const webhooked = new Set<string>();
    for (const r of receiver.requests) {
      const body = r.json as { transactionId: string; status: string };
      expect(body.status).toBe(statusOf.get(body.transactionId));
      webhooked.add(body.transactionId);
    }
    expect(webhooked).toEqual(new Set(tids));

    // /metrics answers for the cluster, whichever worker answers.
    for (let i = 0; i < 2; i++) {
      const text = (await call(`${url}/metrics`, 'GET')).json.text as string;
      expect(text).toMatch(/^hamster_payments_accepted_total 200$/m);
      const finals = [...text.matchAll(/^hamster_payments_finalized_total\{status="(?:SUCCESS|FAILED)"\} (\d+)$/gm)].map((m) => Number(m[1]));
      expect(finals.reduce((a, b) => a + b, 0)).toBe(200);
      expect(text).toMatch(/^hamster_backlog_pending_payments 0$/m);
    }

    // A worker killed outright is replaced, on the same port; payments keep flowing.
    const victim = workers[0]!;
    process.kill(victim.pid, 'SIGKILL');
    const [, newPid] = await proc.waitFor(/worker \d+ \(pid (\d+)\) ready: 2 of 2 workers serving/, 60_000);
    expect(proc.stdout()).toMatch(new RegExp(`worker ${victim.worker} \\(pid ${victim.pid}\\) exited unexpectedly \\(signal SIGKILL\\); starting another`));
    const more = await pay(url, 40, 'AFTER');
    const now = new Set<number>();
    for (let i = 0; i < 20 && now.size < 2; i++) now.add((await call(`${url}/health`, 'GET')).json.pid as number);
    expect(now).toEqual(new Set([workers[1]!.pid, Number(newPid)]));
    await allDone();
    const webhookedNow = new Set(receiver.requests.map((r) => (r.json as { transactionId: string }).transactionId));
    for (const tid of more) expect(webhookedNow.has(tid), tid).toBe(true);
    // The stream (on whichever worker survived or replaced it) still tells.
    expect(seen.length).toBeGreaterThan(400);

    // SIGTERM: every worker finishes and stops; nothing is left half-done. Nobody reads
    // the output any more (`serve | head`): the last lines meet a closed pipe, and that holds nothing up.
    abort.abort();
    await stream;
    proc.child.stdout!.destroy();
    proc.child.stderr!.destroy();
    await sleep(100);
    proc.kill('SIGTERM');
    expect(await proc.exited).toEqual({ code: 0, signal: null });
    expect(alive(Number(newPid)) || alive(workers[1]!.pid)).toBe(false);
    // The workers that stopped gave their Snowflake ids back (the killed one's lease lapses by itself).
    expect(await count('select count(*) n from snowflake_workers where instance_id <> $1', [victim.instanceId])).toBe(0);
    expect(await count("select count(*) n from payment_processes where status in ('PENDING','PROCESSING')")).toBe(0);
    expect(await count("select count(*) n from webhook_deliveries where state = 'SENDING'")).toBe(0);
    expect(await count('select count(*) n from payment_processes')).toBe(240);
  }, 180_000);

  it('a second signal kills the workers at once (exit 130), while the first waits for a webhook', async () => {
    receiver.answer = () => ({ status: 200, delayMs: 20_000 }); // a webhook that holds the stop
    const proc = start();
    const { url, workers } = await ready(proc);
    await pay(url, 1, 'HOLD');
    await until('the webhook is in flight', async () => (await count("select count(*) n from webhook_deliveries where state = 'SENDING'")) > 0);
    proc.kill('SIGTERM');
    await proc.waitFor(/SIGTERM: stopping 2 workers/);
    proc.kill('SIGTERM');
    expect((await proc.exited).code).toBe(130);
    await until('the workers are gone', () => workers.every((w) => !alive(w.pid)), 5000);
  }, 120_000);

  it('workers that keep dying: it stops trying (exit 1), saying why', async () => {
    const proc = start();
    const { workers } = await ready(proc);
    for (const w of workers) process.kill(w.pid, 'SIGKILL');
    // The third death within 10 s: a replacement, as soon as it exists.
    let replacement = 0;
    await until('a replacement is started', () => {
      replacement = childrenOf(proc.child.pid!).find((pid) => !workers.some((w) => w.pid === pid)) ?? 0;
      return replacement !== 0;
    }, 10_000);
    process.kill(replacement, 'SIGKILL');
    expect((await proc.exited).code).toBe(1);
    expect(proc.stderr()).toMatch(/^hamster-pg: workers keep exiting: 3 within 10 s; stopping/m);
  }, 120_000);

  it('a port in use: said once, exit 2', async () => {
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const { port } = blocker.address() as AddressInfo;
    try {
      const proc = start(['--port', String(port)]);
      expect((await proc.exited).code).toBe(2);
      expect(proc.stderr().trim()).toBe(
        `hamster-pg: Port ${port} on 127.0.0.1 is already in use — stop what uses it, or set server.port (e.g. --port 9083)`,
      );
    } finally {
      blocker.close();
    }
  }, 120_000);
});
