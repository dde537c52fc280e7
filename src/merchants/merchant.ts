/**
 * Merchants (MIDs): who may pay through this gateway, where each one's
 * webhooks go and what signs them. Keyed by the request's `echo.mid`; a
 * request without a MID is the default merchant's (the seed's
 * `hamster_dummy_mid_001`, whose webhooks go to `payment.webhook.url`).
 * Parsing and resolution are pure.
 *
 * As written in application.yml or sent to /api/admin/merchants/{mid}:
 *   mid: shop_a
 *   webhook-url: http://127.0.0.1:9001/hooks   (webhookUrl in JSON)
 *   secrets: [whsec_…]                         (optional; else payment.webhook.secret)
 *   active: true                               (optional)
 *   api-key: …                                 (optional; a PortOne store's API secret)
 */
import { InvalidDefinition, type FieldError } from '../errors.js';
import { httpUrl, list, webhookSecret } from '../config.readers.js';

const secretList = list(webhookSecret, 0, 10);
const SECRETS_ALLOWED = 'whsec_ followed by base64 of at least 16 bytes';

export const DEFAULT_MID = 'hamster_dummy_mid_001';
/** The default merchant's name, as the upstream hamster-pg seeds it. */
export const DEFAULT_MERCHANT_NAME = 'Hamster Cash Gateway';
export const MID_PATTERN = /^[\x21-\x7e]{1,100}$/;

export interface Merchant {
  mid: string;
  webhookUrl: string;
  /** `whsec_…` secrets; empty: the global `payment.webhook.secret`. */
  secrets: string[];
  active: boolean;
  /** A display name (the hamster-world contract's merchantName); unset: kept as stored. */
  name?: string | null;
  /** Its API key (a PortOne store's API secret); unset: one minted at registration, then kept. */
  apiKey?: string;
}

/**
 * A merchant as it is written (the JSON form): in startHamsterPg({ merchants }),
 * application.yml (which also takes webhook-url, api-key) or the admin API.
 */
export interface MerchantInput {
  mid: string;
  webhookUrl: string;
  /** `whsec_…` secret(s); left out: payment.webhook.secret. */
  secrets?: string | string[];
  active?: boolean;
  name?: string;
  /** A PortOne store's API secret; left out: one is minted. */
  apiKey?: string;
}

/** A merchant as stored: with its API key (minted at registration) and its times. */
export interface MerchantRecord extends Merchant {
  name: string | null;
  apiKey: string;
  createdAt: number;
  updatedAt: number;
}

export class MerchantError extends InvalidDefinition {}

/** `mid` from the URL (API) or from the object itself (application.yml). */
export function parseMerchant(raw: unknown, at = 'merchant', midFromPath?: string): Merchant {
  const problems: FieldError[] = [];
  const bad = (field: string, message: string) => problems.push({ field: at ? `${at}.${field}` : field, message });
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new MerchantError([{ field: at || 'body', message: 'must be an object with webhookUrl, and optionally secrets and active' }]);
  }
  const r = raw as Record<string, unknown>;
  for (const key of Object.keys(r)) {
    if (!['mid', 'webhookUrl', 'webhook-url', 'secrets', 'active', 'name', 'apiKey', 'api-key'].includes(key)) bad(key, 'is not a merchant field (mid, webhookUrl, secrets, active, name, apiKey)');
  }
  const mid = midFromPath ?? r.mid;
  if (typeof mid !== 'string' || !MID_PATTERN.test(mid)) bad('mid', 'must be 1-100 printable ASCII characters');
  if (midFromPath !== undefined && r.mid !== undefined && r.mid !== midFromPath) bad('mid', 'differs from the one in the URL');
  const url = r.webhookUrl ?? r['webhook-url'];
  const webhookUrl = httpUrl(url);
  if (webhookUrl === undefined) bad('webhookUrl', 'must be an absolute http:// or https:// URL');
  let secrets: string[] = [];
  if (r.secrets !== undefined) {
    // A list, or text (one or more secrets, as in the environment); anything else is wrong, not "none".
    const read = Array.isArray(r.secrets) || typeof r.secrets === 'string' ? secretList(r.secrets) : undefined;
    if (read === undefined) bad('secrets', `must be a list of secrets: ${SECRETS_ALLOWED}`);
    else secrets = read;
  }
  let active = true;
  if (r.active !== undefined) {
    if (typeof r.active === 'boolean') active = r.active;
    else bad('active', 'must be true or false');
  }
  if (r.name !== undefined && (typeof r.name !== 'string' || r.name.trim() === '' || r.name.length > 200)) bad('name', 'must be 1-200 characters');
  const apiKey = r.apiKey ?? r['api-key'];
  if (apiKey !== undefined && (typeof apiKey !== 'string' || !/^[\x21-\x7e]{8,500}$/.test(apiKey))) bad('apiKey', 'must be 8-500 printable ASCII characters without spaces');
  if (problems.length > 0) throw new MerchantError(problems);
  return {
    mid: mid as string,
    webhookUrl: webhookUrl!,
    secrets,
    active,
    ...(typeof r.name === 'string' ? { name: r.name } : {}),
    ...(typeof apiKey === 'string' ? { apiKey } : {}),
  };
}

export function parseMerchants(raw: unknown, at = 'merchants'): Merchant[] {
  if (!Array.isArray(raw)) throw new MerchantError([{ field: at, message: 'must be a list of merchants' }]);
  const problems: FieldError[] = [];
  const out: Merchant[] = [];
  const seen = new Set<string>();
  raw.forEach((item, i) => {
    try {
      const m = parseMerchant(item, `${at}[${i}]`);
      if (seen.has(m.mid)) problems.push({ field: `${at}[${i}].mid`, message: `repeats ${m.mid}` });
      seen.add(m.mid);
      out.push(m);
    } catch (error) {
      if (!(error instanceof MerchantError)) throw error;
      problems.push(...error.problems);
    }
  });
  if (problems.length > 0) throw new MerchantError(problems);
  return out;
}

/** What to do with a payment for a MID that is unknown or inactive. */
export type UnknownMidPolicy = 'refuse' | 'default';

export type Resolution =
  | { merchant: Merchant; fellBack: boolean }
  | { refused: 'unknown' | 'inactive'; mid: string };

export function resolveMerchant(
  mid: string | null,
  lookup: (mid: string) => Merchant | undefined,
  policy: UnknownMidPolicy,
): Resolution {
  const fallback = () => {
    // An inactive default merchant takes nothing, a fallback included.
    const merchant = lookup(DEFAULT_MID);
    return merchant?.active ? { merchant, fellBack: true } : null;
  };
  const wanted = mid ?? DEFAULT_MID;
  const merchant = lookup(wanted);
  if (merchant?.active) return { merchant, fellBack: false };
  const why = merchant ? 'inactive' : 'unknown';
  if (policy === 'default' && wanted !== DEFAULT_MID) {
    const fb = fallback();
    if (fb) return fb;
  }
  return { refused: why, mid: wanted };
}
