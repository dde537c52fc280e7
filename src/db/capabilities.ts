/**
 * Everything that differs between database backends, in one table, so that
 * repositories and migrations never branch on "is this SQLite?" themselves.
 */

export interface Capabilities {
  readonly name: 'sqlite';
  /** Claims may add FOR UPDATE SKIP LOCKED to their subselect (PostgreSQL). */
  readonly skipLocked: boolean;
  /** Column types used by migrations. */
  readonly types: {
    /** Epoch milliseconds. */
    readonly instant: 'integer' | 'bigint';
    /** Up to 999,999,999,999.999, exactly. */
    readonly amount: 'real' | 'numeric(15, 3)';
  };
  /** True when `error` is a unique-constraint violation on `table.column`. */
  isUniqueViolation(error: unknown, table: string, column: string): boolean;
}

export const SQLITE: Capabilities = {
  name: 'sqlite',
  skipLocked: false,
  // REAL holds every amount the API accepts (≤ 15 significant digits) and
  // gives back the same double, so the amount echoes exactly as sent.
  types: { instant: 'integer', amount: 'real' },
  isUniqueViolation(error, table, column) {
    return (
      error instanceof Error &&
      (error as { code?: unknown }).code === 'SQLITE_CONSTRAINT_UNIQUE' &&
      error.message.includes(`${table}.${column}`)
    );
  },
};
