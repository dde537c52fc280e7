/**
 * A real store on a real database for repository-level tests. Every backend
 * the machine offers is listed; SQLite always (a file in a temp folder).
 */
import { openDatabase, type Database } from '../../src/db/database.js';
import { migrate } from '../../src/db/migrate.js';
import { ApprovalNumbers, Snowflake, randomTidSuffix, type TidSuffixSource } from '../../src/payments/ids.js';
import { Store, type StoreOptions } from '../../src/store.js';
import type { Clock } from '../../src/time.js';
import { tempDir } from './tmp.js';

export interface Backend {
  name: string;
  /** Opens a fresh, migrated database; `shared` opens another connection to the same one. */
  open(): Promise<{ database: Database; reopen(): Promise<Database>; drop(): Promise<void> }>;
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
      drop: async () => dir.remove(),
    };
  },
};

export function backends(): Backend[] {
  return [sqliteBackend];
}

export function makeStore(
  database: Database,
  o: {
    clock?: Clock;
    tidSuffix?: TidSuffixSource;
    approvals?: StoreOptions['approvals'];
    workerId?: number;
    retry?: StoreOptions['retry'];
  } = {},
): Store {
  const clock = o.clock ?? Date.now;
  return new Store({
    database,
    clock,
    snowflake: new Snowflake(o.workerId ?? 0, clock),
    approvals: o.approvals ?? new ApprovalNumbers(),
    tidSuffix: o.tidSuffix ?? randomTidSuffix,
    leaseMs: 30_000,
    webhookTimeoutMs: 5_000,
    retry: o.retry ?? { scheduleMs: [0, 5_000, 300_000], jitterPercent: 0, random: () => 0.5 },
    idempotencyTtlMs: 86_400_000,
  });
}
