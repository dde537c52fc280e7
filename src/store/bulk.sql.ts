/**
 * Set-based statements for the paths every payment takes: many rows changed
 * by one statement, with a fixed SQL text and ONE parameter — the rows, as a
 * JSON array of arrays — unpacked by the database (SQLite's json_each,
 * PostgreSQL's json_array_elements). One statement (one round trip on
 * PostgreSQL) per batch instead of one per row; the text never changes with
 * the batch's size, so SQLite prepares it once and PostgreSQL parses little.
 * Each UPDATE keeps its compare-and-set: its WHERE names the state it expects.
 */
import { CompiledQuery, PostgresAdapter, type Kysely } from 'kysely';
import type { Capabilities } from '../db/capabilities.js';

type Dialect = Capabilities['name'];

/** A database or a transaction on it. */
type Target = Pick<Kysely<unknown>, 'executeQuery' | 'getExecutor'>;

/** Which SQL a database (or a transaction on it) speaks, from its Kysely adapter. */
export function dialectOf(db: Target): Dialect {
  return db.getExecutor().adapter instanceof PostgresAdapter ? 'postgres' : 'sqlite';
}

/** A column of the JSON rows: its name and its PostgreSQL type (SQLite takes JSON's own types). */
type Column = readonly [name: string, pgType: 'bigint' | 'integer' | 'text' | 'numeric'];

/**
 * The rows as a derived table `v(columns…)`, from the single parameter
 * (`?` on SQLite, `$1` on PostgreSQL).
 */
function rowsFrom(dialect: Dialect, columns: readonly Column[]): string {
  if (dialect === 'sqlite') {
    return `(select ${columns.map(([name], i) => `value ->> ${i} as ${name}`).join(', ')} from json_each(?)) as v`;
  }
  return `(select ${columns.map(([name, type], i) => `(e ->> ${i})::${type} as ${name}`).join(', ')} from json_array_elements($1::json) as e) as v`;
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
   * A column compared without its index: SQLite's planner would otherwise
   * scan a state index and join every row of `v` to each match, instead of
   * looking each row of `v` up by its primary key (unary + keeps it off the
   * index; PostgreSQL plans this join well as written).
   */
  unindexed(column: string): string;
  /** `a` equals `b`, NULL equal to NULL. */
  same(a: string, b: string): string;
}

/** One statement's text per dialect, built on first use. */
function bulk(columns: readonly Column[], build: (spelling: Spelling) => string) {
  const texts = new Map<Dialect, string>();
  const textFor = (dialect: Dialect): string => {
    let text = texts.get(dialect);
    if (text === undefined) {
      const sqlite = dialect === 'sqlite';
      text = build({
        rows: rowsFrom(dialect, columns),
        returning: (table) => (sqlite ? '' : `${table}.`),
        unindexed: (column) => (sqlite ? `+${column}` : column),
        same: (a, b) => (sqlite ? `${a} is ${b}` : `${a} is not distinct from ${b}`),
      });
      texts.set(dialect, text);
    }
    return text;
  };
  const run = async <R>(db: Target, rows: readonly unknown[][]): Promise<R[]> => {
    if (rows.length === 0) return [];
    const result = await db.executeQuery<R>(CompiledQuery.raw(textFor(dialectOf(db)), [JSON.stringify(rows)]));
    return result.rows;
  };
  /** The statement's text for a dialect (its one parameter: the rows as JSON). */
  return Object.assign(run, { text: textFor });
}

/**
 * Many rows into `table` in one INSERT … SELECT from the rows as JSON, with a
 * text that never changes (a multi-row VALUES has one text, and one SQLite
 * preparation, per batch size). Each row object gives its `columns`, in
 * order; `onConflict` skips a row whose unique key is taken; `returning`
 * names the columns read back, in the order the rows were given.
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
  );
  return <R = never>(db: Target, rows: readonly Row[]): Promise<R[]> =>
    statement<R>(
      db,
      rows.map((row) => names.map((name) => (row as Record<string, unknown>)[name] ?? null)),
    );
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
