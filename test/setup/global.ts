/**
 * Runs once before the suite: when TEST_DATABASE_URL is set, PostgreSQL must
 * answer — the run fails rather than silently skipping; when it is not set,
 * say plainly that the PostgreSQL tests are skipped.
 */
import pg from 'pg';

export default async function setup(): Promise<void> {
  const url = process.env.TEST_DATABASE_URL ?? '';
  if (url === '') {
    console.warn(`\n⚠ PostgreSQL tests skipped: TEST_DATABASE_URL is not set (e.g. postgres://postgres@127.0.0.1:5432/test)\n`);
    return;
  }
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
    await client.query('select 1');
  } catch (error) {
    throw new Error(`TEST_DATABASE_URL is set (${url}) but PostgreSQL does not answer: ${(error as Error).message}`);
  } finally {
    await client.end().catch(() => undefined);
  }
  console.log(`\nPostgreSQL tests run against ${url}\n`);
}
