/**
 * `npm run bench`: measures hamster-pg on this machine against a bare
 * node:http server doing the least the same request needs (parse the JSON,
 * answer the ACK, store nothing), in the same run, alternating A B A B and
 * reporting medians, because machines are shared and noisy.
 *
 *   npm run bench                       # SQLite (a file, WAL), everything
 *   npm run bench -- --quick            # no 1,000,000-payment store, fewer rounds
 *   npm run bench -- --db postgres://postgres@127.0.0.1:5432/test
 *   npm run bench -- --soak 10m         # also: RSS over a long run at half load
 *   npm run bench -- --postgres postgres://postgres@127.0.0.1:5432/test
 *                                       # end to end also on PostgreSQL: one instance, then --workers (default 2)
 *   npm run bench -- --profile          # CPU profiles of the service (bench/.work/profiles) and the floor (…/floor)
 *
 * Results: bench/results/<time>.json and a markdown table (printed, and in
 * bench/results/latest.md).
 */
import { cpus, totalmem, platform, release } from 'node:os';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import pg from 'pg';
import { buildBigDatabase } from './big-db.js';
import {
  PAYMENT_BODY,
  ROOT,
  Receiver,
  cpuMsOf,
  databaseCounters,
  freePort,
  median,
  memoryOf,
  pacedLoad,
  percentile,
  postgresCpuMs,
  startProcess,
  type Proc,
} from './lib.js';

const { values: args } = parseArgs({
  options: {
    db: { type: 'string' },
    quick: { type: 'boolean', default: false },
    soak: { type: 'string' },
    rounds: { type: 'string' },
    payments: { type: 'string', default: '20000' },
    big: { type: 'string', default: '1000000' },
    only: { type: 'string' },
    postgres: { type: 'string' },
    workers: { type: 'string', default: '2' },
    profile: { type: 'boolean', default: false },
  },
});
/** --only accept,e2e,latency,big: run just those parts. */
const only = args.only ? new Set(args.only.split(',')) : null;
const runs = (part: string) => only === null || only.has(part);
const quick = args.quick;
const rounds = Number(args.rounds ?? (quick ? 1 : 2));
const E2E = Number(args.payments);
const BIG = Number(args.big);
const FIXED_DELAY = 10;
const ACCEPT_SECONDS = quick ? 5 : 10;
const CLI = join(ROOT, 'dist/hamster-pg.mjs');
const WORK = join(ROOT, 'bench/.work');
const log = (line: string) => process.stderr.write(`${line}\n`);

mkdirSync(WORK, { recursive: true });
const postgresUrl = args.db && /^postgres(ql)?:/.test(args.db) ? args.db : null;
const PROFILES = join(WORK, 'profiles');

/** A fresh, empty store for one run: a new SQLite file, or a new PostgreSQL schema. */
async function freshDatabase(name: string, postgres: string | null = postgresUrl): Promise<{ url: string; drop(): Promise<void> }> {
  if (!postgres) {
    const file = join(WORK, `${name}.db`);
    for (const f of [file, `${file}-wal`, `${file}-shm`]) rmSync(f, { force: true });
    return { url: file, drop: async () => undefined };
  }
  const schema = `bench_${name.replace(/\W/g, '_')}_${Date.now()}`;
  const admin = new pg.Client({ connectionString: postgres });
  await admin.connect();
  await admin.query(`create schema ${schema}`);
  await admin.end();
  const u = new URL(postgres);
  u.searchParams.set('options', `-c search_path=${schema}`);
  return {
    url: u.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: postgres });
      await c.connect();
      await c.query(`drop schema if exists ${schema} cascade`);
      await c.end();
    },
  };
}

async function startService(dbUrl: string, webhookUrl: string, polling: boolean, workers = 1): Promise<Proc> {
  const port = await freePort();
  const profiling = args.profile ? ['--cpu-prof', `--cpu-prof-dir=${PROFILES}`] : [];
  return startProcess(
    // As `npm start` runs it: a 128 MB old generation makes V8 collect before
    // the process grows, without limiting the work (its live heap is ~30 MB).
    ['--max-old-space-size=128', ...profiling, CLI, 'serve'],
    {
      ...(workers > 1 ? { SERVER_WORKERS: String(workers) } : {}),
      SERVER_PORT: String(port),
      // The PortOne listener would take port + 1, which another process may hold.
      PORTONE_SERVER_PORT: '0',
      DATABASE_URL: dbUrl,
      PAYMENT_WEBHOOK_URL: webhookUrl,
      PAYMENT_PROCESS_POLLING_ENABLED: String(polling),
      PAYMENT_PROCESS_POLLING_INITIAL_DELAY: '0',
      PAYMENT_PROCESS_POLLING_FIXED_DELAY: String(FIXED_DELAY),
      PAYMENT_PROCESS_POLLING_BATCH_SIZE: '2000',
      PAYMENT_WEBHOOK_CONCURRENCY: '128',
      // Per-payment info lines would measure the terminal, not the service.
      LOGGING_LEVEL: 'warn',
    },
    port,
    '/ready',
  );
}

async function startBare(): Promise<Proc> {
  const port = await freePort();
  // The bare server answers 202 to any POST; "ready" is its first answer to one.
  const proc = await startProcess([join(ROOT, 'bench/bare-server.mjs'), String(port)], {}, port, '/health').catch(() => null);
  if (proc) return proc;
  throw new Error('bare server did not start');
}

async function cannon(url: string, seconds: number, amount?: number) {
  const r = await autocannon({
    url: `${url}/api/payment`,
    method: 'POST',
    connections: 64,
    ...(amount ? { amount } : { duration: seconds }),
    headers: { 'content-type': 'application/json' },
    body: PAYMENT_BODY,
  });
  return { rps: r.requests.average, p99: r.latency.p99, ok: r['2xx'], non2xx: r.non2xx, errors: r.errors };
}

/** One way of running the service end to end: a backend and a number of worker processes. */
interface Setup {
  name: string;
  postgres: string | null;
  workers: number;
}

/** One end-to-end run: throughput, and the CPU and database work each payment cost. */
interface EndToEndRun {
  paymentsPerSecond: number;
  seconds: number;
  allWebhooked: boolean;
  peakRssMb: number;
  /** The service's CPU (all its processes and threads) per payment, in µs. */
  cpuUsPerPayment: number;
  /** The PostgreSQL server's CPU per payment, in µs (null on SQLite). */
  databaseCpuUsPerPayment: number | null;
  /** Statements and round trips per payment (null with several workers: each counts its own). */
  statementsPerPayment: number | null;
  roundTripsPerPayment: number | null;
}

interface FloorRun {
  cpuUsPerPayment: number;
  paymentsPerSecond: number;
  allWebhooked: boolean;
  databaseCpuUsPerPayment: number | null;
}

interface Results {
  machine: Record<string, unknown>;
  when: string;
  backend: string;
  accept: {
    bare: number[];
    service: number[];
    ratio: number;
    committed: boolean[];
    p99ms: number[];
    /** CPU per request (µs): the bare server's and the service's, in the same rounds. */
    bareCpuUs: number[];
    serviceCpuUs: number[];
    /** The durable floor (bench/floor-server.mjs, SQLite only): its throughput and CPU per request. */
    floor: number[];
    floorCpuUs: number[];
  };
  /** The durable floor end to end on SQLite: CPU per payment and payments/s, beside each round. */
  floorEndToEnd: FloorRun[];
  /** The same on PostgreSQL (with --postgres or a PostgreSQL --db), with the PostgreSQL server's CPU. */
  floorEndToEndPostgres: FloorRun[];
  /** The bare server's CPU per request (µs) beside each end-to-end round: the floor of the headline ratio. */
  bareCpuUsPerRequest: number[];
  /** By setup name (the primary backend first). */
  endToEnd: Record<string, EndToEndRun[]>;
  latency: { rate: number; fixedDelayMs: number; p50: number; p99: number; max: number; measured: number; errors: number } | null;
  /** bareStartMs: the bare server's spawn → first answer in the same run (what starting any Node process costs here). */
  /** startToReadyMs / bareStartMs: the medians of the starts in the *RunsMs lists (older results: one start each). */
  big: {
    payments: number;
    startToReadyMs: number;
    bareStartMs: number;
    startToReadyRunsMs?: number[];
    bareStartRunsMs?: number[];
    peakRssMb: number;
    afterLoadRssMb: number;
  } | null;
  soak: { minutes: number; rssStartMb: number; rssEndMb: number; rssMaxMb: number; samples: number[] } | null;
}

const PRIMARY: Setup = { name: postgresUrl ? 'PostgreSQL' : 'SQLite', postgres: postgresUrl, workers: 1 };
/** The setups end to end runs on: the primary backend, then (with --postgres) PostgreSQL with 1 and --workers processes. */
const SETUPS: Setup[] = [
  PRIMARY,
  ...(args.postgres && !postgresUrl ? [{ name: 'PostgreSQL', postgres: args.postgres, workers: 1 }] : []),
  ...(args.postgres || postgresUrl
    ? args.workers
        .split(',')
        .map(Number)
        .filter((n) => n > 1)
        .map((n) => ({ name: `PostgreSQL, ${n} workers`, postgres: (args.postgres ?? postgresUrl)!, workers: n }))
    : []),
];

/**
 * The durable floor (bench/floor-server.mjs) on a fresh SQLite file, or
 * (bench/floor-server-pg.mjs) a fresh PostgreSQL schema; with a webhook URL
 * it also processes and delivers.
 */
async function startFloor(dbUrl: string, webhookUrl?: string): Promise<Proc> {
  const port = await freePort();
  const script = /^postgres(ql)?:/.test(dbUrl) ? 'bench/floor-server-pg.mjs' : 'bench/floor-server.mjs';
  // Profiled beside the service, to compare the two: bench/.work/profiles/floor.
  const profiling = args.profile ? ['--cpu-prof', `--cpu-prof-dir=${join(PROFILES, 'floor')}`] : [];
  return startProcess([...profiling, join(ROOT, script), String(port), dbUrl, ...(webhookUrl ? [webhookUrl] : [])], {}, port, '/health');
}

/** The PostgreSQL the end-to-end setups use, if any: the PostgreSQL floor runs there too. */
const floorPostgres = args.postgres ?? postgresUrl;

/** The floor only measures SQLite (its schema and pragmas are the service's SQLite ones). */
const withFloor = postgresUrl === null;

/** The bare server's CPU per request (µs) over `requests` requests. */
async function bareCpu(requests: number): Promise<{ rps: number; cpuUs: number }> {
  const bare = await startBare();
  await cannon(bare.url, 2); // warm-up
  const before = cpuMsOf(bare.child.pid!);
  const r = await cannon(bare.url, 0, requests);
  const cpuUs = ((cpuMsOf(bare.child.pid!) - before) * 1000) / r.ok;
  await bare.stop();
  return { rps: r.rps, cpuUs };
}

/** E2E payments as fast as they are accepted, until the last webhook, on one setup. */
async function endToEnd(setup: Setup, receiver: Receiver, round: number): Promise<EndToEndRun> {
  const db = await freshDatabase(`e2e-${setup.workers}-${round}`, setup.postgres);
  const svc = await startService(db.url, receiver.url, true, setup.workers);
  receiver.reset();
  const counters = setup.workers === 1 ? await databaseCounters(svc.url) : null;
  const cpuBefore = cpuMsOf(svc.child.pid!);
  const pgBefore = setup.postgres ? postgresCpuMs() : 0;
  const started = performance.now();
  const sent = await cannon(svc.url, 0, E2E);
  let all = true;
  try {
    await receiver.waitForDistinct(sent.ok, 120_000);
  } catch (error) {
    all = false;
    log(String(error));
  }
  const cpuMs = cpuMsOf(svc.child.pid!) - cpuBefore;
  const pgMs = setup.postgres ? postgresCpuMs() - pgBefore : null;
  const last = Math.max(...receiver.firstAt.values());
  const seconds = (last - started) / 1000;
  const done = receiver.firstAt.size;
  const after = counters ? await databaseCounters(svc.url) : null;
  const run: EndToEndRun = {
    paymentsPerSecond: done / seconds,
    seconds,
    allWebhooked: all && sent.ok === E2E && done === E2E,
    peakRssMb: memoryOf(svc.child.pid!)?.peakMb ?? NaN,
    cpuUsPerPayment: (cpuMs * 1000) / done,
    databaseCpuUsPerPayment: pgMs === null ? null : (pgMs * 1000) / done,
    // (The counters also count the two /metrics reads' and the /ready polls' statements: none.)
    statementsPerPayment: counters && after ? (after.statements - counters.statements) / done : null,
    roundTripsPerPayment: counters && after ? (after.roundTrips - counters.roundTrips) / done : null,
  };
  await svc.stop();
  await db.drop();
  log(
    `end-to-end round ${round}, ${setup.name}: ${E2E} payments, last webhook after ${seconds.toFixed(2)} s = ${Math.round(run.paymentsPerSecond)} payments/s; ` +
      `service CPU ${run.cpuUsPerPayment.toFixed(0)} µs/payment` +
      (run.databaseCpuUsPerPayment !== null ? `, PostgreSQL CPU ${run.databaseCpuUsPerPayment.toFixed(0)} µs/payment` : '') +
      (run.statementsPerPayment !== null ? `, ${run.statementsPerPayment.toFixed(2)} statements and ${run.roundTripsPerPayment!.toFixed(2)} round trips/payment` : ''),
  );
  return run;
}

/** The durable floor end to end: the same E2E payments, until the last webhook (on PostgreSQL with `postgres`). */
async function floorEndToEnd(receiver: Receiver, round: number, postgres: string | null): Promise<FloorRun> {
  const db = await freshDatabase(`e2e-floor-${round}`, postgres);
  const floor = await startFloor(db.url, receiver.url);
  receiver.reset();
  const cpuBefore = cpuMsOf(floor.child.pid!);
  const pgBefore = postgres ? postgresCpuMs() : 0;
  const started = performance.now();
  const sent = await cannon(floor.url, 0, E2E);
  let all = true;
  await receiver.waitForDistinct(sent.ok, 120_000).catch((error: unknown) => {
    all = false;
    log(String(error));
  });
  const cpuMs = cpuMsOf(floor.child.pid!) - cpuBefore;
  const pgMs = postgres ? postgresCpuMs() - pgBefore : null;
  const done = receiver.firstAt.size;
  const seconds = (Math.max(...receiver.firstAt.values()) - started) / 1000;
  await floor.stop();
  await db.drop();
  const run: FloorRun = {
    cpuUsPerPayment: (cpuMs * 1000) / done,
    paymentsPerSecond: done / seconds,
    allWebhooked: all && done === E2E,
    databaseCpuUsPerPayment: pgMs === null ? null : (pgMs * 1000) / done,
  };
  log(
    `end-to-end round ${round}, durable floor${postgres ? ' on PostgreSQL' : ''}: ${Math.round(run.paymentsPerSecond)} payments/s; CPU ${run.cpuUsPerPayment.toFixed(0)} µs/payment` +
      (run.databaseCpuUsPerPayment !== null ? `, PostgreSQL CPU ${run.databaseCpuUsPerPayment.toFixed(0)} µs/payment` : ''),
  );
  return run;
}

async function main(): Promise<void> {
  const receiver = new Receiver();
  await receiver.start();
  const results: Results = {
    machine: {
      cpus: `${cpus().length} × ${cpus()[0]?.model ?? '?'}`,
      memoryGb: Math.round(totalmem() / 2 ** 30),
      os: `${platform()} ${release()}`,
      node: process.version,
    },
    when: new Date().toISOString(),
    backend: postgresUrl ? 'PostgreSQL' : 'SQLite (file, WAL)',
    accept: { bare: [], service: [], ratio: NaN, committed: [], p99ms: [], bareCpuUs: [], serviceCpuUs: [], floor: [], floorCpuUs: [] },
    bareCpuUsPerRequest: [],
    floorEndToEnd: [],
    floorEndToEndPostgres: [],
    endToEnd: Object.fromEntries(SETUPS.map((s) => [s.name, []])),
    latency: null,
    big: null,
    soak: null,
  };
  if (args.profile) {
    rmSync(PROFILES, { recursive: true, force: true });
    mkdirSync(PROFILES, { recursive: true });
  }

  // 1. Accept throughput, bare A and service B, alternately.
  for (let round = 1; round <= (runs('accept') ? rounds : 0); round++) {
    const bare = await startBare();
    await cannon(bare.url, 2); // warm-up
    const bareCpuBefore = cpuMsOf(bare.child.pid!);
    const b = await cannon(bare.url, ACCEPT_SECONDS);
    results.accept.bareCpuUs.push(((cpuMsOf(bare.child.pid!) - bareCpuBefore) * 1000) / b.ok);
    await bare.stop();
    results.accept.bare.push(b.rps);
    log(`accept round ${round}: bare node:http ${Math.round(b.rps)} req/s, ${results.accept.bareCpuUs.at(-1)!.toFixed(1)} µs CPU/request`);

    const db = await freshDatabase(`accept-${round}`);
    const svc = await startService(db.url, receiver.url, false);
    await cannon(svc.url, 2);
    const before = await countPayments(svc.url);
    const cpuBefore = cpuMsOf(svc.child.pid!);
    const s = await cannon(svc.url, ACCEPT_SECONDS);
    results.accept.serviceCpuUs.push(((cpuMsOf(svc.child.pid!) - cpuBefore) * 1000) / s.ok);
    const after = await countPayments(svc.url);
    await svc.stop();
    await db.drop();
    results.accept.service.push(s.rps);
    results.accept.p99ms.push(s.p99);
    // Every 202 answered had its row committed: the store holds at least as many new payments
    // (a few more: requests in flight when the warm-up or the load stopped — at most 64 each,
    // one per connection — were stored, their 202s not counted).
    results.accept.committed.push(after - before >= s.ok && after - before <= s.ok + 128 && s.non2xx === 0);
    log(
      `accept round ${round}: hamster-pg ${Math.round(s.rps)} req/s (p99 ${s.p99} ms), ${s.ok} ACKs, ${s.non2xx} other answers, ${after - before} rows, ` +
        `${results.accept.serviceCpuUs.at(-1)!.toFixed(1)} µs CPU/request`,
    );

    if (withFloor) {
      const floorDb = await freshDatabase(`accept-floor-${round}`);
      const floor = await startFloor(floorDb.url);
      await cannon(floor.url, 2);
      const floorCpuBefore = cpuMsOf(floor.child.pid!);
      const f = await cannon(floor.url, ACCEPT_SECONDS);
      results.accept.floorCpuUs.push(((cpuMsOf(floor.child.pid!) - floorCpuBefore) * 1000) / f.ok);
      results.accept.floor.push(f.rps);
      await floor.stop();
      log(`accept round ${round}: durable floor ${Math.round(f.rps)} req/s, ${results.accept.floorCpuUs.at(-1)!.toFixed(1)} µs CPU/request`);
    }
  }
  results.accept.ratio = median(results.accept.service) / median(results.accept.bare);

  // 2. End to end: E2E payments as fast as they are accepted, until the last
  // webhook — on each setup in turn, beside the bare server's CPU per request.
  for (let round = 1; round <= (runs('e2e') ? rounds : 0); round++) {
    const bare = await bareCpu(E2E);
    results.bareCpuUsPerRequest.push(bare.cpuUs);
    log(`end-to-end round ${round}: bare node:http ${bare.cpuUs.toFixed(1)} µs CPU/request (${Math.round(bare.rps)} req/s)`);
    for (const setup of SETUPS) results.endToEnd[setup.name]!.push(await endToEnd(setup, receiver, round));
    if (withFloor) results.floorEndToEnd.push(await floorEndToEnd(receiver, round, null));
    if (floorPostgres) results.floorEndToEndPostgres.push(await floorEndToEnd(receiver, round, floorPostgres));
  }

  // 3. ACK → webhook latency at half the maximum end-to-end load (or --rate).
  if (runs('latency')) {
    const measured = median((results.endToEnd[PRIMARY.name] ?? []).map((r) => r.paymentsPerSecond));
    const rate = Math.max(1, Math.floor((Number.isFinite(measured) ? measured : 5000) / 2));
    const db = await freshDatabase('latency');
    const svc = await startService(db.url, receiver.url, true);
    receiver.reset();
    const { ackAt, errors } = await pacedLoad(svc.url, rate, quick ? 5 : 10);
    await receiver.waitForDistinct(ackAt.size, 60_000).catch((e: unknown) => log(String(e)));
    const lat = [...ackAt].flatMap(([tid, at]) => (receiver.firstAt.has(tid) ? [receiver.firstAt.get(tid)! - at] : [])).sort((a, b) => a - b);
    results.latency = {
      rate,
      fixedDelayMs: FIXED_DELAY,
      p50: percentile(lat, 50),
      p99: percentile(lat, 99),
      max: lat.at(-1) ?? NaN,
      measured: lat.length,
      errors,
    };
    await svc.stop();
    await db.drop();
    log(`latency at ${rate}/s: p50 ${results.latency.p50.toFixed(1)} ms, p99 ${results.latency.p99.toFixed(1)} ms, max ${results.latency.max.toFixed(1)} ms`);
  }

  // 4. A store of 1,000,000 payments: start-up time and memory (SQLite).
  if (runs('big') && !quick && !postgresUrl) {
    const file = join(WORK, `big-${BIG}.db`);
    log(`building a store of ${BIG.toLocaleString('en')} payments (once; kept in bench/.work)…`);
    await buildBigDatabase(file, BIG, log);
    // One start is one sample of a noisy machine: STARTS starts, alternating
    // with a bare server's, and the medians; the first also takes the load.
    const STARTS = 5;
    const readyMs: number[] = [];
    const bareMs: number[] = [];
    let mem: ReturnType<typeof memoryOf> = null;
    for (let i = 0; i < STARTS; i++) {
      const svc = await startService(file, receiver.url, true);
      readyMs.push(svc.startupMs);
      if (i === 0) {
        receiver.reset();
        await pacedLoad(svc.url, 2000, 5);
        mem = memoryOf(svc.child.pid!);
      }
      await svc.stop();
      const bare = await startBare();
      bareMs.push(bare.startupMs);
      await bare.stop();
    }
    results.big = {
      payments: BIG,
      startToReadyMs: median(readyMs),
      bareStartMs: median(bareMs),
      startToReadyRunsMs: readyMs,
      bareStartRunsMs: bareMs,
      peakRssMb: mem?.peakMb ?? NaN,
      afterLoadRssMb: mem?.rssMb ?? NaN,
    };
    log(`big store: ready in ${readyMs.map((ms) => Math.round(ms)).join(', ')} ms (bare ${bareMs.map((ms) => Math.round(ms)).join(', ')} ms), peak RSS ${mem?.peakMb.toFixed(0)} MB`);
  }

  // 5. Optional soak: RSS over a long run at half load.
  if (args.soak) {
    const minutes = parseDuration(args.soak) / 60_000;
    const measured = median((results.endToEnd[PRIMARY.name] ?? []).map((r) => r.paymentsPerSecond));
    const rate = Math.max(1, Math.floor((Number.isFinite(measured) ? measured : 5000) / 2));
    const db = await freshDatabase('soak');
    const svc = await startService(db.url, receiver.url, true);
    const samples: number[] = [];
    const sampler = setInterval(() => samples.push(memoryOf(svc.child.pid!)?.rssMb ?? NaN), 10_000);
    log(`soak: ${minutes} min at ${rate}/s…`);
    await pacedLoad(svc.url, rate, minutes * 60);
    clearInterval(sampler);
    results.soak = { minutes, rssStartMb: samples[0] ?? NaN, rssEndMb: samples.at(-1) ?? NaN, rssMaxMb: Math.max(...samples), samples };
    await svc.stop();
    await db.drop();
  }

  await receiver.stop();
  const table = render(results);
  process.stdout.write(`\n${table}\n`);
  const dir = join(ROOT, 'bench/results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${results.when.replace(/[:.]/g, '-')}.json`), `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(join(dir, 'latest.md'), `${table}\n`);
}

async function countPayments(url: string): Promise<number> {
  const stats = (await (await fetch(`${url}/api/stats`)).json()) as { counts: Record<string, number> };
  return Object.values(stats.counts).reduce((a, b) => a + b, 0);
}

function parseDuration(text: string): number {
  const m = /^(\d+)(s|m|h)$/.exec(text);
  if (!m) throw new Error(`--soak takes a duration like 10m, not ${text}`);
  return Number(m[1]) * { s: 1000, m: 60_000, h: 3_600_000 }[m[2] as 's' | 'm' | 'h'];
}

function render(r: Results): string {
  const n = (x: number, digits = 0) => (Number.isFinite(x) ? x.toLocaleString('en', { maximumFractionDigits: digits, minimumFractionDigits: digits }) : '—');
  const verdict = (ok: boolean | null) => (ok === null ? '—' : ok ? '✅ met' : '❌ not met');
  const acceptBare = median(r.accept.bare);
  const acceptSvc = median(r.accept.service);
  const bareCpu = median(r.bareCpuUsPerRequest);
  const primary = r.endToEnd[PRIMARY.name] ?? [];
  const of = (runs: EndToEndRun[], pick: (run: EndToEndRun) => number | null) => median(runs.map(pick).filter((x): x is number => x !== null));
  const e2e = of(primary, (x) => x.paymentsPerSecond);
  const cpu = of(primary, (x) => x.cpuUsPerPayment);
  const allWebhooked = (runs: EndToEndRun[]) => runs.every((x) => x.allWebhooked);
  const floorCpu = median(r.floorEndToEnd.map((x) => x.cpuUsPerPayment));
  const floorSqlitePps = median(r.floorEndToEnd.map((x) => x.paymentsPerSecond));
  const floorRow = (name: string, runs: FloorRun[]): string[] => {
    if (runs.length === 0) return [];
    const pps = median(runs.map((x) => x.paymentsPerSecond));
    const cpuUs = median(runs.map((x) => x.cpuUsPerPayment));
    const dbCpu = median(runs.flatMap((x) => (x.databaseCpuUsPerPayment === null ? [] : [x.databaseCpuUsPerPayment])));
    const vs = runs === r.floorEndToEnd || !Number.isFinite(floorSqlitePps) ? '' : ` (${n(pps / floorSqlitePps, 2)} × the SQLite floor)`;
    return [`| ${name} | ${n(pps)}${vs} | ${n(cpuUs)} µs (${n(cpuUs / bareCpu, 1)} × bare) | ${Number.isFinite(dbCpu) ? `${n(dbCpu)} µs` : '—'} | — | ${runs.every((x) => x.allWebhooked) ? 'yes' : 'NO'} |`];
  };
  const rows: string[][] = [];
  if (primary.length > 0) {
    rows.push([
      '**CPU per payment, end to end**',
      '≤ 6 × bare CPU per request',
      `${n(cpu)} µs vs bare ${n(bareCpu, 1)} µs = **${n(cpu / bareCpu, 1)} ×**` +
        (r.floorEndToEnd.length > 0 ? `; the durable floor: ${n(floorCpu)} µs = ${n(floorCpu / bareCpu, 1)} ×` : ''),
      verdict(cpu / bareCpu <= 6),
    ]);
  }
  if (r.accept.service.length > 0) {
    rows.push([
      'accept throughput',
      '≥ 0.5 × bare node:http',
      `${n(acceptSvc)} req/s vs bare ${n(acceptBare)} req/s = **${n(r.accept.ratio, 2)} ×**; CPU ${n(median(r.accept.serviceCpuUs), 1)} vs ${n(median(r.accept.bareCpuUs), 1)} µs/request; every 202 committed: ${r.accept.committed.every(Boolean) ? 'yes' : 'NO'}` +
        (r.accept.floor.length > 0
          ? `; the durable floor: ${n(median(r.accept.floor))} req/s = ${n(median(r.accept.floor) / acceptBare, 2)} ×, ${n(median(r.accept.floorCpuUs), 1)} µs/request`
          : ''),
      verdict(r.accept.ratio >= 0.5 && r.accept.committed.every(Boolean)),
    ]);
  }
  if (primary.length > 0) {
    rows.push([
      'end-to-end',
      `≥ 10,000 payments/s for ${n(E2E)}, all webhooked`,
      `**${n(e2e)} payments/s** (first POST → last webhook: ${n(of(primary, (x) => x.seconds), 2)} s); all webhooked: ${allWebhooked(primary) ? 'yes' : 'NO'}`,
      verdict(e2e >= 10_000 && allWebhooked(primary)),
    ]);
  }
  const setupRows = Object.entries(r.endToEnd)
    .filter(([, runs]) => runs.length > 0)
    .map(([name, runs]) => {
      const pps = of(runs, (x) => x.paymentsPerSecond);
      const stmts = of(runs, (x) => x.statementsPerPayment);
      const trips = of(runs, (x) => x.roundTripsPerPayment);
      const dbCpu = of(runs, (x) => x.databaseCpuUsPerPayment);
      return [
        name,
        `${n(pps)}${name === PRIMARY.name ? '' : ` (${n(pps / e2e, 2)} × ${PRIMARY.name})`}`,
        `${n(of(runs, (x) => x.cpuUsPerPayment))} µs (${n(of(runs, (x) => x.cpuUsPerPayment) / bareCpu, 1)} × bare)`,
        Number.isFinite(dbCpu) ? `${n(dbCpu)} µs` : '—',
        Number.isFinite(stmts) ? `${n(stmts, 2)} / ${n(trips, 2)}` : '—',
        allWebhooked(runs) ? 'yes' : 'NO',
      ];
    });
  if (r.latency) {
    rows.push([
      'ACK → webhook at half load',
      `p99 ≤ fixed-delay (${r.latency.fixedDelayMs} ms) + 100 ms`,
      `at ${n(r.latency.rate)}/s: p50 ${n(r.latency.p50, 1)} ms · **p99 ${n(r.latency.p99, 1)} ms** · max ${n(r.latency.max, 1)} ms (${n(r.latency.measured)} payments)`,
      verdict(r.latency.p99 <= r.latency.fixedDelayMs + 100),
    ]);
  }
  if (primary.length > 0) rows.push(['peak RSS, end-to-end run', '—', `${n(of(primary, (x) => x.peakRssMb))} MB`, '—']);
  if (r.big) {
    rows.push(['peak RSS with 1,000,000 payments stored', '≤ 200 MB', `**${n(r.big.peakRssMb)} MB** (after 5 s of load at 2,000/s)`, verdict(r.big.peakRssMb <= 200)]);
    const starts = r.big.startToReadyRunsMs ?? [r.big.startToReadyMs];
    rows.push([
      'start → ready, 1,000,000-payment store',
      '≤ 500 ms',
      `**${n(r.big.startToReadyMs)} ms** (process spawn → /ready answers 200; median of ${starts.length}, ${n(Math.min(...starts))}–${n(Math.max(...starts))} ms; a bare node:http process: ${n(r.big.bareStartMs)} ms)`,
      verdict(r.big.startToReadyMs <= 500),
    ]);
  }
  if (r.soak) {
    const flat = r.soak.rssEndMb <= r.soak.rssStartMb * 1.2 + 10;
    rows.push([`RSS over a ${n(r.soak.minutes)}-minute soak`, 'flat', `${n(r.soak.rssStartMb)} → ${n(r.soak.rssEndMb)} MB (max ${n(r.soak.rssMaxMb)})`, verdict(flat)]);
  }
  const m = r.machine;
  return [
    `Backend: ${r.backend} · ${String(m.cpus)} · ${String(m.memoryGb)} GiB · ${String(m.os)} · Node ${String(m.node)} · ${r.when}`,
    `Load generator (autocannon, 64 connections), webhook receiver and service share the machine; medians of ${rounds} alternating round(s).`,
    '',
    '| measure | target | measured | |',
    '|---|---|---|---|',
    ...rows.map((row) => `| ${row.join(' | ')} |`),
    ...(setupRows.length > 0
      ? [
          '',
          `End to end by setup (${n(E2E)} payments; medians of ${rounds} round(s); bare node:http: ${n(bareCpu, 1)} µs CPU/request):`,
          '',
          '| setup | payments/s | service CPU/payment | PostgreSQL CPU/payment | statements / round trips per payment | all webhooked |',
          '|---|---|---|---|---|---|',
          ...setupRows.map((row) => `| ${row.join(' | ')} |`),
          ...floorRow('durable floor (bench/floor-server.mjs), SQLite', r.floorEndToEnd),
          ...floorRow('durable floor (bench/floor-server-pg.mjs), PostgreSQL', r.floorEndToEndPostgres),
        ]
      : []),
  ].join('\n');
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
