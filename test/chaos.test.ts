/**
 * Whole-process chaos with the real binary: kill -9 at random moments,
 * graceful shutdown under load, and two processes sharing one SQLite file.
 * Every acknowledged payment must reach exactly one final state and be
 * delivered; no final state may ever change.
 */
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { killAll, runCli, type Running } from './setup/process.js';
import { reached } from './setup/progress.js';
import { startReceiver, type Receiver } from './setup/receiver.js';
import { tempDir } from './setup/tmp.js';

let dir: ReturnType<typeof tempDir>;
let receiver: Receiver;
const running: Running[] = [];

beforeEach(async () => {
  dir = tempDir();
  receiver = await startReceiver();
});
afterEach(async () => {
  await killAll(running);
  await receiver.close();
  dir.remove();
});

const LISTENING = /hamster-pg listening on (http:\/\/127\.0\.0\.1:\d+)/;

function env(): Record<string, string> {
  return {
    SERVER_PORT: '0',
    DATABASE_URL: `${dir.path}/chaos.db`,
    PAYMENT_WEBHOOK_URL: receiver.url,
    PAYMENT_WEBHOOK_TIMEOUT: '1s',
    PAYMENT_WEBHOOK_RETRY_SCHEDULE: '0,100ms,200ms,300ms,500ms,500ms,500ms,500ms,500ms,500ms,500ms,500ms',
    PAYMENT_PROCESS_POLLING_INITIAL_DELAY: '0',
    PAYMENT_PROCESS_POLLING_FIXED_DELAY: '20',
    PAYMENT_PROCESS_POLLING_BATCH_SIZE: '50',
    PAYMENT_PROCESS_LEASE: '300ms',
  };
}

async function startService(): Promise<{ proc: Running; url: string }> {
  const proc = runCli(['serve'], { cwd: dir.path, env: env() });
  running.push(proc);
  const [, url] = await proc.waitFor(LISTENING);
  return { proc, url: url! };
}

/** Posts payments from `workers` loops until stopped; keeps the tids that were acknowledged. */
function load(urls: () => string[], workers = 6) {
  const acked: string[] = [];
  const statuses = new Map<number, number>();
  let stopped = false;
  let n = 0;
  const loops = Array.from({ length: workers }, async () => {
    while (!stopped) {
      const targets = urls();
      const url = targets[n++ % targets.length]!;
      try {
        const res = await fetch(`${url}/api/payment`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ orderId: `CHAOS_${n}`, amount: 1000 + (n % 97), echo: { n } }),
        });
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        const json = (await res.json()) as { transactionId?: string };
        if (res.status === 202) acked.push(json.transactionId!);
      } catch {
        // The service is down (killed): not acknowledged, so not owed.
        await new Promise((r) => setTimeout(r, 5));
      }
    }
  });
  return {
    acked,
    statuses,
    async stop() {
      stopped = true;
      await Promise.all(loops);
    },
  };
}

interface Row {
  tid: string;
  status: string;
}

function readDb() {
  const db = new BetterSqlite3(`${dir.path}/chaos.db`, { readonly: true, fileMustExist: true });
  try {
    return {
      processes: db.prepare('select tid, status from payment_processes').all() as Row[],
      finals: db.prepare('select tid, status from payments').all() as Row[],
      delivered: new Set(
        (db.prepare("select distinct tid from webhook_deliveries where state = 'DELIVERED'").all() as Array<{ tid: string }>).map((r) => r.tid),
      ),
    };
  } finally {
    db.close();
  }
}

async function settle(timeoutMs = 40_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const state = readDb();
    const open = state.processes.filter((p) => !['SUCCESS', 'FAILED'].includes(p.status) || !state.delivered.has(p.tid));
    if (open.length === 0) return state;
    if (Date.now() > deadline) throw new Error(`${open.length} payments not final and delivered, e.g. ${JSON.stringify(open.slice(0, 3))}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Every payment: one final state, one `payments` row, delivered, and every webhook for it announcing that state. */
function checkInvariants(state: ReturnType<typeof readDb>, acked: string[]) {
  const byTid = new Map(state.processes.map((p) => [p.tid, p.status]));
  for (const tid of acked) expect(byTid.has(tid), `acknowledged ${tid} is stored`).toBe(true);
  expect(state.finals).toHaveLength(state.processes.length);
  expect(new Set(state.finals.map((f) => f.tid)).size).toBe(state.processes.length);
  for (const f of state.finals) expect(byTid.get(f.tid)).toBe(f.status);
  const announced = new Map<string, Set<string>>();
  for (const r of receiver.requests) {
    const body = r.json as { transactionId: string; status: string };
    if (!announced.has(body.transactionId)) announced.set(body.transactionId, new Set());
    announced.get(body.transactionId)!.add(body.status);
  }
  for (const p of state.processes) {
    const statuses = announced.get(p.tid);
    expect(statuses, `a webhook for ${p.tid}`).toBeDefined();
    expect([...statuses!]).toEqual([p.status]); // never a second, different final state
  }
}

describe('chaos', () => {
  it('kill -9 at random moments: every acknowledged payment ends final once and is delivered', async () => {
    let current = await startService();
    const traffic = load(() => [current.url]);
    let kills = 0;
    for (let round = 0; round < 4; round++) {
      // Each life of the service takes some payments, then dies at a random moment under load.
      const before = traffic.acked.length;
      await reached(`payments acknowledged before kill ${round + 1}`, () => traffic.acked.length, before + 25);
      await new Promise((r) => setTimeout(r, Math.random() * 700));
      current.proc.kill('SIGKILL');
      await current.proc.exited;
      kills++;
      current = await startService();
    }
    await reached('payments acknowledged after the last restart', () => traffic.acked.length, traffic.acked.length + 10);
    await traffic.stop();
    const state = await settle();
    expect(kills).toBe(4);
    checkInvariants(state, traffic.acked);
    expect([...traffic.statuses.keys()].filter((s) => s >= 500)).toEqual([]);
  }, 120_000);

  it('SIGTERM under load: exits cleanly within 10 s and loses nothing', async () => {
    const first = await startService();
    const traffic = load(() => [first.url]);
    await reached('payments acknowledged before SIGTERM', () => traffic.acked.length, 50);
    const stopAsked = Date.now();
    first.proc.kill('SIGTERM');
    const { code } = await first.proc.exited;
    expect(code).toBe(0);
    expect(Date.now() - stopAsked).toBeLessThan(10_000);
    await traffic.stop();
    await startService(); // delivers whatever the stopped one left in the outbox
    checkInvariants(await settle(), traffic.acked);
  }, 120_000);

  it('two processes on one SQLite file: no 5xx, no SQLITE_BUSY, each payment processed once', async () => {
    const a = await startService();
    const b = await startService();
    const traffic = load(() => [a.url, b.url], 8);
    await new Promise((r) => setTimeout(r, 2000));
    await traffic.stop();
    const state = await settle();
    checkInvariants(state, traffic.acked);
    const logs = a.proc.stdout() + b.proc.stdout();
    expect([...traffic.statuses.keys()], logs.split('\n').filter((l) => l.includes('request failed')).slice(0, 2).join('\n')).toEqual([202]);
    for (const p of [a.proc, b.proc]) expect(p.stderr() + p.stdout()).not.toMatch(/SQLITE_BUSY|database is locked/);
  });
});
