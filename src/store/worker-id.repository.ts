/**
 * Snowflake worker ids leased from the database, so that every process on
 * one database mints distinct public ids without configuration. A process
 * takes the lowest id that is free (never leased, or whose holder stopped
 * heart-beating), renews it while it runs and gives it back when it stops.
 */
import type { Kysely } from 'kysely';
import type { Capabilities } from '../db/capabilities.js';
import type { DB } from '../db/schema.js';
import { StoreUnavailable } from '../errors.js';
import { SNOWFLAKE_MAX_WORKER } from '../payments/ids.js';

/** Must run inside a write transaction, so two starting processes cannot pick the same id. */
export async function leaseWorkerId(
  db: Kysely<DB>,
  caps: Capabilities,
  args: { instanceId: string; now: number; staleBefore: number },
): Promise<number> {
  await caps.lock(db as unknown as Kysely<unknown>, 'snowflake-workers');
  const rows = await db.selectFrom('snowflake_workers').select(['worker_id', 'heartbeat_at']).orderBy('worker_id').execute();
  const busy = new Set(rows.filter((r) => Number(r.heartbeat_at) >= args.staleBefore).map((r) => Number(r.worker_id)));
  let id = 0;
  while (busy.has(id)) id++;
  if (id > SNOWFLAKE_MAX_WORKER) {
    throw new StoreUnavailable(`All ${SNOWFLAKE_MAX_WORKER + 1} Snowflake worker ids are leased by running instances`);
  }
  const lease = { instance_id: args.instanceId, leased_at: args.now, heartbeat_at: args.now };
  await db
    .insertInto('snowflake_workers')
    .values({ worker_id: id, ...lease })
    .onConflict((oc) => oc.column('worker_id').doUpdateSet(lease))
    .execute();
  return id;
}

/** False when the lease was lost (taken over after a long stall): the caller must lease again. */
export async function renewWorkerId(db: Kysely<DB>, args: { workerId: number; instanceId: string; now: number }): Promise<boolean> {
  const result = await db
    .updateTable('snowflake_workers')
    .set({ heartbeat_at: args.now })
    .where('worker_id', '=', args.workerId)
    .where('instance_id', '=', args.instanceId)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export async function releaseWorkerId(db: Kysely<DB>, args: { workerId: number; instanceId: string }): Promise<void> {
  await db
    .deleteFrom('snowflake_workers')
    .where('worker_id', '=', args.workerId)
    .where('instance_id', '=', args.instanceId)
    .execute();
}
