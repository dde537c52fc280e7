/**
 * Opens the store's database from `database.url`: a SQLite file (created with
 * its folder on first start), `:memory:`, or a PostgreSQL URL
 * (`postgres://…` / `postgresql://…`, pooled).
 */
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, PostgresDialect } from 'kysely';
import { createRequire } from 'node:module';
import type Pg from 'pg';
import { POSTGRES, SQLITE, type Capabilities } from './capabilities.js';
import type { DB } from './schema.js';
import { startCheckpointer } from './checkpointer.js';
import { preparedName } from './prepared.js';
import { HamsterSqliteDialect } from './sqlite.driver.js';
import { ConfigError } from '../errors.js';

export interface Database {
  readonly db: Kysely<DB>;
  readonly caps: Capabilities;
  /** A human-readable description of where the data lives (no password). */
  readonly location: string;
  /** Statements run and round trips made so far (the metrics and the benchmark read them). */
  readonly stats: DatabaseStats;
  close(): Promise<void>;
}

/**
 * What the store asked of its database: every statement it ran (BEGIN and
 * COMMIT included) and, for a server database, every round trip to it. An
 * in-process SQLite makes no round trips.
 */
export interface DatabaseStats {
  statements: number;
  roundTrips: number;
}

export interface OpenOptions {
  /** Folder that relative SQLite paths are resolved against; default process.cwd(). */
  cwd?: string;
  /** PostgreSQL connections per process. */
  poolSize?: number;
  /** PostgreSQL: send the registered texts as named prepared statements (db/prepared.ts); default true. */
  preparedStatements?: boolean;
}

export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//i.test(url);
}

export function openDatabase(url: string, options: OpenOptions = {}): Database {
  return isPostgresUrl(url) ? openPostgres(url, options.poolSize ?? 10, options.preparedStatements ?? true) : openSqlite(url, options.cwd);
}

function openSqlite(url: string, cwd = process.cwd()): Database {
  const memory = url === ':memory:';
  const path = memory ? ':memory:' : resolve(cwd, url.replace(/^(sqlite|file):/, ''));
  let sqlite: BetterSqlite3.Database;
  try {
    if (!memory) makeFolders(dirname(path));
    sqlite = new BetterSqlite3(path);
    // WAL lets readers (the lookup API) run beside the writer. synchronous=NORMAL
    // in WAL mode: a commit survives a crash of this process (kill -9), not a
    // power cut of the machine — the right trade for a sandbox.
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = NORMAL');
    sqlite.pragma('busy_timeout = 5000');
    sqlite.pragma('foreign_keys = ON');
    // A page cache a little above the default keeps the indexes' hot pages
    // (the random tids) in memory, without weighing on the process's size.
    sqlite.pragma('cache_size = -8192');
    // Statement journals (a multi-row statement that may stop half-way keeps
    // one to undo itself) and sorts in memory: as temporary files, each was a
    // file created, written and unlinked inside a commit.
    sqlite.pragma('temp_store = MEMORY');
    // Checkpoints run in a worker (see checkpointer.ts); this is only the safety net.
    sqlite.pragma(`wal_autocheckpoint = ${memory ? 1000 : 20000}`);
  } catch (error) {
    // (A file that is not a database fails at its first read: the first pragma.)
    throw new DatabaseUnusable(`SQLite ${path}`, error);
  }
  const checkpointer = memory ? null : startCheckpointer(path);
  const stats: DatabaseStats = { statements: 0, roundTrips: 0 };
  const db = new Kysely<DB>({ dialect: new HamsterSqliteDialect(sqlite, stats) });
  return {
    db,
    caps: SQLITE,
    stats,
    location: memory ? 'SQLite in memory' : `SQLite ${path}`,
    close: async () => {
      await checkpointer?.stop();
      await db.destroy();
    },
  };
}

/**
 * The folders a new database file needs, made one at a time. Not
 * mkdirSync's `recursive`: on some file systems (/proc) it retries for ever
 * instead of failing, and start-up would spin silently.
 */
function makeFolders(dir: string): void {
  const missing: string[] = [];
  for (let d = dir; !existsSync(d); d = dirname(d)) {
    missing.unshift(d);
    if (dirname(d) === d) break;
  }
  for (const d of missing) mkdirSync(d);
}

/** Error codes that mean "this database cannot be reached or opened", not "a statement failed". */
const UNUSABLE = new Set([
  'ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNRESET',
  'EACCES', 'EPERM', 'EROFS', 'ENOENT', 'ENOTDIR', 'EISDIR',
  'SQLITE_CANTOPEN', 'SQLITE_READONLY', 'SQLITE_PERM', 'SQLITE_NOTADB', 'SQLITE_AUTH',
  // PostgreSQL: bad password, no such role or database, the server starting or shutting down.
  '28P01', '28000', '3D000', '57P03', '57P01',
]);

/** Whether an error from the first use of a database means it cannot be used at all. */
export function isUnusable(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && UNUSABLE.has(code);
}

/**
 * The database in `database.url` cannot be opened or reached: start-up
 * stops with one line naming the setting, the database and the cause.
 */
export class DatabaseUnusable extends ConfigError {
  constructor(location: string, cause: unknown) {
    super(`Cannot use the database in database.url (${location}): ${(cause as Error).message ?? String(cause)}`);
  }
}

/**
 * int8 (ids, epoch milliseconds, counts) and numeric (amounts) arrive as
 * numbers: every value this service stores is within 2^53, and every amount
 * has at most 15 significant digits, which a double holds exactly.
 */
const toNumber = (text: string) => Number(text);

/** Loaded only when a PostgreSQL URL is used, so SQLite users do not pay for it at start-up. */
function loadPg(): typeof Pg {
  return createRequire(import.meta.url)('pg') as typeof Pg;
}

function openPostgres(url: string, poolSize: number, preparedStatements: boolean): Database {
  const pg = loadPg();
  const types = {
    getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
      oid === pg.types.builtins.INT8 || oid === pg.types.builtins.NUMERIC
        ? toNumber
        : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
  };
  const pool = new pg.Pool({ connectionString: url, max: poolSize, types });
  // An idle client's error (the server restarted, say) must not crash the process;
  // the pool drops that client and the next query opens a new one.
  pool.on('error', () => undefined);
  const stats: DatabaseStats = { statements: 0, roundTrips: 0 };
  pool.on('connect', (client) => countQueries(client, stats, preparedStatements));
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
  const u = new URL(url);
  return {
    db,
    caps: POSTGRES,
    stats,
    location: `PostgreSQL ${u.hostname}${u.port ? `:${u.port}` : ''}${u.pathname}`,
    close: () => db.destroy(),
  };
}

/**
 * Counts what a pooled client sends: each query() is one round trip (the
 * driver does not pipeline) carrying one statement — or, for a text with
 * several statements and no parameters, as many as it holds. A registered
 * text with parameters goes as its named prepared statement (db/prepared.ts),
 * unless `database.prepared-statements` is false.
 */
function countQueries(client: Pg.PoolClient, stats: DatabaseStats, preparedStatements: boolean): void {
  const query = client.query.bind(client) as (...args: unknown[]) => unknown;
  (client as { query: unknown }).query = (...args: unknown[]) => {
    const first = args[0] as string | { text?: string } | undefined;
    const text = typeof first === 'string' ? first : (first?.text ?? '');
    const withValues = args.length > 1 && args[1] !== undefined;
    stats.statements += withValues ? 1 : statementsIn(text);
    stats.roundTrips += 1;
    const name = preparedStatements && withValues && typeof first === 'string' && args.length === 2 ? preparedName(first) : undefined;
    return name === undefined ? query(...args) : query({ name, text, values: args[1] });
  };
}

/** Statements in a parameterless text: its semicolons outside quotes, plus an unterminated last one. */
function statementsIn(text: string): number {
  let n = 0;
  let quote: string | null = null;
  let tail = false;
  for (const ch of text) {
    if (quote) {
      if (ch === quote) quote = null;
    } else if (ch === "'" || ch === '"') {
      quote = ch;
      tail = true;
    } else if (ch === ';') {
      n++;
      tail = false;
    } else if (!/\s/.test(ch)) tail = true;
  }
  return n + (tail ? 1 : 0) || 1;
}
