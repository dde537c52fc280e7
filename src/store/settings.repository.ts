/**
 * Shared settings with a version: what every instance on the database must
 * agree on (the scenario rules; the merchant registry's change counter).
 * Instances watch the versions and reload what changed.
 */
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.js';

export async function readSetting(db: Kysely<DB>, key: string): Promise<{ value: string; version: number } | null> {
  const row = await db.selectFrom('hamster_settings').select(['value', 'version']).where('key', '=', key).executeTakeFirst();
  return row ? { value: row.value, version: Number(row.version) } : null;
}

export async function settingVersions(db: Kysely<DB>): Promise<Map<string, number>> {
  const rows = await db.selectFrom('hamster_settings').select(['key', 'version']).execute();
  return new Map(rows.map((r) => [r.key, Number(r.version)]));
}

/** Stores `value` under `key` and moves its version on; returns the new version. */
export async function writeSetting(db: Kysely<DB>, key: string, value: string): Promise<number> {
  const row = await db
    .insertInto('hamster_settings')
    .values({ key, value, version: 1 })
    .onConflict((oc) => oc.column('key').doUpdateSet((eb) => ({ value, version: eb('hamster_settings.version', '+', 1) })))
    .returning('version')
    .executeTakeFirstOrThrow();
  return Number(row.version);
}
