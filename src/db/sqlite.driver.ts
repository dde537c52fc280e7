/**
 * A Kysely driver for better-sqlite3, written for this service instead of
 * Kysely's stock SqliteDriver for two reasons:
 * - transactions start with BEGIN IMMEDIATE, so a transaction takes SQLite's
 *   write lock at its start and waits (busy_timeout) for another process's
 *   writer there, instead of failing half-way with SQLITE_BUSY on upgrade;
 * - prepared statements are cached by SQL text; Kysely compiles the same few
 *   statements over and over, and preparing is a large part of their cost.
 * better-sqlite3 is synchronous, so one connection plus a mutex (a transaction
 * holds it from BEGIN to COMMIT) is the whole concurrency story in-process.
 */
import type BetterSqlite3 from 'better-sqlite3';
import {
  CompiledQuery,
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  type Kysely,
  type QueryResult,
} from 'kysely';

const STATEMENT_CACHE_SIZE = 256;

/** A prepared statement and, for one that returns rows, how its rows become objects. */
interface Prepared {
  stmt: BetterSqlite3.Statement;
  toRow: RowFactory | null;
}

/**
 * Builds a statement's row objects from its rows as arrays: a function made
 * once per statement from its column names, so every row is created with
 * all its properties at once (better-sqlite3's own objects, property by
 * property, cost twice as much per row of a wide table). A name that occurs
 * twice keeps its last value, as better-sqlite3's objects do.
 */
function rowFactory(names: readonly string[]): RowFactory {
  // (A computed key for __proto__: a plain one would set the prototype.)
  const fields = names.map((name, i) => `${name === '__proto__' ? `[${JSON.stringify(name)}]` : JSON.stringify(name)}: v[${i}]`).join(', ');
  return Object.assign(new Function('v', `return { ${fields} };`) as (values: unknown[]) => unknown, { width: names.length });
}

type RowFactory = ((values: unknown[]) => unknown) & { width: number };

class SqliteConnection implements DatabaseConnection {
  private readonly cache = new Map<string, Prepared>();

  constructor(
    private readonly db: BetterSqlite3.Database,
    private readonly stats: { statements: number },
  ) {}

  private statement(text: string): Prepared {
    let prepared = this.cache.get(text);
    if (prepared === undefined) {
      const stmt = this.db.prepare(text);
      let toRow: Prepared['toRow'] = null;
      if (stmt.reader) {
        toRow = rowFactory(stmt.columns().map((c) => c.name));
        stmt.raw(true);
      }
      prepared = { stmt, toRow };
      if (this.cache.size >= STATEMENT_CACHE_SIZE) {
        this.cache.delete(this.cache.keys().next().value!);
      }
      this.cache.set(text, prepared);
    }
    return prepared;
  }

  executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    this.stats.statements++;
    const prepared = this.statement(query.sql);
    const { stmt } = prepared;
    const params = query.parameters as unknown[];
    if (prepared.toRow !== null) {
      const values = stmt.all(params) as unknown[][];
      // SQLite prepares a statement again after the schema changed; a `*` may then name more columns.
      if (values.length > 0 && values[0]!.length !== prepared.toRow.width) prepared.toRow = rowFactory(stmt.columns().map((c) => c.name));
      const toRow = prepared.toRow;
      const rows = new Array<R>(values.length);
      for (let i = 0; i < values.length; i++) rows[i] = toRow(values[i]!) as R;
      return Promise.resolve({ rows });
    }
    const { changes, lastInsertRowid } = stmt.run(params);
    return Promise.resolve({
      numAffectedRows: BigInt(changes),
      insertId: BigInt(lastInsertRowid),
      rows: [],
    });
  }

  // eslint-disable-next-line require-yield
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error('streaming is not used by hamster-pg');
  }
}

class Mutex {
  private tail: Promise<void> = Promise.resolve();

  lock(): Promise<() => void> {
    let release!: () => void;
    const next = new Promise<void>((resolve) => (release = resolve));
    const acquired = this.tail.then(() => release);
    this.tail = this.tail.then(() => next);
    return acquired;
  }
}

class SqliteDriver implements Driver {
  private readonly mutex = new Mutex();
  private readonly connection: SqliteConnection;
  private release: (() => void) | null = null;

  constructor(
    private readonly db: BetterSqlite3.Database,
    stats: { statements: number },
  ) {
    this.connection = new SqliteConnection(db, stats);
  }

  async init(): Promise<void> {}

  async acquireConnection(): Promise<DatabaseConnection> {
    this.release = await this.mutex.lock();
    return this.connection;
  }

  async beginTransaction(conn: DatabaseConnection): Promise<void> {
    await conn.executeQuery(CompiledQuery.raw('begin immediate'));
  }

  async commitTransaction(conn: DatabaseConnection): Promise<void> {
    await conn.executeQuery(CompiledQuery.raw('commit'));
  }

  async rollbackTransaction(conn: DatabaseConnection): Promise<void> {
    // After some errors SQLite has already rolled back; that is not a failure.
    if (this.db.inTransaction) await conn.executeQuery(CompiledQuery.raw('rollback'));
  }

  async releaseConnection(): Promise<void> {
    const release = this.release;
    this.release = null;
    release?.();
  }

  async destroy(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}

export class HamsterSqliteDialect implements Dialect {
  constructor(
    private readonly db: BetterSqlite3.Database,
    private readonly stats: { statements: number } = { statements: 0 },
  ) {}
  createDriver(): Driver {
    return new SqliteDriver(this.db, this.stats);
  }
  createQueryCompiler() {
    return new SqliteQueryCompiler();
  }
  createAdapter() {
    return new SqliteAdapter();
  }
  createIntrospector(db: Kysely<unknown>) {
    return new SqliteIntrospector(db);
  }
}
