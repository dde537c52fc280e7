/**
 * Every route the service answers, in one place: each enabled profile's
 * contract, what the dashboard reads, the admin API, health and metrics, and
 * the dashboard itself (static files from the package's dashboard/ folder).
 */
import type { Control } from '../admin/control.js';
import { registerAdminRoutes } from '../admin/admin.routes.js';
import type { Config } from '../config.js';
import type { Database } from '../db/database.js';
import type { Logger } from '../log.js';
import type { PaymentServices } from '../payments/payment.services.js';
import type { Profile, ProfileDeps } from '../profiles/profile.js';
import type { Store } from '../store/store.js';
import { registerBrowseRoutes } from './browse.routes.js';
import { registerBrowserSafety } from './cross-site.js';
import { registerResponseCheck } from './response-check.js';
import type { EventBus, Streams } from './event-stream.js';
import type { Hangs } from './hangs.js';
import { registerHealthRoutes } from './health.routes.js';
import type { Metrics } from './metrics.js';
import { DASHBOARD_DIR } from '../paths.js';
import { serveFolder } from './static-files.js';
import type { HttpServer } from './server.js';
import { registerWebhookRoutes } from './webhooks.routes.js';

export interface RouteDeps {
  profiles: readonly Profile[];
  /** What each profile's routes are given. */
  profileDeps: ProfileDeps;
  services: PaymentServices;
  store: Store;
  control: Control;
  database: Database;
  config: Config;
  log: Logger;
  events: EventBus;
  streams: Streams;
  metrics: Metrics;
  hangs: Hangs;
  instanceId: string;
  processNow: () => Promise<{ processed: number; attempts: number }>;
  stopping: () => boolean;
}

export function registerRoutes(app: HttpServer, d: RouteDeps): void {
  // First, so that every route after it is timed.
  d.metrics.instrument(app);
  registerBrowserSafety(app, d.config.server.cors.origins);
  registerResponseCheck(app);
  registerHealthRoutes(app, { database: d.database, instanceId: d.instanceId, stopping: d.stopping });
  for (const profile of d.profiles) {
    profile.register(app, d.profileDeps);
  }
  registerBrowseRoutes(app, { store: d.store, events: d.events, streams: d.streams });
  registerWebhookRoutes(app, { store: d.store, services: d.services });
  registerAdminRoutes(app, {
    control: d.control,
    store: d.store,
    token: d.config.admin.token,
    allowDataReset: d.config.admin.allowDataReset,
    processNow: d.processNow,
    log: d.log,
  });
  // One route per file, so other paths keep their own 404s and 414s.
  serveFolder(app, { dir: DASHBOARD_DIR, prefix: '/', index: 'index.html' });
}
