/**
 * What a cluster's primary does before it forks a worker: it refuses the
 * settings a cluster cannot run with, and brings the schema up to date once.
 */
import cluster from 'node:cluster';
import type { Config } from '../config.js';
import { DatabaseUnusable, isPostgresUrl, isUnusable, openDatabase } from '../db/database.js';
import { migrate } from '../db/migrate.js';
import { ConfigError } from '../errors.js';

/** What cannot work in a cluster, said before anything starts. */
export function checkClusterConfig(config: Config): void {
  const n = config.server.workers;
  if (n <= 1) return;
  if (!isPostgresUrl(config.database.url)) {
    throw new ConfigError(
      `server.workers ${n} needs PostgreSQL in database.url: SQLite has one writer at a time, so more processes would only wait on each other (use one worker, or a postgres:// URL)`,
    );
  }
  if (config.server.workerId !== null) {
    throw new ConfigError(
      `server.workers ${n} cannot be used with server.worker-id ${config.server.workerId}: each worker leases a Snowflake worker id of its own (leave server.worker-id unset)`,
    );
  }
  if (cluster.isWorker) {
    throw new ConfigError(
      `server.workers ${n}: this process is already a worker of another cluster (pm2's cluster mode?); let that run the processes and set server.workers to 1`,
    );
  }
}

/**
 * The schema is brought up to date here, once, before any worker starts: a
 * database that cannot be used is then said once, not by every worker. (The
 * migration takes a lock and each worker's App.create finds nothing left to
 * do; several processes migrating together would be safe too.)
 */
export async function migrateOnce(config: Config): Promise<string> {
  const database = openDatabase(config.database.url, { poolSize: 1 });
  try {
    await migrate(database);
    return database.location;
  } catch (error) {
    throw isUnusable(error) ? new DatabaseUnusable(database.location, error) : error;
  } finally {
    await database.close();
  }
}
