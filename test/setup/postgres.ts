/**
 * PostgreSQL for tests, when TEST_DATABASE_URL names one (CI sets it; on a
 * machine without PostgreSQL those tests are skipped, and say so). Each user
 * gets a schema of its own, dropped afterwards.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? '';
export const HAS_POSTGRES = TEST_DATABASE_URL !== '';
export const SKIP_NOTE = 'PostgreSQL tests skipped: set TEST_DATABASE_URL (e.g. postgres://postgres@127.0.0.1:5432/test) to run them';

/** The URL with a search_path, so everything the service does lands in `schema`. */
export function urlWithSchema(schema: string): string {
  const u = new URL(TEST_DATABASE_URL);
  u.searchParams.set('options', `-c search_path=${schema}`);
  return u.toString();
}

export async function createSchema(): Promise<{ schema: string; url: string; drop(): Promise<void> }> {
  const schema = `hpg_test_${randomBytes(6).toString('hex')}`;
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  try {
    await client.query(`create schema ${schema}`);
  } finally {
    await client.end();
  }
  return {
    schema,
    url: urlWithSchema(schema),
    async drop() {
      const c = new pg.Client({ connectionString: TEST_DATABASE_URL });
      await c.connect();
      try {
        await c.query(`drop schema if exists ${schema} cascade`);
      } finally {
        await c.end();
      }
    },
  };
}
