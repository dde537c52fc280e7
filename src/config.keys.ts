/**
 * Every configuration key hamster-pg understands: its default (the seed's),
 * how a raw value is read, and what is allowed. The key names and their
 * environment variables are a public contract (see README).
 */

/** A reader returns the typed value, or undefined when the raw value is not allowed. */
type Reader<T> = (raw: unknown) => T | undefined;

export interface KeySpec<T = unknown> {
  readonly key: string;
  readonly default: T;
  /** Said in the error message when a value is refused. */
  readonly allowed: string;
  readonly read: Reader<T>;
  readonly help: string;
}

const text = (raw: unknown): string | undefined =>
  typeof raw === 'string' ? raw.trim() : typeof raw === 'number' ? String(raw) : undefined;

function integer(min: number, max: number): Reader<number> {
  return (raw) => {
    const s = text(raw);
    if (s === undefined || !/^-?\d+$/.test(s)) return undefined;
    const n = Number(s);
    return Number.isSafeInteger(n) && n >= min && n <= max ? n : undefined;
  };
}

function decimal(min: number, max: number): Reader<number> {
  return (raw) => {
    const s = text(raw);
    if (s === undefined || !/^-?(\d+(\.\d*)?|\.\d+)$/.test(s)) return undefined;
    const n = Number(s);
    return n >= min && n <= max ? n : undefined;
  };
}

const DURATION_UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Milliseconds, as a plain number (`3000`) or with a unit (`3s`, `500ms`, `2m`, `1h`, `1d`). */
function duration(min: number, max: number): Reader<number> {
  return (raw) => {
    const s = text(raw);
    const m = s === undefined ? null : /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?$/.exec(s);
    if (!m) return undefined;
    const ms = Math.round(Number(m[1]) * DURATION_UNITS[m[2] ?? 'ms']!);
    return ms >= min && ms <= max ? ms : undefined;
  };
}

/** A YAML list, or one string with the items separated by commas or spaces. */
function list<T>(item: Reader<T>, min: number, max: number): Reader<T[]> {
  return (raw) => {
    const items = Array.isArray(raw) ? raw : (text(raw) ?? '').split(/[\s,]+/).filter((x) => x !== '');
    if (items.length < min || items.length > max) return undefined;
    const out: T[] = [];
    for (const it of items) {
      const v = item(it);
      if (v === undefined) return undefined;
      out.push(v);
    }
    return out;
  };
}

/** A Standard Webhooks secret: `whsec_` followed by base64 of at least 16 bytes. */
const webhookSecret: Reader<string> = (raw) => {
  const s = text(raw);
  if (!s?.startsWith('whsec_')) return undefined;
  const b64 = s.slice('whsec_'.length);
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(b64) || b64.length % 4 !== 0) return undefined;
  return Buffer.from(b64, 'base64').length >= 16 ? s : undefined;
};

const boolean: Reader<boolean> = (raw) => {
  if (typeof raw === 'boolean') return raw;
  const s = text(raw)?.toLowerCase();
  return s === 'true' ? true : s === 'false' ? false : undefined;
};

const nonEmpty: Reader<string> = (raw) => {
  const s = text(raw);
  return s ? s : undefined;
};

const httpUrl: Reader<string> = (raw) => {
  const s = text(raw);
  if (!s || !URL.canParse(s)) return undefined;
  const u = new URL(s);
  return u.protocol === 'http:' || u.protocol === 'https:' ? s : undefined;
};

/** Unset (empty) means random outcomes; anything else seeds them. */
const seed: Reader<string | null> = (raw) => {
  if (raw === null) return null;
  const s = text(raw);
  return s === undefined ? undefined : s === '' ? null : s;
};

function oneOf<T extends string>(values: readonly T[]): Reader<T> {
  return (raw) => {
    const s = text(raw)?.toLowerCase();
    return values.find((v) => v === s);
  };
}

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
const HOUR = 3_600_000;

function spec<T>(key: string, def: T, allowed: string, read: Reader<T>, help: string): KeySpec<T> {
  return { key, default: def, allowed, read, help };
}

export const KEYS = {
  'server.port': spec('server.port', 8083, 'an integer from 0 to 65535 (0 picks a free port)', integer(0, 65535), 'HTTP port'),
  'server.worker-id': spec(
    'server.worker-id',
    null as number | null,
    'an integer from 0 to 1023 (empty: leased from the database)',
    (raw) => (raw === null || text(raw) === '' ? null : integer(0, 1023)(raw)),
    'Snowflake worker id of this process; unset: each process leases a free one from the database',
  ),
  'server.address': spec('server.address', '127.0.0.1', 'a host name or IP address', nonEmpty, 'address to listen on (0.0.0.0 for every interface)'),
  'database.url': spec(
    'database.url',
    './data/hamster-pg.db',
    'a SQLite file path, :memory:, or a postgres:// URL',
    nonEmpty,
    'SQLite file (created on first start), :memory:, or postgres://user:pass@host:5432/db',
  ),
  'database.pool-size': spec(
    'database.pool-size',
    10,
    'an integer from 1 to 200',
    integer(1, 200),
    'PostgreSQL connections per process',
  ),
  'payment.webhook.url': spec(
    'payment.webhook.url',
    'http://127.0.0.1:8082/api/webhook/pg/DUMMY',
    'an absolute http:// or https:// URL',
    httpUrl,
    'where webhooks are sent (the Cash Gateway)',
  ),
  'payment.webhook.timeout': spec(
    'payment.webhook.timeout',
    5000,
    'a duration from 1ms to 10m (e.g. 5000, 5s)',
    duration(1, 600_000),
    'time allowed for one webhook request',
  ),
  'payment.webhook.retry.schedule': spec(
    'payment.webhook.retry.schedule',
    [0, 5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000] as number[],
    'a list of 1 to 50 durations up to 7d, comma-separated (e.g. 0,5s,5m,30m)',
    list(duration(0, 7 * 24 * HOUR), 1, 50),
    'delay before each webhook attempt: the first is after the final state, each next after a failure',
  ),
  'payment.webhook.retry.jitter': spec(
    'payment.webhook.retry.jitter',
    10,
    'a number from 0 to 100 (percent)',
    decimal(0, 100),
    'each retry delay is varied at random by up to this many percent, so retries do not arrive in lockstep',
  ),
  'payment.webhook.secret': spec(
    'payment.webhook.secret',
    [] as string[],
    'whsec_ followed by base64 of at least 16 bytes; several separated by commas or spaces (rotation)',
    list(webhookSecret, 0, 10),
    'sign webhooks (Standard Webhooks); unset: no signature headers, as the seed',
  ),
  'payment.webhook.concurrency': spec(
    'payment.webhook.concurrency',
    64,
    'an integer from 1 to 1024',
    integer(1, 1024),
    'webhook requests in flight at once, at most',
  ),
  'payment.process.polling.enabled': spec(
    'payment.process.polling.enabled',
    true,
    'true or false',
    boolean,
    'run the polling scheduler (false: only the manual trigger finalizes)',
  ),
  'payment.process.polling.fixed-delay': spec(
    'payment.process.polling.fixed-delay',
    3000,
    'a duration from 1ms to 24h (e.g. 3000, 3s)',
    duration(1, 24 * HOUR),
    'pause between the end of one polling pass and the start of the next',
  ),
  'payment.process.polling.initial-delay': spec(
    'payment.process.polling.initial-delay',
    5000,
    'a duration from 0 to 24h (e.g. 5000, 5s)',
    duration(0, 24 * HOUR),
    'pause after start-up before the first polling pass',
  ),
  'payment.process.polling.batch-size': spec(
    'payment.process.polling.batch-size',
    10,
    'an integer from 1 to 10000',
    integer(1, 10_000),
    'payments claimed per batch (a full batch is followed at once by the next)',
  ),
  'payment.process.success-rate': spec(
    'payment.process.success-rate',
    80,
    'a number from 0 to 100 (percent)',
    decimal(0, 100),
    'chance, in percent, that a payment succeeds',
  ),
  'payment.process.lease': spec(
    'payment.process.lease',
    30_000,
    'a duration from 100ms to 1h (e.g. 30s)',
    duration(100, HOUR),
    'how long a claimed payment (or webhook, beyond its timeout) stays with the worker that claimed it before another takes it back',
  ),
  'payment.idempotency.ttl': spec(
    'payment.idempotency.ttl',
    24 * HOUR,
    'a duration from 1s to 30d (e.g. 24h)',
    duration(1000, 30 * 24 * HOUR),
    'how long an Idempotency-Key is remembered',
  ),
  'payment.process.random-seed': spec(
    'payment.process.random-seed',
    null as string | null,
    'any text or number (empty for random)',
    seed,
    'makes outcomes repeat run after run for the same order of payments',
  ),
  'logging.level': spec('logging.level', 'info', LOG_LEVELS.join(', '), oneOf(LOG_LEVELS), 'log level'),
} as const;

export type ConfigKey = keyof typeof KEYS;
export const CONFIG_KEYS = Object.keys(KEYS) as ConfigKey[];

/** The one rule from a key to its environment variable: upper case, `.` and `-` become `_`. */
export function envName(key: string): string {
  return key.toUpperCase().replace(/[.-]/g, '_');
}
