/**
 * hamster-pg inside a test suite: start it in-process (in-memory store, free
 * port), script it, flush its work with processNow(), stop it.
 *
 *   const pg = await startHamsterPg({ webhookUrl, seed: 42, scenarios: [...] });
 *   await fetch(`${pg.url}/api/payment`, …);
 *   await pg.processNow();
 *   await pg.stop();
 *
 * Nothing is read from the environment or from application.yml: a test gets
 * exactly what it asks for.
 */
import { App } from './app.js';
import type { ConfigKey } from './config.keys.js';
import { closestName, loadConfig } from './config.js';
import { ConfigError } from './errors.js';
import { createLogger } from './log.js';

export interface HamsterPgOptions {
  /** Where the default merchant's webhooks go (payment.webhook.url). */
  webhookUrl?: string;
  /** Makes outcomes repeat (payment.process.random-seed). */
  seed?: string | number;
  /** Scenario rules, as in application.yml (see README, "Scripting outcomes"). */
  scenarios?: unknown[];
  /** Merchants besides the default one: {mid, webhookUrl, secrets?, active?}. */
  merchants?: unknown[];
  /** Percent of payments that succeed when no rule decides (default 80). */
  successRate?: number;
  /** Standard Webhooks secret(s) to sign webhooks with. */
  webhookSecret?: string | string[];
  /**
   * The scheduler: on by default, polling every 100 ms from the start, so
   * payments settle on their own; processNow() settles them at once anyway.
   * false: nothing is processed until processNow() (or the trigger).
   */
  polling?: boolean | { fixedDelay?: number | string; initialDelay?: number | string; batchSize?: number };
  /** database.url; default ':memory:'. */
  database?: string;
  /** Default 0: a free port. */
  port?: number;
  /** Default 'silent'. */
  logLevel?: string;
  /** Any other setting, by its key (e.g. 'payment.webhook.retry.schedule': '0,100ms'). */
  settings?: Partial<Record<ConfigKey, unknown>>;
}

export interface HamsterPg {
  /** The base URL, e.g. http://127.0.0.1:41234 */
  readonly url: string;
  /** The PortOne V2 API's base URL: give it to PortOneClient({ secret, baseUrl }). */
  readonly portoneUrl: string;
  /** The running service, for what the options do not cover. */
  readonly app: App;
  /** Processes every due payment and sends every due webhook; resolves when all are recorded. */
  processNow(): Promise<{ processed: number; attempts: number }>;
  stop(): Promise<void>;
}

/** Every option startHamsterPg knows: another is a mistake, said at once rather than ignored. */
const OPTION_NAMES = [
  'webhookUrl',
  'seed',
  'scenarios',
  'merchants',
  'successRate',
  'webhookSecret',
  'polling',
  'database',
  'port',
  'logLevel',
  'settings',
] as const satisfies ReadonlyArray<keyof HamsterPgOptions>;

export async function startHamsterPg(options: HamsterPgOptions = {}): Promise<HamsterPg> {
  for (const name of Object.keys(options)) {
    if (!(OPTION_NAMES as readonly string[]).includes(name)) {
      const hint = closestName(name, OPTION_NAMES);
      throw new ConfigError(`Unknown option ${name} for startHamsterPg${hint ? ` (did you mean ${hint}?)` : ''}`);
    }
  }
  const overrides: Partial<Record<ConfigKey, unknown>> = {
    'server.port': options.port ?? 0,
    'database.url': options.database ?? ':memory:',
    'logging.level': options.logLevel ?? 'silent',
  };
  if (options.webhookUrl !== undefined) overrides['payment.webhook.url'] = options.webhookUrl;
  if (options.seed !== undefined) overrides['payment.process.random-seed'] = String(options.seed);
  if (options.scenarios !== undefined) overrides.scenarios = options.scenarios;
  if (options.merchants !== undefined) overrides.merchants = options.merchants;
  if (options.successRate !== undefined) overrides['payment.process.success-rate'] = options.successRate;
  if (options.webhookSecret !== undefined) overrides['payment.webhook.secret'] = options.webhookSecret;
  const polling = options.polling ?? true;
  overrides['payment.process.polling.enabled'] = polling !== false;
  const p = typeof polling === 'object' ? polling : {};
  overrides['payment.process.polling.fixed-delay'] = p.fixedDelay ?? 100;
  overrides['payment.process.polling.initial-delay'] = p.initialDelay ?? 0;
  if (p.batchSize !== undefined) overrides['payment.process.polling.batch-size'] = p.batchSize;

  const { config } = loadConfig({ env: {}, readFile: false, overrides: { ...overrides, ...options.settings } });
  const app = await App.create(config, { logger: createLogger(config.logging.level, false) });
  await app.start();
  return { url: app.url, portoneUrl: app.profileUrl('portone'), app, processNow: () => app.processNow(), stop: () => app.stop() };
}
