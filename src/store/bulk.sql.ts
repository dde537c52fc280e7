/**
 * Set-based statements for the paths every payment takes: many rows changed
 * by one statement instead of one statement per row. Each UPDATE keeps its
 * compare-and-set: its WHERE names the state it expects. The rows reach the
 * database as a derived table `v`:
 * - PostgreSQL: ONE parameter, the rows as a JSON array of arrays, read as
 *   `jsonb` and unpacked by jsonb_array_elements — one round trip per batch,
 *   and a text that never changes with the batch's size. (As `json`, each
 *   `->> i` re-parsed its row's text from the start: a batch of deliveries,
 *   each carrying its webhook body, cost PostgreSQL ~35 µs per row to unpack
 *   against ~8 µs as `jsonb`, parsed once.)
 * - SQLite (in-process, no round trips): a multi-row VALUES with every value
 *   bound as it is. Unpacking JSON cost SQLite more than the rows' own work
 *   (each row re-parsed per column; payloads escaped and unescaped), so the
 *   rows go in chunks whose sizes are powers of two up to 64: a handful of
 *   texts per statement, each prepared once.
 */
import { CompiledQuery, PostgresAdapter, type Kysely } from 'kysely';
import type { Capabilities } from '../db/capabilities.js';
import { prepared } from '../db/prepared.js';

type Dialect = Capabilities['name'];

/** A database or a transaction on it. */
interface Target {
  executeQuery: Kysely<unknown>['executeQuery'];
  getExecutor: Kysely<unknown>['getExecutor'];
  readonly isTransaction: boolean;
  transaction(): { execute<T>(fn: (trx: Target) => Promise<T>): Promise<T> };
}

/** Which SQL a database (or a transaction on it) speaks, from its Kysely adapter. */
function dialectOf(db: Target): Dialect {
  return db.getExecutor().adapter instanceof PostgresAdapter ? 'postgres' : 'sqlite';
}

/** A column of the JSON rows: its name and its PostgreSQL type (SQLite takes JSON's own types). */
type Column = readonly [name: string, pgType: 'bigint' | 'integer' | 'text' | 'numeric'];

/** SQLite: at most this many rows per statement; smaller chunks are powers of two. */
const SQLITE_CHUNK = 64;

/**
 * The rows as a derived table `v(columns…)`: on SQLite from `size` rows of
 * bound values, on PostgreSQL from the single JSON parameter `$1`.
 */
function rowsFrom(dialect: Dialect, columns: readonly Column[], size: number): string {
  if (dialect === 'sqlite') {
    const row = `(${columns.map(() => '?').join(', ')})`;
    return `(select ${columns.map(([name], i) => `column${i + 1} as ${name}`).join(', ')} from (values ${Array.from({ length: size }, () => row).join(', ')})) as v`;
  }
  return `(select ${columns.map(([name, type], i) => `(e ->> ${i})::${type} as ${name}`).join(', ')} from jsonb_array_elements($1::jsonb) as e) as v`;
}

/** How SQLite takes `n` rows: chunks of SQLITE_CHUNK, then the rest's binary digits (37 → 32, 4, 1). */
function chunkSizes(n: number): number[] {
  const sizes: number[] = [];
  for (; n >= SQLITE_CHUNK; n -= SQLITE_CHUNK) sizes.push(SQLITE_CHUNK);
  for (let size = SQLITE_CHUNK / 2; size >= 1; size /= 2) if (n & size) sizes.push(size);
  return sizes;
}

/** What a statement's text differs in between the dialects. */
interface Spelling {
  /** The derived table of the rows, `v`. */
  rows: string;
  /**
   * The RETURNING clause's qualifier: SQLite's RETURNING names the target's
   * columns bare; PostgreSQL's must qualify them where a FROM table has a
   * column of the same name.
   */
  returning(table: string): string;
  /**
   * A column compared without its index: both planners would otherwise scan
   * a state index (every row in that state, and on PostgreSQL every dead
   * version still indexed there) and join `v` to the matches, instead of
   * looking each row of `v` up by its primary key. SQLite's unary + and
   * PostgreSQL's `|| ''` keep the comparison off the index.
   */
  unindexed(column: string): string;
  /** `a` equals `b`, NULL equal to NULL. */
  same(a: string, b: string): string;
}

/**
 * One statement: its text per dialect (and, on SQLite, per chunk size),
 * built on first use. `prepare`: on PostgreSQL, run it as a named prepared
 * statement (db/prepared.ts) — for statements whose plan does not depend on
 * the tables' sizes (an INSERT from the rows). A join's generic plan, made
 * once while a table was small, would keep scanning it whole as it grows.
 */
function bulk(columns: readonly Column[], build: (spelling: Spelling) => string, { prepare = false } = {}) {
  const texts = new Map<string, string>();
  /** The text for a dialect; on SQLite for `size` rows (its parameters: the rows' values, row after row). */
  const textFor = (dialect: Dialect, size = 1): string => {
    const sqlite = dialect === 'sqlite';
    const key = sqlite ? `sqlite:${size}` : dialect;
    let text = texts.get(key);
    if (text === undefined) {
      text = build({
        rows: rowsFrom(dialect, columns, size),
        returning: (table) => (sqlite ? '' : `${table}.`),
        unindexed: (column) => (sqlite ? `+${column}` : `(${column} || '')`),
        same: (a, b) => (sqlite ? `${a} is ${b}` : `${a} is not distinct from ${b}`),
      });
      texts.set(key, prepare && !sqlite ? prepared(text) : text);
    }
    return text;
  };
  const run = async <R>(db: Target, rows: readonly unknown[][]): Promise<R[]> => {
    if (rows.length === 0) return [];
    const dialect = dialectOf(db);
    if (dialect === 'postgres') return (await db.executeQuery<R>(CompiledQuery.raw(textFor(dialect), [JSON.stringify(rows)]))).rows;
    const sizes = chunkSizes(rows.length);
    // Several chunks are one statement's worth of rows: they commit together.
    if (sizes.length > 1 && !db.isTransaction) return db.transaction().execute((trx) => run<R>(trx, rows));
    let out: R[] = [];
    let from = 0;
    for (const size of sizes) {
      const values: unknown[] = [];
      for (let i = from; i < from + size; i++) for (const value of rows[i]!) values.push(value);
      const result = await db.executeQuery<R>(CompiledQuery.raw(textFor(dialect, size), values));
      out = out.length === 0 ? result.rows : out.concat(result.rows);
      from += size;
    }
    return out;
  };
  return Object.assign(run, { text: textFor });
}

/**
 * Many rows into `table` in one INSERT … SELECT from the rows (one per
 * SQLite chunk). Each row object gives its `columns`, in order; `onConflict`
 * skips a row whose unique key is taken; `returning` names the columns read
 * back (ids rise in the order the rows were given).
 */
export function bulkInsert<Row extends object>(
  table: string,
  columns: ReadonlyArray<readonly [name: keyof Row & string, pgType: Column[1]]>,
  options: { onConflictDoNothing?: boolean; returning?: readonly string[] } = {},
) {
  const names = columns.map(([name]) => name);
  const statement = bulk(
    columns,
    ({ rows }) =>
      `insert into ${table} (${names.join(', ')})
select ${names.map((name) => `v.${name}`).join(', ')} from ${rows}
where true${options.onConflictDoNothing ? ' on conflict do nothing' : ''}${options.returning ? ` returning ${options.returning.join(', ')}` : ''}`,
    { prepare: true },
  );
  /** The rows as the statement takes them: each one's values, in the columns' order. */
  const values = (rows: readonly Row[]) => rows.map((row) => names.map((name) => (row as Record<string, unknown>)[name] ?? null));
  const insert = <R = never>(db: Target, rows: readonly Row[]): Promise<R[]> => statement<R>(db, values(rows));
  return Object.assign(insert, { text: statement.text, values });
}

/**
 * Several of these statements as ONE PostgreSQL statement: each but the
 * last in a WITH (PostgreSQL runs every data-modifying WITH to completion,
 * all as one atomic statement), the last answering; each takes its rows
 * from its own parameter, `$1`, `$2`, … in the order given. One round trip
 * and no BEGIN/COMMIT, where the statements one after the other inside a
 * transaction took two more round trips, and one per statement.
 */
export function fusedPostgres(...statements: ReadonlyArray<{ text(dialect: 'postgres'): string }>): string {
  const texts = statements.map((s, i) => s.text('postgres').replace('$1::jsonb', `$${i + 1}::jsonb`));
  const last = texts.pop()!;
  return `with ${texts.map((text, i) => `step${i + 1} as (${text})`).join(', ')}\n${last}`;
}

/**
 * The scheduler's finalization of the payments it picked, each row `[id,
 * wasStatus, wasToken, token, claimant, status, approvalNo, failReason, decidedBy,
 * now]`: PENDING (or PROCESSING under a lapsed claim) → SUCCESS | FAILED,
 * stamped with the new claim (token, claimant, processing start), only while
 * the payment is still as it was read — status and claim token — so a
 * payment another claimant changed in between is left alone. Returns the ids
 * that changed.
 */
export const finalizePicked = bulk(
  [
    ['id', 'bigint'],
    ['was', 'text'],
    ['was_token', 'text'],
    ['token', 'text'],
    ['claimant', 'text'],
    ['status', 'text'],
    ['approval_no', 'text'],
    ['fail_reason', 'text'],
    ['decided_by', 'text'],
    ['now', 'bigint'],
  ],
  ({ rows, returning, unindexed, same }) => `update payment_processes
set status = v.status, approval_no = v.approval_no, fail_reason = v.fail_reason, processed_at = v.now, decided_by = v.decided_by,
  processing_started_at = v.now, claim_token = v.token, claimed_by = v.claimant
from ${rows}
where payment_processes.id = v.id and ${unindexed('payment_processes.status')} = v.was and ${same('payment_processes.claim_token', 'v.was_token')}
returning ${returning('payment_processes')}id`,
);

/**
 * Webhook attempts recorded: each delivery `[id, attemptNo, state, dueAt,
 * deliveredAt, responseCode, error]` moves on only while its sender still
 * holds the claim it made (still SENDING, same attempt number). Returns the
 * ids that moved.
 */
export const moveDeliveriesOn = bulk(
  [
    ['id', 'bigint'],
    ['attempt', 'integer'],
    ['state', 'text'],
    ['due_at', 'bigint'],
    ['delivered_at', 'bigint'],
    ['code', 'integer'],
    ['error', 'text'],
  ],
  ({ rows, returning, unindexed }) => `update webhook_deliveries
set state = v.state, due_at = v.due_at, delivered_at = v.delivered_at, last_response_code = v.code, last_error = v.error
from ${rows}
where webhook_deliveries.id = v.id and ${unindexed('webhook_deliveries.state')} = 'SENDING' and webhook_deliveries.attempt_count = v.attempt
returning ${returning('webhook_deliveries')}id`,
);

/**
 * Each payment's webhook fields after attempts `[paymentId, responseCode,
 * deliveredAt]`: the last HTTP code, and the first delivery's time, never
 * moved once set. One row per payment (the caller folds several attempts).
 */
export const recordWebhookResults = bulk(
  [
    ['id', 'bigint'],
    ['code', 'integer'],
    ['delivered_at', 'bigint'],
  ],
  ({ rows }) => `update payment_processes
set webhook_response_code = v.code, webhook_sent_at = coalesce(payment_processes.webhook_sent_at, v.delivered_at)
from ${rows}
where payment_processes.id = v.id`,
);
