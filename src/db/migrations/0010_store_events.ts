/**
 * Webhooks about something other than a payment — PortOne's BillingKey.Issued
 * and BillingKey.Deleted — go through the same outbox, so a delivery's (and
 * an attempt's) payment becomes optional. Each delivery also records the
 * contract whose retry schedule it follows.
 *
 * SQLite cannot drop a NOT NULL in place: both tables are rebuilt with the
 * same columns, rows and indexes (foreign keys deferred until the commit,
 * so the attempts that point at the deliveries find them again).
 */
import { sql, type Kysely } from 'kysely';
import type { Capabilities } from '../capabilities.js';

const TABLES = ['webhook_deliveries', 'webhook_attempts'] as const;

export async function up(db: Kysely<unknown>, caps: Capabilities): Promise<void> {
  if (caps.name === 'postgres') {
    for (const table of TABLES) await sql`alter table ${sql.table(table)} alter column payment_process_id drop not null`.execute(db);
  } else {
    await sql`pragma defer_foreign_keys = on`.execute(db);
    for (const table of TABLES) await rebuildNullable(db, table);
  }
  await db.schema.alterTable('webhook_deliveries').addColumn('profile', 'text').execute();
}

async function rebuildNullable(db: Kysely<unknown>, table: string): Promise<void> {
  const schema = await sql<{ type: string; sql: string | null }>`select type, sql from sqlite_master where tbl_name = ${table}`.execute(db);
  const create = schema.rows.find((r) => r.type === 'table')?.sql;
  const indexes = schema.rows.filter((r) => r.type === 'index' && r.sql !== null).map((r) => r.sql!);
  const NOT_NULL = '"payment_process_id" integer not null references';
  if (!create?.includes(NOT_NULL)) throw new Error(`${table} is not as migration 0001 made it: ${create ?? 'missing'}`);
  const keep = `${table}_rebuilding`;
  await sql`create table ${sql.table(keep)} as select * from ${sql.table(table)}`.execute(db);
  await sql`drop table ${sql.table(table)}`.execute(db);
  await sql.raw(create.replace(NOT_NULL, '"payment_process_id" integer references')).execute(db);
  await sql`insert into ${sql.table(table)} select * from ${sql.table(keep)}`.execute(db);
  await sql`drop table ${sql.table(keep)}`.execute(db);
  for (const index of indexes) await sql.raw(index).execute(db);
}
