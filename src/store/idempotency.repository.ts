/**
 * The SQL of Idempotency-Key records. A key is IN_FLIGHT from the moment the
 * first request with it starts until its payment commits (then DONE, with the
 * response to replay, in the same transaction as the payment). An IN_FLIGHT
 * record whose `locked_until` passed belongs to a request that died; the
 * next request with the key takes it over. Expired records count as absent.
 */
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.js';

export type BeginResult =
  | { kind: 'new' }
  | { kind: 'replay'; code: number; body: string }
  | { kind: 'mismatch' }
  | { kind: 'in-flight' };

/** Must run inside a write transaction. */
export async function beginKey(
  db: Kysely<DB>,
  args: { key: string; hash: string; now: number; lockMs: number; ttlMs: number },
): Promise<BeginResult> {
  const { key, hash, now } = args;
  const row = await db.selectFrom('idempotency_keys').selectAll().where('key', '=', key).executeTakeFirst();
  const fresh = {
    request_hash: hash,
    state: 'IN_FLIGHT',
    response_code: null,
    response_body: null,
    payment_process_id: null,
    created_at: now,
    locked_until: now + args.lockMs,
    expires_at: now + args.ttlMs,
  };
  if (row === undefined) {
    await db.insertInto('idempotency_keys').values({ key, ...fresh }).execute();
    return { kind: 'new' };
  }
  if (Number(row.expires_at) <= now) {
    await db.updateTable('idempotency_keys').set(fresh).where('key', '=', key).execute();
    return { kind: 'new' };
  }
  if (row.request_hash !== hash) return { kind: 'mismatch' };
  if (row.state === 'DONE') return { kind: 'replay', code: row.response_code ?? 202, body: row.response_body ?? '' };
  if (Number(row.locked_until) > now) return { kind: 'in-flight' };
  await db.updateTable('idempotency_keys').set({ locked_until: now + args.lockMs }).where('key', '=', key).execute();
  return { kind: 'new' };
}

export async function completeKey(
  db: Kysely<DB>,
  args: { key: string; code: number; body: string; paymentId: number },
): Promise<void> {
  await db
    .updateTable('idempotency_keys')
    .set({ state: 'DONE', response_code: args.code, response_body: args.body, payment_process_id: args.paymentId })
    .where('key', '=', args.key)
    .execute();
}

/** Frees a key whose request failed before creating anything, so a retry can proceed. */
export async function releaseKey(db: Kysely<DB>, key: string): Promise<void> {
  await db.deleteFrom('idempotency_keys').where('key', '=', key).where('state', '=', 'IN_FLIGHT').execute();
}

export async function deleteExpiredKeys(db: Kysely<DB>, now: number): Promise<number> {
  const result = await db.deleteFrom('idempotency_keys').where('expires_at', '<=', now).executeTakeFirst();
  return Number(result.numDeletedRows);
}
