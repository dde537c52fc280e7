/**
 * Applies the schema migrations, in order, each exactly once. The whole run
 * is one write transaction under a migration lock (BEGIN IMMEDIATE on SQLite,
 * an advisory lock on PostgreSQL, whose DDL is transactional too), so when
 * several processes start on one database together, one migrates and the
 * others wait and then find nothing left to do. A database migrated by a newer
 * hamster-pg (a migration this code does not know) stops start-up.
 */
import { sql, type Kysely } from 'kysely';
import type { Capabilities } from './capabilities.js';
import type { Database } from './database.js';
import * as m0001 from './migrations/0001_initial.js';
import * as m0002 from './migrations/0002_reliable_delivery.js';
import * as m0003 from './migrations/0003_scale_out.js';
import * as m0004 from './migrations/0004_test_control.js';
import * as m0005 from './migrations/0005_lean_indexes.js';
import * as m0006 from './migrations/0006_profiles.js';
import * as m0007 from './migrations/0007_decided_by.js';
import * as m0008 from './migrations/0008_partial_cancel.js';
import * as m0009 from './migrations/0009_contract_records.js';
import * as m0010 from './migrations/0010_store_events.js';
import * as m0011 from './migrations/0011_attempt_headers.js';
import * as m0012 from './migrations/0012_attempts_by_delivery.js';

interface Migration {
  name: string;
  up(db: Kysely<unknown>, caps: Capabilities): Promise<void>;
}

/** Append-only: never edit or reorder a migration once it has landed. */
export const MIGRATIONS: readonly Migration[] = [
  { name: '0001_initial', up: m0001.up },
  { name: '0002_reliable_delivery', up: m0002.up },
  { name: '0003_scale_out', up: m0003.up },
  { name: '0004_test_control', up: m0004.up },
  { name: '0005_lean_indexes', up: m0005.up },
  { name: '0006_profiles', up: m0006.up },
  { name: '0007_decided_by', up: m0007.up },
  { name: '0008_partial_cancel', up: m0008.up },
  { name: '0009_contract_records', up: m0009.up },
  { name: '0010_store_events', up: m0010.up },
  { name: '0011_attempt_headers', up: m0011.up },
  { name: '0012_attempts_by_delivery', up: m0012.up },
];

export class SchemaTooNew extends Error {
  constructor(location: string, unknown: string[]) {
    super(
      `The database (${location}) was migrated by a newer hamster-pg: it has migration(s) ${unknown.join(', ')} ` +
        `that this version does not know. Run a newer hamster-pg, or point database.url at another database.`,
    );
    this.name = 'SchemaTooNew';
  }
}

export async function migrate(database: Database): Promise<string[]> {
  const { db, caps, location } = database;
  return db.transaction().execute(async (trx) => {
    await caps.lock(trx as unknown as Kysely<unknown>, 'migrate');
    await sql`create table if not exists hamster_schema_migrations (
      name text primary key,
      applied_at ${sql.raw(caps.types.instant)} not null
    )`.execute(trx);
    const done = new Set((await trx.selectFrom('hamster_schema_migrations').select('name').execute()).map((r) => r.name));
    const known = new Set(MIGRATIONS.map((m) => m.name));
    const unknown = [...done].filter((name) => !known.has(name)).sort();
    if (unknown.length > 0) throw new SchemaTooNew(location, unknown);

    const applied: string[] = [];
    for (const migration of MIGRATIONS) {
      if (done.has(migration.name)) continue;
      await migration.up(trx as unknown as Kysely<unknown>, caps);
      await trx.insertInto('hamster_schema_migrations').values({ name: migration.name, applied_at: Date.now() }).execute();
      applied.push(migration.name);
    }
    return applied;
  });
}

/** True when every known migration has been applied (for readiness checks). */
export async function isSchemaCurrent(database: Database): Promise<boolean> {
  const rows = await database.db.selectFrom('hamster_schema_migrations').select('name').execute();
  const done = new Set(rows.map((r) => r.name));
  return MIGRATIONS.every((m) => done.has(m.name));
}
