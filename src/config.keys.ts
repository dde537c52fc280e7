/**
 * Every configuration key hamster-pg understands: its default (the seed's),
 * how a raw value is read, and what is allowed. The key names and their
 * environment variables are a public contract (see docs/configuration.md).
 * A key's name is written only here (or, for a contract's own keys, in the
 * file beside this one that KEYS includes: config.keys.portone.ts): its
 * environment variable (envName), its flag (serve) and its place in the
 * Config (config.ts) are derived from it.
 */

import { availableParallelism } from 'node:os';
import {
  ReaderError,
  boolean,
  decimal,
  duration,
  httpUrl,
  integer,
  list,
  nonEmpty,
  oneOf,
  seed,
  text,
  webhookSecret,
  webOrigin,
  type Reader,
} from './config.readers.js';
import { MerchantError, parseMerchants, type Merchant } from './merchants/merchant.js';
import { ScenarioError, parseScenarios, type Scenario } from './scenarios/scenario.js';
import { RETRY_PRESET_NAMES, type RetryPreset } from './webhooks/backoff.js';
import { PORTONE_KEYS } from './config.keys.portone.js';
import { HOUR, spec } from './config.spec.js';

export type { KeySpec } from './config.spec.js';

/** How many processes serve: 1 to 64, or `auto` (one per core the process may use, at most 64). */
const workerCount: Reader<number> = (raw) =>
  text(raw)?.toLowerCase() === 'auto' ? Math.min(64, Math.max(1, availableParallelism())) : integer(1, 64)(raw);

/** Lists of rules and merchants: YAML, or JSON text (environment, flags). */
function structured<T>(parse: (raw: unknown) => T, Err: new (...args: never[]) => Error): Reader<T> {
  return (raw) => {
    let value = raw;
    if (typeof raw === 'string') {
      try {
        value = JSON.parse(raw);
      } catch {
        throw new ReaderError('is not JSON');
      }
    }
    try {
      return parse(value);
    } catch (error) {
      if (error instanceof Err) throw new ReaderError(error.message);
      throw error;
    }
  };
}

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;


export const KEYS = {
  'server.port': spec(8083, 'an integer from 0 to 65535 (0 picks a free port)', integer(0, 65535), 'HTTP port'),
  'server.worker-id': spec(
    null as number | null,
    'an integer from 0 to 1023 (empty: leased from the database)',
    (raw) => (raw === null || text(raw) === '' ? null : integer(0, 1023)(raw)),
    'Snowflake worker id of this process; unset: each process leases a free one from the database',
  ),
  'server.workers': spec(
    1,
    'an integer from 1 to 64, or auto (one per CPU core)',
    workerCount,
    'processes serving on the one port (node:cluster); more than 1 needs PostgreSQL in database.url',
  ),
  'server.address': spec('127.0.0.1', 'a host name or IP address', nonEmpty, 'address to listen on (0.0.0.0 for every interface)'),
  'server.cors.origins': spec(
    [] as string[],
    'web origins such as http://localhost:3000 (scheme, host, port), comma-separated, or * for any',
    list(webOrigin, 0, 50),
    'browser pages on these origins may call the API (CORS) and change state; none: only the dashboard itself and non-browser clients',
  ),
  'database.url': spec(
    './data/hamster-pg.db',
    'a SQLite file path, :memory:, or a postgres:// URL',
    nonEmpty,
    'SQLite file (created on first start), :memory:, or postgres://user:pass@host:5432/db',
  ),
  'database.pool-size': spec(
    10,
    'an integer from 1 to 200',
    integer(1, 200),
    'PostgreSQL connections per process',
  ),
  'database.prepared-statements': spec(
    true,
    'true or false',
    boolean,
    'send the hot INSERTs to PostgreSQL as named prepared statements (false behind a pooler that cannot keep them, such as PgBouncer in transaction mode before 1.21)',
  ),
  'payment.webhook.url': spec(
    'http://127.0.0.1:8082/api/webhook/pg/DUMMY',
    'an absolute http:// or https:// URL',
    httpUrl,
    'where webhooks are sent (the Cash Gateway)',
  ),
  'payment.webhook.timeout': spec(
    5000,
    'a duration from 1ms to 10m (e.g. 5000, 5s)',
    duration(1, 600_000),
    'time allowed for one webhook request',
    'timeoutMs',
  ),
  'payment.webhook.retry.schedule': spec(
    [0, 5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000] as number[],
    'a list of 1 to 50 durations up to 7d, comma-separated (e.g. 0,5s,5m,30m)',
    list(duration(0, 7 * 24 * HOUR), 1, 50),
    'delay before each webhook attempt: the first is after the final state, each next after a failure',
    'scheduleMs',
  ),
  'payment.webhook.retry.jitter': spec(
    10,
    'a number from 0 to 100 (percent)',
    decimal(0, 100),
    'each retry delay is varied at random by up to this many percent, so retries do not arrive in lockstep',
    'jitterPercent',
  ),
  'payment.webhook.secret': spec(
    [] as string[],
    'whsec_ followed by base64 of at least 16 bytes; several separated by commas or spaces (rotation)',
    list(webhookSecret, 0, 10),
    'sign webhooks (Standard Webhooks); unset: no signature headers, as the seed',
    'secrets',
  ),
  'payment.webhook.concurrency': spec(
    64,
    'an integer from 1 to 1024',
    integer(1, 1024),
    'webhook requests in flight at once, at most',
  ),
  'payment.process.polling.enabled': spec(
    true,
    'true or false',
    boolean,
    'run the polling scheduler (false: only the manual trigger finalizes)',
  ),
  'payment.process.polling.fixed-delay': spec(
    3000,
    'a duration from 1ms to 24h (e.g. 3000, 3s)',
    duration(1, 24 * HOUR),
    'pause between the end of one polling pass and the start of the next',
    'fixedDelayMs',
  ),
  'payment.process.polling.initial-delay': spec(
    5000,
    'a duration from 0 to 24h (e.g. 5000, 5s)',
    duration(0, 24 * HOUR),
    'pause after start-up before the first polling pass',
    'initialDelayMs',
  ),
  'payment.process.polling.batch-size': spec(
    10,
    'an integer from 1 to 10000',
    integer(1, 10_000),
    'payments claimed per batch (a full batch is followed at once by the next)',
  ),
  'payment.process.success-rate': spec(
    80,
    'a number from 0 to 100 (percent)',
    decimal(0, 100),
    'chance, in percent, that a payment succeeds',
  ),
  'payment.process.lease': spec(
    30_000,
    'a duration from 100ms to 1h (e.g. 30s)',
    duration(100, HOUR),
    'how long a claimed payment (or webhook, beyond its timeout) stays with the worker that claimed it before another takes it back',
    'leaseMs',
  ),
  'payment.idempotency.ttl': spec(
    24 * HOUR,
    'a duration from 1s to 30d (e.g. 24h)',
    duration(1000, 30 * 24 * HOUR),
    'how long an Idempotency-Key is remembered',
    'ttlMs',
  ),
  'payment.process.random-seed': spec(
    null as string | null,
    'any text or number (empty for random)',
    seed,
    'makes outcomes repeat run after run for the same order of payments',
  ),
  'payment.webhook.retry.preset': spec(
    'default' as RetryPreset,
    RETRY_PRESET_NAMES.join(', '),
    oneOf(RETRY_PRESET_NAMES),
    "a PG's published retry schedule, used unless payment.webhook.retry.schedule is set",
  ),
  'payment.webhook.retry.time-scale': spec(
    1,
    'a number from 1 to 1000000',
    decimal(1, 1_000_000),
    'divides every retry delay (60: minutes become seconds), to test a day of retries in minutes',
  ),
  'payment.merchant.unknown-mid': spec(
    'refuse' as 'refuse' | 'default',
    'refuse or default',
    oneOf(['refuse', 'default'] as const),
    'a payment for an unknown or inactive echo.mid: refuse it, or take it for the default merchant',
  ),
  // null: none configured, and the rules stored in the database stay.
  scenarios: spec(
    null as Scenario[] | null,
    'a list of rules (see docs/scripting.md, "Scenario rules"); as JSON text in the environment or a flag',
    structured((raw) => parseScenarios(raw), ScenarioError),
    'scenario rules: which payments end how, and how their webhooks and accept calls misbehave',
  ),
  merchants: spec(
    [] as Merchant[],
    'a list of {mid, webhook-url, secrets, active}; as JSON text in the environment or a flag',
    structured((raw) => parseMerchants(raw), MerchantError),
    'merchants (echo.mid) besides the default one, with their webhook URLs and secrets',
  ),
  ...PORTONE_KEYS,
  'admin.token': spec(
    null as string | null,
    'any text (empty: the admin API is open)',
    seed,
    'protects /api/admin: requests must send Authorization: Bearer <token>',
  ),
  'admin.allow-data-reset': spec(
    false,
    'true or false',
    boolean,
    'allow DELETE /api/admin/data to empty the store',
  ),
  'logging.level': spec('info', LOG_LEVELS.join(', '), oneOf(LOG_LEVELS), 'log level'),
} as const;

export type ConfigKey = keyof typeof KEYS;
export const CONFIG_KEYS = Object.keys(KEYS) as ConfigKey[];

/** The one rule from a key to its environment variable: upper case, `.` and `-` become `_`. */
export function envName(key: string): string {
  return key.toUpperCase().replace(/[.-]/g, '_');
}
