/**
 * A real store on a real database for repository-level tests. Every backend
 * the machine offers is listed; SQLite always (a file in a temp folder).
 */
import { openDatabase, type Database } from '../../src/db/database.js';
import { migrate } from '../../src/db/migrate.js';
import { ApprovalNumbers, Snowflake, randomTidSuffix, type TidSuffixSource } from '../../src/payments/ids.js';
import { webhookRenderer } from '../../src/profiles/registry.js';
import { Store, type StoreOptions } from '../../src/store/store.js';
import type { Clock } from '../../src/time.js';
import { HAS_POSTGRES, createSchema } from './postgres.js';
import { tempDir } from './tmp.js';

export interface Backend {
  name: string;
  /**
   * Opens a fresh, migrated database. `reopen` opens another connection to
   * it; `concurrent` gives what another claimant in this test process should
   * use: on PostgreSQL its own pool; on SQLite the same connection — in one
   * process, SQLite's writers must share a connection, because a second one
   * waiting for the write lock would block the event loop that the lock's
   * holder needs to finish (across processes, busy_timeout does the waiting).
   */
  open(): Promise<{ database: Database; reopen(): Promise<Database>; concurrent(): Promise<Database>; drop(): Promise<void> }>;
}

export const sqliteBackend: Backend = {
  name: 'sqlite',
  async open() {
    const dir = tempDir();
    const url = `${dir.path}/store.db`;
    const database = openDatabase(url);
    await migrate(database);
    return {
      database,
      reopen: async () => openDatabase(url),
      concurrent: async () => ({ ...database, close: async () => undefined }),
      drop: async () => dir.remove(),
    };
  },
};

export const postgresBackend: Backend = {
  name: 'postgres',
  async open() {
    const schema = await createSchema();
    const database = openDatabase(schema.url);
    await migrate(database);
    return {
      database,
      reopen: async () => openDatabase(schema.url),
      concurrent: async () => openDatabase(schema.url),
      drop: () => schema.drop(),
    };
  },
};

/** SQLite always; PostgreSQL when TEST_DATABASE_URL is set. */
export function backends(): Backend[] {
  return HAS_POSTGRES ? [sqliteBackend, postgresBackend] : [sqliteBackend];
}

export function makeStore(
  database: Database,
  o: {
    clock?: Clock;
    tidSuffix?: TidSuffixSource;
    approvals?: StoreOptions['approvals'];
    workerId?: number;
    retry?: StoreOptions['retry'];
    instanceId?: string;
  } = {},
): Store {
  const clock = o.clock ?? Date.now;
  const approvals = o.approvals ?? new ApprovalNumbers();
  if (o.workerId !== undefined) approvals.setWorkerId?.(o.workerId);
  return new Store({
    database,
    clock,
    snowflake: new Snowflake(o.workerId ?? 0, clock),
    approvals,
    tidSuffix: o.tidSuffix ?? randomTidSuffix,
    leaseMs: 30_000,
    webhookTimeoutMs: 5_000,
    retry: o.retry ?? { scheduleMs: [0, 5_000, 300_000], jitterPercent: 0, random: () => 0.5 },
    idempotencyTtlMs: 86_400_000,
    instanceId: o.instanceId ?? 'test-instance',
    webhooks: webhookRenderer,
  });
}
