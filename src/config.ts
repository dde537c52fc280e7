/**
 * One typed, frozen Config. Each key is read from, highest first:
 * command-line flags > environment > application.yml > the seed's defaults.
 * A value that is not allowed stops start-up with a message naming the key,
 * the value, where it came from and what is allowed.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseDocument } from 'yaml';
import { CONFIG_KEYS, KEYS, envName, type ConfigKey, type KeySpec } from './config.keys.js';
import { ReaderError } from './config.readers.js';
import { RETRY_PRESETS, scaleSchedule } from './webhooks/backoff.js';
import { isPostgresUrl } from './db/database.js';
import { ConfigError } from './errors.js';

/** `allow-data-reset` → `allowDataReset`: a part of a key as a Config field. */
type Camel<S extends string> = S extends `${infer Head}-${infer Tail}` ? `${Head}${Capitalize<Camel<Tail>>}` : S;
/** The Config is frozen; its lists are typed so. */
type Frozen<T> = T extends readonly (infer E)[] ? readonly E[] : T;
/** One key at its place: `server.worker-id` → { server: { workerId } }, or the spec's own field name. */
type Placed<Path extends string, S extends KeySpec> = Path extends `${infer Head}.${infer Rest}`
  ? { readonly [P in Camel<Head>]: Placed<Rest, S> }
  : { readonly [P in S['field'] extends string ? S['field'] : Camel<Path>]: Frozen<S['default']> };
type Merged<U> = (U extends unknown ? (u: U) => void : never) extends (i: infer I) => void ? I : never;
type Flat<T> = T extends object ? (T extends readonly unknown[] ? T : { [K in keyof T]: Flat<T[K]> }) : T;

/**
 * Every key's value, nested by the key's parts in camelCase (config.keys.ts
 * names a field that says its unit: `payment.webhook.timeout` →
 * `payment.webhook.timeoutMs`). `payment.webhook.retry.scheduleMs` is the
 * schedule in effect (see retrySchedule).
 */
export type Config = Flat<Merged<{ [K in ConfigKey]: Placed<K, (typeof KEYS)[K]> }[ConfigKey]>>;

export interface LoadOptions {
  /** Where application.yml is looked for; default process.cwd(). */
  cwd?: string;
  /** An explicit file (`--config FILE`); it must exist. */
  configFile?: string | null;
  /** false: read no application.yml at all (embedding, where the host's files must not leak in). */
  readFile?: boolean;
  env?: Record<string, string | undefined>;
  /** Raw values from the command line, by key. */
  flags?: Partial<Record<ConfigKey, string>>;
  /** Typed values set by code (embedding, tests); above everything else. */
  overrides?: Partial<Record<ConfigKey, unknown>>;
}

export interface LoadedConfig {
  config: Config;
  /** The configuration file that was read, if any. */
  file: string | null;
  /** Things worth telling the user that do not stop start-up (unknown keys). */
  warnings: string[];
}

const OUR_SECTIONS = new Set(CONFIG_KEYS.map((k) => k.split('.')[0]!));

export function loadConfig(options: LoadOptions = {}): LoadedConfig {
  const cwd = options.cwd ?? process.cwd();
  const env = options.env ?? process.env;
  const warnings: string[] = [];
  const { file, values: fileValues } =
    options.readFile === false ? { file: null, values: {} } : readConfigFile(cwd, options.configFile ?? null);

  for (const key of Object.keys(fileValues)) {
    if (!(key in KEYS) && OUR_SECTIONS.has(key.split('.')[0]!)) {
      const hint = closestKey(key);
      warnings.push(`${file}: unknown key ${key} is ignored${hint ? ` (did you mean ${hint}?)` : ''}`);
    }
  }

  // Settings given in code (the embedding API) are checked like a file's, but
  // an unknown one stops: code can be fixed, and a silent default misleads.
  for (const key of Object.keys(options.overrides ?? {})) {
    if (!(key in KEYS)) {
      const hint = closestKey(key);
      throw new ConfigError(`Unknown setting ${key}${hint ? ` (did you mean ${hint}?)` : ''}`);
    }
  }

  const explicit = new Set<ConfigKey>();
  const value = <K extends ConfigKey>(key: K): (typeof KEYS)[K]['default'] => {
    const spec = KEYS[key];
    const candidates: Array<[unknown, string]> = [];
    if (options.overrides && key in options.overrides) candidates.push([options.overrides[key], 'code']);
    const flag = options.flags?.[key];
    if (flag !== undefined) candidates.push([flag, `--${key}`]);
    const fromEnv = env[envName(key)];
    if (fromEnv !== undefined && fromEnv !== '') candidates.push([fromEnv, envName(key)]);
    if (key in fileValues && fileValues[key] !== null) candidates.push([fileValues[key], file ?? 'file']);
    const first = candidates[0];
    if (!first) return spec.default;
    explicit.add(key);
    const [raw, source] = first;
    let parsed: unknown;
    try {
      parsed = spec.read(raw);
    } catch (error) {
      if (error instanceof ReaderError) throw new ConfigError(`Invalid value for ${key} (from ${source}): ${error.message}`);
      throw error;
    }
    if (parsed === undefined) {
      throw new ConfigError(
        `Invalid value for ${key} (from ${source}): ${JSON.stringify(raw)} — allowed: ${spec.allowed}`,
      );
    }
    return parsed as (typeof KEYS)[K]['default'];
  };

  const schedule: ConfigKey = 'payment.webhook.retry.schedule';
  /** The schedule in effect: the explicit one, else the preset's; divided by the time scale. */
  const retrySchedule = () => {
    const explicitSchedule = value(schedule);
    const base = explicit.has(schedule) ? explicitSchedule : RETRY_PRESETS[value('payment.webhook.retry.preset')];
    return scaleSchedule(base, value('payment.webhook.retry.time-scale'));
  };

  const config = deepFreeze(placed((key) => (key === schedule ? retrySchedule() : value(key))));
  checkDatabaseUrl(config.database.url);
  return { config, file, warnings };
}

/** Each key's value at its place in the Config (see the Config type). */
function placed(valueOf: (key: ConfigKey) => unknown): Config {
  const root: Record<string, unknown> = {};
  for (const key of CONFIG_KEYS) {
    const parts = key.split('.').map(camel);
    const last = parts.pop()!;
    let node = root;
    for (const part of parts) node = (node[part] ??= {}) as Record<string, unknown>;
    node[KEYS[key].field ?? last] = valueOf(key);
  }
  return root as Config;
}

const camel = (part: string): string => part.replace(/-(.)/g, (_, c: string) => c.toUpperCase());

function checkDatabaseUrl(url: string): void {
  if (isPostgresUrl(url)) {
    if (!URL.canParse(url)) {
      throw new ConfigError(`Invalid value for database.url: ${JSON.stringify(url)} — not a valid PostgreSQL URL`);
    }
    return;
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) {
    throw new ConfigError(
      `Invalid value for database.url: ${JSON.stringify(url)} — allowed: a SQLite file path, :memory:, or postgres://…`,
    );
  }
}

function readConfigFile(
  cwd: string,
  explicit: string | null,
): { file: string | null; values: Record<string, unknown> } {
  let file: string | null = null;
  if (explicit !== null) {
    file = resolve(cwd, explicit);
    if (!existsSync(file)) throw new ConfigError(`Configuration file not found: ${file}`);
  } else {
    file = ['application.yml', 'application.yaml'].map((f) => resolve(cwd, f)).find((f) => existsSync(f)) ?? null;
  }
  if (file === null) return { file: null, values: {} };

  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError(`Configuration file ${file} cannot be read: ${(error as Error).message}`);
  }
  const doc = parseDocument(text, { prettyErrors: true });
  if (doc.errors.length > 0) {
    throw new ConfigError(`Configuration file ${file} is not valid YAML: ${doc.errors[0]!.message}`);
  }
  const root: unknown = doc.toJS();
  if (root === null || root === undefined) return { file, values: {} };
  if (!isPlainObject(root)) throw new ConfigError(`Configuration file ${file} must hold a mapping of keys`);
  const values: Record<string, unknown> = {};
  flatten(root, '', values);
  return { file, values };
}

function flatten(node: Record<string, unknown>, prefix: string, out: Record<string, unknown>): void {
  for (const [k, v] of Object.entries(node)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (isPlainObject(v)) flatten(v, key, out);
    else out[key] = v;
  }
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The known key with the smallest edit distance, if it is close enough to be a typo. */
/** The known name nearest to a misspelt one (case counts little), if one is near enough. */
export function closestName(name: string, known: readonly string[]): string | null {
  let best: string | null = null;
  let bestDistance = Infinity;
  for (const candidate of known) {
    const d = editDistance(name.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [candidate, d];
  }
  return bestDistance <= 3 ? best : null;
}

function closestKey(key: string): string | null {
  let best: string | null = null;
  let bestDistance = Infinity;
  for (const known of CONFIG_KEYS) {
    const d = editDistance(key, known);
    if (d < bestDistance) [best, bestDistance] = [known, d];
  }
  return bestDistance <= 3 ? best : null;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length]!;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

/** What the start-up line says of the settings (beside where it listens and what it found). */
export function settingsSummary(config: Config): Record<string, unknown> {
  const { polling, successRate, randomSeed } = config.payment.process;
  const webhook = config.payment.webhook;
  return {
    webhookUrl: webhook.url,
    polling: polling.enabled ? { fixedDelayMs: polling.fixedDelayMs, initialDelayMs: polling.initialDelayMs, batchSize: polling.batchSize } : 'disabled',
    successRate,
    randomSeed,
    retryScheduleMs: webhook.retry.scheduleMs,
    signed: webhook.secrets.length > 0,
  };
}
