/**
 * The composition root: builds the store, the scheduler (processor), the
 * webhook dispatcher and the HTTP API from one Config, and starts and stops
 * them in the right order.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Config } from './config.js';
import { openDatabase, type Database } from './db/database.js';
import { migrate } from './db/migrate.js';
import { createHttpServer, type HttpServer } from './http/server.js';
import { createLogger, type Logger } from './log.js';
import { ApprovalNumbers, Snowflake, randomTidSuffix, type TidSuffixSource } from './payments/ids.js';
import { decidePayment } from './payments/outcome.js';
import { registerPaymentRoutes } from './payments/payment.routes.js';
import { randomForPayments } from './payments/random.js';
import { Store } from './store.js';
import { systemClock, type Clock } from './time.js';
import { afterAttempt, type RetryPolicy } from './webhooks/backoff.js';
import { deliverySigner, secretKey } from './webhooks/signing.js';
import { Control } from './admin/control.js';
import { registerAdminRoutes } from './admin/admin.routes.js';
import { Hangs } from './http/hangs.js';
import { createSender, type Sender } from './webhooks/sender.js';
import { Dispatcher } from './worker/dispatcher.js';
import { Poller } from './worker/poller.js';
import { Processor } from './worker/processor.js';

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
/** A leased Snowflake worker id is renewed this often (it lapses after a minute without). */
const HEARTBEAT_EVERY_MS = 10_000;

export class App {
  readonly log: Logger;
  readonly store: Store;
  readonly processor: Processor;
  readonly dispatcher: Dispatcher;
  readonly http: HttpServer;
  private readonly sender: Sender;
  private readonly processorLoop: Poller;
  private readonly dispatcherLoop: Poller;
  private readonly sweepLoop: Poller;
  private readonly heartbeatLoop: Poller;
  private readonly controlLoop: Poller;
  readonly control: Control;
  private readonly hangs = new Hangs();
  /** Names this process in the worker-id leases. */
  readonly instanceId = randomUUID();
  private workerId = 0;
  private leasedWorkerId = false;
  private listening = false;
  private stopping: Promise<void> | null = null;
  private baseUrl: string | null = null;

  private constructor(
    readonly config: Config,
    readonly database: Database,
    options: AppOptions,
  ) {
    const clock = options.clock ?? systemClock;
    this.log = options.logger ?? createLogger(config.logging.level);
    const polling = config.payment.process.polling;
    const webhook = config.payment.webhook;
    const retry: RetryPolicy = {
      scheduleMs: webhook.retry.scheduleMs,
      jitterPercent: webhook.retry.jitterPercent,
      random: options.random ?? Math.random,
    };

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
    });
    this.control = new Control({
      database,
      clock,
      log: this.log,
      configuredScenarios: config.scenarios,
      configuredMerchants: config.merchants,
      defaultWebhookUrl: webhook.url,
      unknownMid: config.payment.merchant.unknownMid,
    });
    this.sender = createSender({ timeoutMs: webhook.timeoutMs, connections: webhook.concurrency });
    const merchantKeys = new Map<string, { secrets: readonly string[]; keys: Buffer[] }>();
    this.dispatcher = new Dispatcher({
      store: this.store,
      send: this.sender.send,
      clock,
      concurrency: webhook.concurrency,
      sign: deliverySigner({
        globalKeys: webhook.secrets.map(secretKey),
        merchantKeys: (mid) => {
          const merchant = mid === null ? undefined : this.control.merchant(mid);
          if (!merchant) return undefined;
          let cached = merchantKeys.get(merchant.mid);
          if (cached?.secrets !== merchant.secrets) {
            cached = { secrets: merchant.secrets, keys: merchant.secrets.map(secretKey) };
            merchantKeys.set(merchant.mid, cached);
          }
          return cached.keys;
        },
        wrongKey: randomBytes(32),
      }),
      next: (delivery, result, now) => afterAttempt({ attemptNo: delivery.attemptCount, result, now, policy: retry }),
      onDelivered: (delivery) => (this.control.reorders() ? this.store.releaseReordered(delivery) : undefined),
      log: this.log,
    });
    const randomFor = randomForPayments(config.payment.process.randomSeed);
    const successRate = config.payment.process.successRate;
    this.processor = new Processor({
      store: this.store,
      batchSize: polling.batchSize,
      decide: (payment) => decidePayment(payment.effect, randomFor(payment.id), successRate),
      onFinalized: () => this.dispatcher.wake(),
      log: this.log,
    });
    this.processorLoop = new Poller({
      initialDelayMs: polling.initialDelayMs,
      fixedDelayMs: polling.fixedDelayMs,
      pass: () => this.processor.runPass(),
      onError: (error) => this.log.error({ err: error }, 'processing pass failed'),
    });
    // Deliveries are sent as soon as they are finalized (wake); the loop is
    // the safety net for ones left over from a previous run.
    this.dispatcherLoop = new Poller({
      initialDelayMs: 0,
      fixedDelayMs: polling.fixedDelayMs,
      pass: () => this.dispatcher.pump(),
      onError: (error) => this.log.error({ err: error }, 'delivery pass failed'),
    });

    this.sweepLoop = new Poller({
      initialDelayMs: SWEEP_EVERY_MS,
      fixedDelayMs: SWEEP_EVERY_MS,
      pass: () => this.store.sweepIdempotencyKeys(),
      onError: (error) => this.log.error({ err: error }, 'idempotency key sweep failed'),
    });

    this.heartbeatLoop = new Poller({
      initialDelayMs: HEARTBEAT_EVERY_MS,
      fixedDelayMs: HEARTBEAT_EVERY_MS,
      pass: async () => {
        const id = await this.store.renewWorkerId(this.workerId, this.instanceId);
        if (id !== this.workerId) this.log.warn({ was: this.workerId, now: id }, 'Snowflake worker id lease was lost; leased another');
        this.workerId = id;
      },
      onError: (error) => this.log.error({ err: error }, 'worker id heartbeat failed'),
    });

    this.controlLoop = new Poller({
      initialDelayMs: CONTROL_REFRESH_MS,
      fixedDelayMs: CONTROL_REFRESH_MS,
      pass: () => this.control.refresh(),
      onError: (error) => this.log.error({ err: error }, 'reloading scenarios and merchants failed'),
    });

    this.http = createHttpServer(this.log);
    registerPaymentRoutes(this.http, {
      store: this.store,
      control: this.control,
      deliver: (delivery) => this.dispatcher.deliver(delivery),
      log: this.log,
      delayRandomFor: randomForPayments(config.payment.process.randomSeed === null ? null : `${config.payment.process.randomSeed}:delay`),
      hangs: this.hangs,
      wakeDispatcher: () => this.dispatcher.wake(),
    });
    registerAdminRoutes(this.http, {
      control: this.control,
      store: this.store,
      token: config.admin.token,
      allowDataReset: config.admin.allowDataReset,
      processNow: () => this.processNow(),
      log: this.log,
    });
  }

  /** Opens (and migrates) the database and wires everything; nothing runs until start(). */
  static async create(config: Config, options: AppOptions = {}): Promise<App> {
    const database = openDatabase(config.database.url, {
      ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
      poolSize: config.database.poolSize,
    });
    try {
      await migrate(database);
    } catch (error) {
      await database.close();
      throw error;
    }
    const app = new App(config, database, options);
    await app.takeWorkerId();
    await app.control.init();
    return app;
  }

  /** The configured Snowflake worker id, or a free one leased from the database. */
  private async takeWorkerId(): Promise<void> {
    const configured = this.config.server.workerId;
    if (configured !== null) {
      this.store.setWorkerId(configured);
      this.workerId = configured;
      return;
    }
    this.workerId = await this.store.leaseWorkerId(this.instanceId);
    this.leasedWorkerId = true;
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
    const polling = this.config.payment.process.polling;
    if (polling.enabled) this.processorLoop.start();
    this.dispatcherLoop.start();
    this.sweepLoop.start();
    this.controlLoop.start();
    if (this.leasedWorkerId) this.heartbeatLoop.start();
    this.log.info(
      {
        url: this.baseUrl,
        database: this.database.location,
        webhookUrl: this.config.payment.webhook.url,
        polling: polling.enabled ? { fixedDelayMs: polling.fixedDelayMs, initialDelayMs: polling.initialDelayMs, batchSize: polling.batchSize } : 'disabled',
        successRate: this.config.payment.process.successRate,
        randomSeed: this.config.payment.process.randomSeed,
        workerId: this.workerId,
        instanceId: this.instanceId,
        retryScheduleMs: this.config.payment.webhook.retry.scheduleMs,
        signed: this.config.payment.webhook.secrets.length > 0,
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
    if (this.listening) await this.http.close();
    this.processor.stop();
    await this.processorLoop.stop();
    this.dispatcher.stop();
    await this.dispatcherLoop.stop();
    await this.sweepLoop.stop();
    await this.controlLoop.stop();
    await this.heartbeatLoop.stop();
    await this.dispatcher.drain();
    await this.sender.close();
    if (this.leasedWorkerId) await this.store.releaseWorkerId(this.workerId, this.instanceId).catch(() => undefined);
    await this.database.close();
    this.log.info('hamster-pg stopped');
  }
}
