/**
 * Opens the store's database from `database.url`: a SQLite file (created with
 * its folder on first start) or `:memory:`.
 */
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely } from 'kysely';
import { SQLITE, type Capabilities } from './capabilities.js';
import type { DB } from './schema.js';
import { HamsterSqliteDialect } from './sqlite.driver.js';

export interface Database {
  readonly db: Kysely<DB>;
  readonly caps: Capabilities;
  /** A human-readable description of where the data lives. */
  readonly location: string;
  close(): Promise<void>;
}

export interface OpenOptions {
  /** Folder that relative SQLite paths are resolved against; default process.cwd(). */
  cwd?: string;
}

export function openDatabase(url: string, options: OpenOptions = {}): Database {
  const memory = url === ':memory:';
  const path = memory ? ':memory:' : resolve(options.cwd ?? process.cwd(), url.replace(/^(sqlite|file):/, ''));
  if (!memory) mkdirSync(dirname(path), { recursive: true });
  const sqlite = new BetterSqlite3(path);
  // WAL lets readers (the lookup API) run beside the writer. synchronous=NORMAL
  // in WAL mode: a commit survives a crash of this process (kill -9), not a
  // power cut of the machine — the right trade for a sandbox.
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('foreign_keys = ON');
  const db = new Kysely<DB>({ dialect: new HamsterSqliteDialect(sqlite) });
  return {
    db,
    caps: SQLITE,
    location: memory ? 'SQLite in memory' : `SQLite ${path}`,
    close: () => db.destroy(),
  };
}
