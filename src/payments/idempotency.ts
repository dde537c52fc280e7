/**
 * Idempotency-Key, as Stripe defines it for POST requests: the same key with
 * the same request returns the first response again and creates nothing; the
 * same key with a different request is refused. Pure helpers.
 */
import { createHash } from 'node:crypto';
import type { NewPayment } from './payment.js';

export const IDEMPOTENCY_HEADER = 'idempotency-key';
export const MAX_KEY_LENGTH = 255;
/** Printable ASCII without spaces at either end, as in an HTTP header value. */
const KEY_PATTERN = /^[\x21-\x7e](?:[\x20-\x7e]*[\x21-\x7e])?$/;

/** The key, or a reason it is not acceptable. */
export function checkKey(value: string | string[] | undefined): { key: string | null } | { problem: string } {
  if (value === undefined) return { key: null };
  if (Array.isArray(value)) return { problem: 'must be given once' };
  if (value.length > MAX_KEY_LENGTH) return { problem: `must be at most ${MAX_KEY_LENGTH} characters` };
  if (!KEY_PATTERN.test(value)) return { problem: 'must be 1 or more printable ASCII characters' };
  return { key: value };
}

/**
 * A fingerprint of what the request asks for: the contract it came through
 * and the merchant it names, and the payment fields, with `echo`'s keys
 * sorted — so re-serializing the same request matches while any change of
 * contract, merchant, order id, amount, user or echo does not (the same key
 * sent to another contract is another request, not a replay of its ACK).
 * Fields hamster-pg ignores do not count.
 */
export function requestHash(p: NewPayment, scope: { profile: string; mid: string | null }): string {
  const canonical = JSON.stringify([scope.profile, scope.mid, p.orderId, p.amount, p.userPublicId, sortKeys(p.echo)]);
  return createHash('sha256').update(canonical).digest('base64url');
}

/** Echo is at most 10 levels deep (validated), so recursion is bounded. */
function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(value).sort()) out[k] = sortKeys((value as Record<string, unknown>)[k]);
  return out;
}
