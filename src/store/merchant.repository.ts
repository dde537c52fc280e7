/** The SQL of the merchant registry. */
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import type { Merchant } from '../merchants/merchant.js';

export async function listMerchants(db: Kysely<DB>): Promise<Merchant[]> {
  const rows = await db.selectFrom('merchants').selectAll().orderBy('mid').execute();
  return rows.map((r) => ({
    mid: r.mid,
    webhookUrl: r.webhook_url,
    secrets: JSON.parse(r.secrets) as string[],
    active: Number(r.active) === 1,
  }));
}

export async function upsertMerchant(db: Kysely<DB>, m: Merchant, now: number): Promise<void> {
  const values = { webhook_url: m.webhookUrl, secrets: JSON.stringify(m.secrets), active: m.active ? 1 : 0, updated_at: now };
  await db
    .insertInto('merchants')
    .values({ mid: m.mid, ...values })
    .onConflict((oc) => oc.column('mid').doUpdateSet(values))
    .execute();
}

export async function deleteMerchant(db: Kysely<DB>, mid: string): Promise<boolean> {
  const result = await db.deleteFrom('merchants').where('mid', '=', mid).executeTakeFirst();
  return result.numDeletedRows > 0n;
}
