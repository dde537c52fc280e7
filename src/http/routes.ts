/**
 * Every route the service answers, in one place: the payment API, what the
 * dashboard reads, the admin API, health and metrics, and the dashboard
 * itself (static files from the package's dashboard/ folder).
 */
import fastifyStatic from '@fastify/static';
import type { Control } from '../admin/control.js';
import { registerAdminRoutes } from '../admin/admin.routes.js';
import type { Config } from '../config.js';
import type { Database } from '../db/database.js';
import type { EventBus } from '../events.js';
import type { Logger } from '../log.js';
import { registerBrowseRoutes, type Streams } from '../payments/browse.routes.js';
import { registerPaymentRoutes, type PaymentNotify } from '../payments/payment.routes.js';
import type { RandomFor } from '../payments/random.js';
import type { Delivery, Store } from '../store/store.js';
import type { DeliveryOutcome } from '../worker/dispatcher.js';
import type { Hangs } from './hangs.js';
import { registerHealthRoutes } from './health.routes.js';
import type { Metrics } from './metrics.js';
import { DASHBOARD_DIR } from '../paths.js';
import type { HttpServer } from './server.js';


export interface RouteDeps {
  store: Store;
  control: Control;
  database: Database;
  config: Config;
  log: Logger;
  events: EventBus;
  streams: Streams;
  metrics: Metrics;
  hangs: Hangs;
  notify: PaymentNotify;
  instanceId: string;
  deliver: (delivery: Delivery) => Promise<DeliveryOutcome>;
  wakeDispatcher: () => void;
  processNow: () => Promise<{ processed: number; attempts: number }>;
  stopping: () => boolean;
  delayRandomFor: RandomFor;
}

export function registerRoutes(app: HttpServer, d: RouteDeps): void {
  // First, so that every route after it is timed.
  d.metrics.instrument(app);
  registerHealthRoutes(app, { database: d.database, instanceId: d.instanceId, stopping: d.stopping });
  registerPaymentRoutes(app, {
    store: d.store,
    control: d.control,
    deliver: d.deliver,
    log: d.log,
    delayRandomFor: d.delayRandomFor,
    hangs: d.hangs,
    wakeDispatcher: d.wakeDispatcher,
    notify: d.notify,
  });
  registerBrowseRoutes(app, { store: d.store, events: d.events, streams: d.streams });
  registerAdminRoutes(app, {
    control: d.control,
    store: d.store,
    token: d.config.admin.token,
    allowDataReset: d.config.admin.allowDataReset,
    processNow: d.processNow,
    log: d.log,
  });
  // One route per file (no wildcard), so other paths keep their own 404s and 414s.
  void app.register(fastifyStatic, { root: DASHBOARD_DIR, prefix: '/', decorateReply: false, index: 'index.html', wildcard: false });
}
