/** The SQL of the merchant registry. */
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import type { Merchant, MerchantRecord } from '../merchants/merchant.js';

export async function listMerchants(db: Kysely<DB>): Promise<MerchantRecord[]> {
  const rows = await db.selectFrom('merchants').selectAll().orderBy('mid').execute();
  return rows.map((r) => ({
    mid: r.mid,
    webhookUrl: r.webhook_url,
    secrets: JSON.parse(r.secrets) as string[],
    active: Number(r.active) === 1,
    name: r.name,
    // Merchants registered before keys existed get theirs the next time they are written.
    apiKey: r.api_key ?? '',
    createdAt: Number(r.created_at ?? r.updated_at),
    updatedAt: Number(r.updated_at),
  }));
}

/**
 * Registers or replaces a merchant. Its creation time is set once, when it
 * is first registered; so is its API key unless one is given; a name left
 * unset keeps the stored one.
 */
export async function upsertMerchant(db: Kysely<DB>, m: Merchant, now: number): Promise<void> {
  const values = { webhook_url: m.webhookUrl, secrets: JSON.stringify(m.secrets), active: m.active ? 1 : 0, updated_at: now };
  await db
    .insertInto('merchants')
    .values({ mid: m.mid, ...values, name: m.name ?? null, api_key: m.apiKey ?? randomUUID(), created_at: now })
    .onConflict((oc) =>
      oc.column('mid').doUpdateSet((eb) => ({
        ...values,
        name: m.name === undefined ? eb.ref('merchants.name') : eb.val(m.name),
        // A key given replaces the stored one; none keeps it.
        api_key: m.apiKey === undefined ? eb.fn.coalesce('merchants.api_key', eb.ref('excluded.api_key')) : eb.val(m.apiKey),
        created_at: eb.fn.coalesce('merchants.created_at', eb.ref('excluded.created_at')),
      })),
    )
    .execute();
}

export async function deleteMerchant(db: Kysely<DB>, mid: string): Promise<boolean> {
  const result = await db.deleteFrom('merchants').where('mid', '=', mid).executeTakeFirst();
  return result.numDeletedRows > 0n;
}
