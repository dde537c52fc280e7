/**
 * Pieces of the benchmark: processes to measure, a webhook receiver that
 * times arrivals, a paced sender, and reading a process's memory.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { Pool } from 'undici';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));

export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createNetServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

export interface Proc {
  child: ChildProcess;
  url: string;
  /** ms from spawn to the first successful answer of `readyPath`. */
  startupMs: number;
  stop(): Promise<void>;
}

/** Starts a process and waits until `readyPath` answers 200. */
export async function startProcess(command: string[], env: Record<string, string>, port: number, readyPath: string): Promise<Proc> {
  const started = performance.now();
  const child = spawn(process.execPath, command, { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  const url = `http://127.0.0.1:${port}`;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${command.join(' ')} exited: ${stderr}`);
    try {
      const res = await fetch(`${url}${readyPath}`);
      if (res.ok) break;
    } catch {
      // not yet
    }
    await new Promise((r) => setTimeout(r, 5));
  }
  const startupMs = performance.now() - started;
  return {
    child,
    url,
    startupMs,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 15_000).unref();
      }),
  };
}

/** Peak resident set size (VmHWM) and current RSS of a process, in MB (Linux). */
export function memoryOf(pid: number): { peakMb: number; rssMb: number } | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (name: string) => Number(/^(\w+):\s+(\d+) kB$/m.exec(status.split('\n').find((l) => l.startsWith(name)) ?? '')?.[2] ?? NaN);
    return { peakMb: kb('VmHWM') / 1024, rssMb: kb('VmRSS') / 1024 };
  } catch {
    return null;
  }
}

/** Clock ticks per second of /proc's CPU times (USER_HZ: 100 on Linux). */
const TICKS_PER_SECOND = 100;

/** A process and every process it started (a cluster's workers), by /proc's children lists. */
function processTree(pid: number): number[] {
  const all = [pid];
  for (let i = 0; i < all.length; i++) {
    try {
      for (const task of readdirSync(`/proc/${all[i]}/task`)) {
        const kids = readFileSync(`/proc/${all[i]}/task/${task}/children`, 'utf8').trim();
        if (kids) all.push(...kids.split(/\s+/).map(Number));
      }
    } catch {
      // gone meanwhile
    }
  }
  return all;
}

/** CPU time (user + system, all threads) one process has used so far, in ms; 0 once it is gone. */
function cpuOfOne(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after "(comm)": state is the 3rd field, utime the 14th, stime the 15th.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

/**
 * CPU time used so far by a process and its children (a cluster's workers),
 * in ms, read from /proc (Linux). Take it before and after a measured span.
 */
export function cpuMsOf(pid: number): number {
  return processTree(pid).reduce((sum, p) => sum + cpuOfOne(p), 0);
}

/** CPU time used so far by every `postgres` process on this machine (the database server's share), in ms. */
export function postgresCpuMs(): number {
  let sum = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() === 'postgres') sum += cpuOfOne(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return sum;
}

/** The store's statement and round-trip counters, from the service's /metrics. */
export async function databaseCounters(url: string): Promise<{ statements: number; roundTrips: number }> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const read = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? NaN);
  return { statements: read('hamster_db_statements_total'), roundTrips: read('hamster_db_round_trips_total') };
}

/** A Cash Gateway stand-in that records when each payment's first webhook arrived. */
export class Receiver {
  readonly firstAt = new Map<string, number>();
  total = 0;
  private server: Server | null = null;
  private waiters: Array<() => void> = [];
  url = '';

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const at = performance.now();
        this.total++;
        const tid = /"transactionId":"([^"]+)"/.exec(Buffer.concat(chunks).toString('utf8'))?.[1];
        if (tid && !this.firstAt.has(tid)) this.firstAt.set(tid, at);
        res.writeHead(200, { 'content-length': '2' }).end('OK');
        if (this.waiters.length > 0) for (const w of this.waiters.splice(0)) w();
      });
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/api/webhook/pg/DUMMY`;
  }

  reset(): void {
    this.firstAt.clear();
    this.total = 0;
  }

  /** Resolves when `count` distinct payments have been webhooked (or rejects after timeoutMs). */
  async waitForDistinct(count: number, timeoutMs: number): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    while (this.firstAt.size < count) {
      if (performance.now() > deadline) throw new Error(`only ${this.firstAt.size} of ${count} payments webhooked within ${timeoutMs} ms`);
      await new Promise<void>((r) => {
        this.waiters.push(r);
        setTimeout(r, 100);
      });
    }
  }

  stop(): Promise<void> {
    return new Promise((r) => {
      this.server?.closeAllConnections();
      this.server?.close(() => r());
    });
  }
}

export const PAYMENT_BODY = JSON.stringify({
  userPublicId: 'USR_BENCH',
  orderId: 'ORD_BENCH',
  amount: 10000,
  echo: { mid: 'hamster_dummy_mid_001', orderNumber: 'CGW_BENCH', gatewayReferenceId: 'CGW_REF_BENCH' },
});

/**
 * Sends payments at a fixed rate for `seconds` and records each ACK's time
 * by transaction id.
 */
export async function pacedLoad(url: string, rate: number, seconds: number): Promise<{ ackAt: Map<string, number>; errors: number }> {
  const pool = new Pool(url, { connections: 64, pipelining: 1 });
  const ackAt = new Map<string, number>();
  let errors = 0;
  const total = Math.round(rate * seconds);
  const started = performance.now();
  const inflight = new Set<Promise<void>>();
  for (let i = 0; i < total; i++) {
    const due = started + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    const p = pool
      .request({ path: '/api/payment', method: 'POST', headers: { 'content-type': 'application/json' }, body: PAYMENT_BODY })
      .then(async (res) => {
        const text = await res.body.text();
        const at = performance.now();
        const tid = /"transactionId":"([^"]+)"/.exec(text)?.[1];
        if (res.statusCode === 202 && tid) ackAt.set(tid, at);
        else errors++;
      })
      .catch(() => {
        errors++;
      })
      .finally(() => inflight.delete(p));
    inflight.add(p);
  }
  await Promise.all(inflight);
  await pool.close();
  return { ackAt, errors };
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}
