/**
 * Standard Webhooks signatures (https://www.standardwebhooks.com): each
 * webhook carries `webhook-id`, `webhook-timestamp` (seconds) and
 * `webhook-signature: v1,<base64 HMAC-SHA256 of "id.timestamp.body">`, one
 * `v1,` entry per configured secret so receivers can rotate keys. Pure.
 */
import { createHmac } from 'node:crypto';

/** The key bytes of a `whsec_<base64>` secret. */
export function secretKey(secret: string): Buffer {
  return Buffer.from(secret.startsWith('whsec_') ? secret.slice(6) : secret, 'base64');
}

/** One `webhook-id` per announced event: retries and re-sends of it share it, so receivers can de-duplicate. */
export function webhookIdFor(publicId: string, status: string): string {
  return `msg_${publicId}_${status.toLowerCase()}`;
}

export function signatureHeader(keys: readonly Buffer[], webhookId: string, timestampSec: number, payload: string): string {
  const content = `${webhookId}.${timestampSec}.${payload}`;
  return keys.map((key) => `v1,${createHmac('sha256', key).update(content).digest('base64')}`).join(' ');
}

/** The three headers for one attempt, or none when no secret is configured (as the seed). */
export function signedHeaders(
  keys: readonly Buffer[],
  webhookId: string,
  nowMs: number,
  payload: string,
): Record<string, string> {
  if (keys.length === 0) return {};
  const timestamp = Math.floor(nowMs / 1000);
  return {
    'webhook-id': webhookId,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': signatureHeader(keys, webhookId, timestamp, payload),
  };
}

/**
 * The headers for one delivery's attempt: signed with its merchant's secrets,
 * else the global ones, else not at all — except a delivery a scenario marked
 * `bad-signature`, which is always signed, with a key nobody has.
 */
export function deliverySigner(args: {
  globalKeys: readonly Buffer[];
  merchantKeys: (mid: string | null) => readonly Buffer[] | undefined;
  wrongKey: Buffer;
}): (delivery: { webhookId: string; payload: string; mid: string | null; badSignature: boolean }, nowMs: number) => Record<string, string> {
  return (delivery, nowMs) => {
    if (delivery.badSignature) return signedHeaders([args.wrongKey], delivery.webhookId, nowMs, delivery.payload);
    const own = args.merchantKeys(delivery.mid);
    const keys = own && own.length > 0 ? own : args.globalKeys;
    return signedHeaders(keys, delivery.webhookId, nowMs, delivery.payload);
  };
}

/**
 * deliverySigner for the service: each delivery signed with its merchant's
 * secrets, else the global ones. Keys are derived once per secret list (a
 * merchant's list is replaced, never changed in place, when it is edited).
 */
export function merchantSigner(
  globalSecrets: readonly string[],
  merchant: (mid: string) => { mid: string; secrets: readonly string[] } | undefined,
  wrongKey: Buffer,
) {
  const cache = new Map<string, { secrets: readonly string[]; keys: Buffer[] }>();
  return deliverySigner({
    globalKeys: globalSecrets.map(secretKey),
    merchantKeys: (mid) => {
      const m = mid === null ? undefined : merchant(mid);
      if (!m) return undefined;
      let cached = cache.get(m.mid);
      if (cached?.secrets !== m.secrets) {
        cached = { secrets: m.secrets, keys: m.secrets.map(secretKey) };
        cache.set(m.mid, cached);
      }
      return cached.keys;
    },
    wrongKey,
  });
}
