/**
 * Everything that differs between database backends, in one table, so that
 * repositories and migrations never branch on "is this SQLite?" themselves.
 */
import { sql, type ColumnDefinitionBuilder, type Expression, type Kysely, type RawBuilder, type SqlBool } from 'kysely';

export interface Capabilities {
  readonly name: 'sqlite' | 'postgres';
  /** Claims may add FOR UPDATE SKIP LOCKED to their subselect, so instances never wait on each other's rows. */
  readonly skipLocked: boolean;
  /** Column types used by migrations. */
  readonly types: {
    /** Row ids and references to them. */
    readonly id: 'integer' | 'bigint';
    /** Epoch milliseconds. */
    readonly instant: 'integer' | 'bigint';
    /** Up to 999,999,999,999.999, exactly. */
    readonly amount: 'real' | 'numeric(15, 3)';
  };
  /**
   * `column` is one of the ids a claim's subselect picked. The subselect must
   * run exactly once per statement: its LIMIT and row locks are the claim.
   */
  idIn(column: string, picked: Expression<unknown>): RawBuilder<SqlBool>;
  /** Makes an id column the auto-generated primary key. */
  autoId(column: ColumnDefinitionBuilder): ColumnDefinitionBuilder;
  /**
   * Serializes a transaction against every other one that takes the same
   * named lock, across processes, until it ends. (SQLite's BEGIN IMMEDIATE
   * already serializes all writers.)
   */
  lock(trx: Kysely<unknown>, name: string): Promise<void>;
  /** Empties tables and restarts their ids at 1 (inside the caller's transaction). */
  truncate(trx: Kysely<unknown>, tables: readonly string[]): Promise<void>;
  /** True when `error` is a unique-constraint violation on `table.column`. */
  isUniqueViolation(error: unknown, table: string, column: string): boolean;
}

export const SQLITE: Capabilities = {
  name: 'sqlite',
  skipLocked: false,
  // REAL holds every amount the API accepts (≤ 15 significant digits) and
  // gives back the same double, so the amount echoes exactly as sent.
  types: { id: 'integer', instant: 'integer', amount: 'real' },
  idIn: (column, picked) => sql<SqlBool>`${sql.ref(column)} in (${picked})`,
  // AUTOINCREMENT: ids are never reused, so a seeded run's ids (and so its
  // outcomes) do not depend on what was deleted before.
  autoId: (c) => c.primaryKey().autoIncrement(),
  lock: async () => undefined,
  truncate: async (trx, tables) => {
    for (const table of tables) await sql`delete from ${sql.table(table)}`.execute(trx);
    await sql`delete from sqlite_sequence where name in (${sql.join(tables.map((t) => sql.lit(t)))})`.execute(trx);
  },
  isUniqueViolation(error, table, column) {
    return (
      error instanceof Error &&
      (error as { code?: unknown }).code === 'SQLITE_CONSTRAINT_UNIQUE' &&
      error.message.includes(`${table}.${column}`)
    );
  },
};

export const POSTGRES: Capabilities = {
  name: 'postgres',
  skipLocked: true,
  types: { id: 'bigint', instant: 'bigint', amount: 'numeric(15, 3)' },
  // Not `id IN (SELECT … LIMIT n FOR UPDATE SKIP LOCKED)`: PostgreSQL may run
  // such a subselect more than once (a semi-join rescanned), claiming more
  // than n rows. ARRAY(subselect) is evaluated once.
  idIn: (column, picked) => sql<SqlBool>`${sql.ref(column)} = any(array(${picked}))`,
  autoId: (c) => c.primaryKey().generatedByDefaultAsIdentity(),
  // A transaction-scoped advisory lock: released at COMMIT or ROLLBACK.
  lock: async (trx, name) => {
    await sql`select pg_advisory_xact_lock(hashtext(${`hamster-pg:${name}`}))`.execute(trx);
  },
  truncate: async (trx, tables) => {
    await sql`truncate ${sql.join(tables.map((t) => sql.table(t)))} restart identity`.execute(trx);
  },
  isUniqueViolation(error, table, column) {
    const e = error as { code?: unknown; table?: unknown; detail?: unknown };
    return (
      e.code === '23505' &&
      e.table === table &&
      typeof e.detail === 'string' &&
      e.detail.startsWith(`Key (${column})=`)
    );
  },
};
