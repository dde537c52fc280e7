/**
 * A cluster's primary (`serve --workers N`, issue 13): N worker processes of
 * the service on one port (node:cluster shares the listening sockets; the
 * primary accepts and hands connections out round-robin), against one
 * PostgreSQL database, where claims (SKIP LOCKED, leases), the outbox and
 * leased Snowflake worker ids already let several instances share the work.
 *
 * The primary serves nothing itself. It checks the settings and migrates the
 * database once, forks the workers and hands each the settings it read,
 * replaces a worker that dies (giving up when they keep dying), relays live
 * events between workers while one has listeners, puts together the
 * cluster's /metrics, and on SIGTERM/SIGINT stops every worker gracefully.
 */
import cluster, { type Worker } from 'node:cluster';
import { writeSync } from 'node:fs';
import type { Config, LoadedConfig } from '../config.js';
import { createLogger, type Logger } from '../log.js';
import { STOP_LIMIT_MS } from '../cli/service.js';
import { MetricsCollector } from './metrics.js';
import { checkClusterConfig, migrateOnce } from './preflight.js';
import { isOurs, WORKER_ENV, type ReadyInfo, type ToPrimary, type ToWorker } from './protocol.js';

/** Workers that exit unexpectedly this many times within CRASH_WINDOW_MS: the primary gives up. */
const CRASH_LIMIT = 3;
const CRASH_WINDOW_MS = 10_000;
/** A replacement starts after this, times the crashes within the window. */
const BACKOFF_MS = 500;
/** Workers still running this long after they were asked to stop are killed (they give themselves STOP_LIMIT_MS). */
const KILL_AFTER_MS = STOP_LIMIT_MS + 5000;

/** Runs the cluster; resolves never: the primary exits when its workers have stopped (or cannot run). */
export async function runPrimary({ config, file, warnings }: LoadedConfig): Promise<void> {
  checkClusterConfig(config);
  const log = createLogger(config.logging.level).child({ role: 'primary' });
  if (file) log.info({ file }, 'configuration file read');
  for (const warning of warnings) log.warn(warning);
  const database = await migrateOnce(config);
  new Primary(config, log).start(database);
  await new Promise(() => undefined);
}

interface Member {
  worker: Worker;
  id: number;
  pid: number;
  /** It has asked for its settings: it hears our messages from then on. */
  listening: boolean;
  /** Set once it serves. */
  info: ReadyInfo | null;
  /** Open event streams on it. */
  subscribers: number;
  /** Whether it has been told to forward its events. */
  relaying: boolean;
  /** Why its start-up cannot work (it exits 2). */
  fatal: string | null;
}

class Primary {
  private readonly members = new Map<number, Member>();
  private readonly n: number;
  /** When workers exited unexpectedly, within the last CRASH_WINDOW_MS. */
  private readonly crashes: number[] = [];
  private readonly replacements = new Set<NodeJS.Timeout>();
  private readonly metrics = new MetricsCollector((workerId, id) => this.sendTo(workerId, { hamster: 'collect', id }));
  /** All N were ready once (said in one line). */
  private announced = false;
  private stopping = false;
  /** Set when the cluster stops because it cannot run: said last, with this exit status. */
  private failure: { message: string; code: number } | null = null;
  /** A worker failed to stop cleanly. */
  private unclean = false;
  private signals = 0;

  constructor(
    private readonly config: Config,
    private readonly log: Logger,
  ) {
    this.n = config.server.workers;
  }

  start(database: string): void {
    // Workers run this same command (the bundle, or the source under tsx in tests), with the same
    // arguments and Node options; WORKER_ENV makes `serve` ask us for its settings instead of reading them.
    cluster.setupPrimary({ exec: process.argv[1]!, args: process.argv.slice(2), execArgv: process.execArgv });
    process.on('SIGINT', (signal) => this.onSignal(signal));
    process.on('SIGTERM', (signal) => this.onSignal(signal));
    this.log.info({ workers: this.n, database }, `starting ${this.n} workers`);
    for (let i = 0; i < this.n; i++) this.fork();
  }

  private fork(): void {
    const worker = cluster.fork({ [WORKER_ENV]: '1' });
    const member: Member = {
      worker,
      id: worker.id,
      pid: worker.process.pid ?? 0,
      listening: false,
      info: null,
      subscribers: 0,
      relaying: false,
      fatal: null,
    };
    this.members.set(worker.id, member);
    worker.on('message', (message: unknown) => this.onMessage(member, message));
    worker.on('exit', (code: number | null, signal: NodeJS.Signals | null) => this.onExit(member, code, signal));
    // A message to a worker that is going away: its exit is what counts.
    worker.on('error', () => undefined);
  }

  private send(member: Member, message: ToWorker): void {
    if (member.worker.isConnected()) member.worker.send(message, () => undefined);
  }

  private sendTo(workerId: number, message: ToWorker): void {
    const member = this.members.get(workerId);
    if (member) this.send(member, message);
  }

  private onMessage(member: Member, message: unknown): void {
    if (!isOurs<ToPrimary>(message)) return;
    switch (message.hamster) {
      case 'hello':
        member.listening = true;
        this.send(member, { hamster: 'config', config: this.config });
        if (this.stopping) this.send(member, { hamster: 'stop' });
        return this.updateRelays();
      case 'ready': {
        const { hamster: _, ...info } = message;
        member.info = info;
        return this.onReady(member);
      }
      case 'fatal':
        member.fatal = message.message;
        return;
      case 'subscribers':
        member.subscribers = message.count;
        return this.updateRelays();
      case 'event':
        for (const other of this.members.values()) if (other !== member && other.subscribers > 0) this.send(other, message);
        return;
      case 'metrics': {
        const ready = [...this.members.values()].filter((m) => m.info !== null).map((m) => m.id);
        this.metrics.collect(ready).then(
          (text) => this.send(member, { hamster: 'metrics', id: message.id, text }),
          (error: Error) => this.send(member, { hamster: 'metrics', id: message.id, error: error.message }),
        );
        return;
      }
      case 'part':
        return this.metrics.take(member.id, message.id, message.metrics);
    }
  }

  /**
   * Each worker forwards its events while another worker has listeners:
   * nothing crosses the channel while nobody watches.
   */
  private updateRelays(): void {
    let total = 0;
    for (const m of this.members.values()) total += m.subscribers;
    for (const m of this.members.values()) {
      const on = total - m.subscribers > 0;
      if (m.listening && on !== m.relaying) {
        m.relaying = on;
        this.send(m, { hamster: 'relay', on });
      }
    }
  }

  private onReady(member: Member): void {
    if (this.stopping) return;
    const ready = [...this.members.values()].filter((m) => m.info !== null);
    const who = { worker: member.id, workerPid: member.pid, instanceId: member.info!.instanceId };
    if (this.announced) {
      this.log.info(who, `worker ${member.id} (pid ${member.pid}) ready: ${ready.length} of ${this.n} workers serving`);
      return;
    }
    if (ready.length < this.n) {
      this.log.debug(who, `worker ${member.id} ready`);
      return;
    }
    this.announced = true;
    const { url, profileUrls } = member.info!;
    const profiles = Object.fromEntries(Object.entries(profileUrls).map(([name, u]) => [`${name}Url`, u]));
    this.log.info(
      { url, ...profiles, workers: ready.map((m) => ({ worker: m.id, pid: m.pid, instanceId: m.info!.instanceId })) },
      `${this.n} workers ready on ${url}`,
    );
  }

  private onExit(member: Member, code: number | null, signal: NodeJS.Signals | null): void {
    this.members.delete(member.id);
    this.metrics.gone(member.id);
    this.updateRelays();
    const how = signal ? `signal ${signal}` : `code ${code}`;
    if (this.stopping) {
      // Killed by a signal while stopping (a Ctrl-C that reached a worker still starting) counts as stopped.
      if (code !== null && code !== 0) this.unclean = true;
      this.log.debug({ worker: member.id, workerPid: member.pid, code, signal }, `worker ${member.id} stopped (${how})`);
      if (this.members.size === 0) this.finish();
      return;
    }
    if (member.fatal !== null && member.info === null && !this.announced) {
      // The cluster's first start cannot work (a port in use, …): every worker would fail alike.
      return this.stop(null, { message: member.fatal, code: 2 });
    }
    const now = Date.now();
    this.crashes.push(now);
    while (this.crashes[0]! <= now - CRASH_WINDOW_MS) this.crashes.shift();
    const about = { worker: member.id, workerPid: member.pid, code, signal, ...(member.fatal ? { error: member.fatal } : {}) };
    if (this.crashes.length >= CRASH_LIMIT) {
      this.log.error(about, `worker ${member.id} (pid ${member.pid}) exited unexpectedly (${how})`);
      return this.stop(null, {
        message: `workers keep exiting: ${this.crashes.length} within ${CRASH_WINDOW_MS / 1000} s; stopping (see the log above)`,
        code: 1,
      });
    }
    const delayMs = BACKOFF_MS * this.crashes.length;
    this.log.error(about, `worker ${member.id} (pid ${member.pid}) exited unexpectedly (${how}); starting another in ${delayMs / 1000} s`);
    const timer = setTimeout(() => {
      this.replacements.delete(timer);
      if (!this.stopping) this.fork();
    }, delayMs);
    this.replacements.add(timer);
  }

  private onSignal(signal: NodeJS.Signals): void {
    if (++this.signals > 1) {
      this.log.warn(`${signal} again: killing the workers and exiting now`);
      for (const m of this.members.values()) m.worker.process.kill('SIGKILL');
      process.exit(130);
    }
    this.stop(
      `${signal}: stopping ${this.members.size} workers; each finishes its requests and webhooks under way (again to exit at once)`,
      null,
    );
  }

  /** Asks every worker to stop gracefully; exits when all have. */
  private stop(line: string | null, failure: { message: string; code: number } | null): void {
    if (this.stopping) return;
    this.stopping = true;
    this.failure = failure;
    for (const timer of this.replacements) clearTimeout(timer);
    this.replacements.clear();
    if (line) this.log.info(line);
    for (const m of this.members.values()) {
      // One that has not asked for its settings yet may not hear a message: a signal ends it (it has no handler yet).
      if (m.listening) this.send(m, { hamster: 'stop' });
      else m.worker.process.kill('SIGTERM');
    }
    setTimeout(() => {
      this.log.error(`workers still running ${KILL_AFTER_MS / 1000} s after they were asked to stop; killing them`);
      for (const m of this.members.values()) m.worker.process.kill('SIGKILL');
      process.exit(1);
    }, KILL_AFTER_MS).unref();
    if (this.members.size === 0) this.finish();
  }

  private finish(): void {
    if (this.failure) {
      if (this.failure.code !== 2) this.log.error(this.failure.message);
      say(this.failure.message);
      process.exit(this.failure.code);
    }
    this.log.info(this.unclean ? 'the workers have stopped, not all cleanly' : 'the workers have stopped');
    process.exit(this.unclean ? 1 : 0);
  }
}

/** One line on stderr, as the command's other errors; nothing when nobody reads it any more. */
function say(line: string): void {
  try {
    writeSync(2, `hamster-pg: ${line}\n`);
  } catch {
    // EPIPE: nobody is reading.
  }
}
