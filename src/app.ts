/**
 * The composition root: builds the store, the scheduler (processor), the
 * webhook dispatcher, the test control and the HTTP API from one Config, and
 * starts and stops them in the right order.
 */
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { Control } from './admin/control.js';
import { settingsSummary, type Config } from './config.js';
import { DatabaseUnusable, isUnusable, openDatabase, type Database } from './db/database.js';
import { migrate } from './db/migrate.js';
import { EngineEvents } from './events.js';
import { EventBus, Streams } from './http/event-stream.js';
import { Hangs } from './http/hangs.js';
import { Metrics } from './http/metrics.js';
import { registerRoutes } from './http/routes.js';
import { createHttpServer, type HttpServer } from './http/server.js';
import { metricsListener, streamListener } from './http/observers.js';
import { createLogger, type Logger } from './log.js';
import { ApprovalNumbers, Snowflake, randomTidSuffix, type TidSuffixSource } from './payments/ids.js';
import { PaymentServices } from './payments/payment.services.js';
import { PROFILES, webhookRenderer } from './profiles/registry.js';
import { ProfileListeners, configuredMerchants, documentedPaths } from './profiles/engine-parts.js';
import type { ProfileDeps } from './profiles/profile.js';
import { randomForPayments } from './payments/random.js';
import { Store } from './store/store.js';
import { systemClock, type Clock } from './time.js';
import { VERSION } from './version.js';
import type { RetryPolicy } from './webhooks/backoff.js';
import { createSender, type Sender } from './webhooks/sender.js';
import type { Dispatcher } from './worker/dispatcher.js';
import { Loops } from './worker/poller.js';
import type { Processor } from './worker/processor.js';
import { wireEngine } from './app.engine.js';
import { HEARTBEAT_EVERY_MS, WorkerId } from './worker/worker-id.js';

export interface AppOptions {
  logger?: Logger;
  clock?: Clock;
  /** Randomness for retry jitter (tests make it fixed). */
  random?: () => number;
  /** Folder that a relative database path is resolved against. */
  cwd?: string;
  /** Source of the tid's 8 random digits (tests force collisions with it). */
  tidSuffix?: TidSuffixSource;
}

/** Expired Idempotency-Keys are deleted this often (they already count as absent). */
const SWEEP_EVERY_MS = 10 * 60_000;
/** Scenario rules and merchants changed by another instance are picked up this often. */
const CONTROL_REFRESH_MS = 1000;
/** How long a stop waits for requests under way before it cuts their connections. */
const CLOSE_GRACE_MS = 3000;

export class App {
  readonly store: Store;
  readonly control: Control;
  readonly processor: Processor;
  readonly dispatcher: Dispatcher;
  /** The after-commit event port: metrics, the event stream and the dispatcher subscribe here. */
  readonly engineEvents: EngineEvents;
  /** The stream behind /api/events (and `hamster-pg tail`). */
  readonly events = new EventBus();
  readonly services: PaymentServices;
  readonly metrics: Metrics;
  /** Names this process in claims and worker-id leases. */
  readonly instanceId = randomUUID();
  /** The Snowflake worker id: configured, or leased (worker/worker-id.ts). */
  private readonly workerId: WorkerId;
  private readonly sender: Sender;
  private readonly hangs = new Hangs();
  private readonly streams = new Streams();
  /** Background loops, and when each runs. */
  private readonly loops: Loops;
  private listening = false;
  private stopping: Promise<void> | null = null;
  private baseUrl: string | null = null;
  /** Listeners of contracts that need their own (PortOne). */
  private readonly profileListeners: ProfileListeners;

  private constructor(
    readonly config: Config,
    readonly database: Database,
    readonly http: HttpServer,
    readonly log: Logger,
    options: AppOptions,
  ) {
    const clock = options.clock ?? systemClock;
    const polling = config.payment.process.polling;
    const webhook = config.payment.webhook;
    const seed = config.payment.process.randomSeed;
    const retry: RetryPolicy = {
      scheduleMs: webhook.retry.scheduleMs,
      jitterPercent: webhook.retry.jitterPercent,
      random: options.random ?? Math.random,
    };

    this.engineEvents = new EngineEvents((err) => log.error({ err }, 'an event listener failed'));
    this.store = new Store({
      database,
      clock,
      snowflake: new Snowflake(0, clock),
      approvals: new ApprovalNumbers(),
      tidSuffix: options.tidSuffix ?? randomTidSuffix,
      leaseMs: config.payment.process.leaseMs,
      webhookTimeoutMs: webhook.timeoutMs,
      retry,
      idempotencyTtlMs: config.payment.idempotency.ttlMs,
      instanceId: this.instanceId,
      webhooks: webhookRenderer,
      delayRandomFor: randomForPayments(seed === null ? null : `${seed}:delay`),
    });
    this.workerId = new WorkerId(this.store, this.instanceId, config.server.workerId, log);
    this.control = new Control({
      database,
      clock,
      log,
      configuredScenarios: config.scenarios,
      // A contract's own merchants too (the default PortOne store).
      configuredMerchants: configuredMerchants(PROFILES, config),
      defaultWebhookUrl: webhook.url,
      unknownMid: config.payment.merchant.unknownMid,
    });
    this.metrics = new Metrics(() => this.store.backlog(), database.stats);
    this.sender = createSender({ timeoutMs: webhook.timeoutMs, connections: webhook.concurrency });
    const engine = wireEngine({ config, retry, store: this.store, control: this.control, events: this.engineEvents, send: this.sender.send, clock, log });
    this.dispatcher = engine.dispatcher;
    this.processor = engine.processor;
    const decide = engine.decide;

    this.loops = new Loops((name, err) => log.error({ err }, `${name} failed`));
    const loop = this.loops.add.bind(this.loops);
    loop('processing pass', polling.initialDelayMs, polling.fixedDelayMs, () => this.processor.runPass(), () => polling.enabled);
    // Webhooks go out as soon as they are finalized (wake); this loop sends
    // retries when due, and whatever an earlier run left in the outbox.
    loop('delivery pass', 0, polling.fixedDelayMs, () => this.dispatcher.pump());
    loop('idempotency key sweep', SWEEP_EVERY_MS, SWEEP_EVERY_MS, () => this.store.sweepIdempotencyKeys());
    loop('reloading scenarios and merchants', CONTROL_REFRESH_MS, CONTROL_REFRESH_MS, () => this.control.refresh());
    loop('worker id heartbeat', HEARTBEAT_EVERY_MS, HEARTBEAT_EVERY_MS, () => this.workerId.heartbeat(), () => this.workerId.leased);

    this.services = new PaymentServices({
      store: this.store,
      control: this.control,
      events: this.engineEvents,
      deliver: (delivery) => this.dispatcher.deliver(delivery),
      dispatch: (delivery) => this.dispatcher.send(delivery),
      wake: () => this.dispatcher.wake(),
      log,
    });
    // After each commit: metrics count, the live stream tells, and new webhooks wake the dispatcher.
    this.engineEvents.subscribe(metricsListener(this.metrics));
    this.engineEvents.subscribe(streamListener(this.events));
    this.engineEvents.subscribe((event) => {
      if (event.type === 'finalized' || event.type === 'cancelled') this.dispatcher.wake();
    });

    const profileDeps: ProfileDeps = {
      services: this.services,
      control: this.control,
      store: this.store,
      hangs: this.hangs,
      config,
      log,
      decide,
      baseUrl: () => this.baseUrl,
    };
    // Contracts with a listener of their own (PortOne), started and stopped with the main one.
    this.profileListeners = new ProfileListeners(PROFILES, profileDeps);
    registerRoutes(http, {
      profiles: PROFILES,
      profileDeps,
      services: this.services,
      store: this.store,
      control: this.control,
      database,
      config,
      log,
      events: this.events,
      streams: this.streams,
      metrics: this.metrics,
      hangs: this.hangs,
      instanceId: this.instanceId,
      processNow: () => this.processNow(),
      stopping: () => this.stopping !== null,
    });
  }

  /** Opens (and migrates) the database and wires everything; nothing runs until start(). */
  static async create(config: Config, options: AppOptions = {}): Promise<App> {
    const log = options.logger ?? createLogger(config.logging.level);
    const database = openDatabase(config.database.url, {
      ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
      poolSize: config.database.poolSize,
      preparedStatements: config.database.preparedStatements,
    });
    try {
      try {
        await migrate(database);
      } catch (error) {
        // The first use of the database: a server that does not answer, a
        // file that cannot be written — one clear line, not a stack.
        throw isUnusable(error) ? new DatabaseUnusable(database.location, error) : error;
      }
      const webhooks = Object.fromEntries(PROFILES.map((p) => [`${p.name}.payment`, { summary: `${p.summary}: a payment's result`, schema: p.webhookSchema }]));
      // Paths of contracts on their own listeners name those listeners, known once they listen.
      let app: App | null = null;
      const http = await createHttpServer(log, VERSION, webhooks, () => documentedPaths(PROFILES, (name) => app?.profileUrlOrNull(name) ?? null));
      app = new App(config, database, http, log, options);
      await app.workerId.take();
      await app.control.init();
      return app;
    } catch (error) {
      await database.close();
      throw error;
    }
  }

  profileUrlOrNull(name: string): string | null {
    return this.profileListeners.url(name);
  }

  /** The base URL of a contract's own listener (PortOne's), after start(). */
  profileUrl(name: string): string {
    const url = this.profileListeners.url(name);
    if (url === null) throw new Error(`The ${name} contract is not listening`);
    return url;
  }

  /** The base URL the API listens on (after start()). */
  get url(): string {
    if (this.baseUrl === null) throw new Error('hamster-pg is not listening yet');
    return this.baseUrl;
  }

  async start(): Promise<void> {
    await this.http.listen({ port: this.config.server.port, host: this.config.server.address });
    this.listening = true;
    const address = this.http.server.address() as AddressInfo;
    const host = ['0.0.0.0', '::'].includes(address.address) ? '127.0.0.1' : address.address;
    this.baseUrl = `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`;
    await this.profileListeners.listen();
    this.loops.start();
    this.log.info(
      {
        url: this.baseUrl,
        database: this.database.location,
        ...settingsSummary(this.config),
        workerId: this.workerId.id,
        instanceId: this.instanceId,
        scenarios: this.control.scenarios().map((r) => r.name),
        ...this.profileListeners.urls(),
      },
      `hamster-pg listening on ${this.baseUrl}`,
    );
  }

  /**
   * Runs a processing pass and then delivers every webhook due now; resolves
   * when all are recorded. Says how many payments were processed and how many
   * webhook attempts were made.
   */
  async processNow(): Promise<{ processed: number; attempts: number }> {
    const processed = await this.processor.runPass();
    const attempts = await this.dispatcher.runOnce();
    return { processed, attempts };
  }

  /**
   * Stops accepting, lets requests under way finish, ends the current
   * processing batch and the webhooks in flight, then closes the database.
   */
  stop(): Promise<void> {
    this.stopping ??= this.shutdown();
    return this.stopping;
  }

  private async shutdown(): Promise<void> {
    this.hangs.dropAll();
    this.streams.closeAll();
    if (this.listening) {
      // Requests under way get a few seconds to finish; a client that stalls
      // (an unread download, a keep-alive in use) does not hold the stop.
      const force = setTimeout(() => {
        this.http.server.closeAllConnections();
        this.profileListeners.closeAllConnections();
      }, CLOSE_GRACE_MS);
      await Promise.all([this.http.close(), this.profileListeners.close()]);
      clearTimeout(force);
    }
    this.processor.stop();
    this.dispatcher.stop();
    await this.loops.stop();
    await this.dispatcher.drain();
    await this.sender.close();
    await this.workerId.release();
    await this.database.close();
    this.log.info('hamster-pg stopped');
  }
}
