/**
 * Hot-path statements built once. Kysely builds and compiles a query on every
 * call — fine for most, but on the paths every payment takes several times
 * (finalizing, recording a webhook attempt) that work outweighs SQLite's.
 * Here a statement is built once with named placeholders (sentinel values),
 * compiled for the database's dialect, and then run with a fresh parameter
 * list: same SQL text, so the driver's statement cache hits too.
 */
import { CompiledQuery, type Compilable, type Kysely, type QueryResult } from 'kysely';

const MARK = '\u0000hamster-param:';

/** A placeholder for the parameter `name`, to use where a value goes while building. */
export type Param = <T = never>(name: string) => T;

export interface Prepared<P extends Record<string, unknown>> {
  run<R = unknown>(db: Kysely<unknown>, params: P): Promise<QueryResult<R>>;
  readonly sql: string;
}

export function prepare<P extends Record<string, unknown>>(db: Kysely<unknown>, build: (p: Param) => Compilable): Prepared<P> {
  const compiled = build(((name: string) => `${MARK}${name}`) as Param).compile();
  const names = compiled.parameters.map((value) => {
    if (typeof value !== 'string' || !value.startsWith(MARK)) {
      throw new Error(`prepared statement has a parameter that is not a named placeholder: ${String(value)}`);
    }
    return value.slice(MARK.length);
  });
  void db;
  return {
    sql: compiled.sql,
    run: <R>(target: Kysely<unknown>, params: P) =>
      target.executeQuery<R>(CompiledQuery.raw(compiled.sql, names.map((n) => params[n]))),
  };
}

/**
 * A prepared statement for whichever database it is first run on, compiled
 * once per dialect (the SQL text differs between SQLite and PostgreSQL).
 */
export function lazyPrepared<P extends Record<string, unknown>>(build: (db: Kysely<unknown>, p: Param) => Compilable) {
  const byDialect = new Map<unknown, Prepared<P>>();
  return <R = unknown>(db: Kysely<unknown>, params: P): Promise<QueryResult<R>> => {
    const dialect = db.getExecutor().adapter.constructor;
    let prepared = byDialect.get(dialect);
    if (!prepared) {
      prepared = prepare<P>(db, (p) => build(db, p));
      byDialect.set(dialect, prepared);
    }
    return prepared.run<R>(db, params);
  };
}
