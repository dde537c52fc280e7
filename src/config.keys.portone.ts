/**
 * The PortOne V2 contract's configuration keys: its own listener, its default
 * store (the SDK's test credentials unless set), where its webhooks go and on
 * which retry schedule, and when a virtual account's deposit is decided.
 * Part of KEYS (config.keys.ts), in this order.
 */
import { duration, httpUrl, integer, oneOf, text, webhookSecret, type Reader } from './config.readers.js';
import { HOUR, spec } from './config.spec.js';
import { PORTONE_TEST_STORE } from './profiles/portone/portone.store.js';
import { RETRY_PRESET_NAMES, type RetryPreset } from './webhooks/backoff.js';

/** A store id or MID: printable ASCII without spaces. */
const midText: Reader<string> = (raw) => {
  const s = text(raw);
  return s !== undefined && /^[\x21-\x7e]{1,100}$/.test(s) ? s : undefined;
};
const apiSecret: Reader<string> = (raw) => {
  const s = text(raw);
  return s !== undefined && /^[\x21-\x7e]{8,500}$/.test(s) ? s : undefined;
};

export const PORTONE_KEYS = {
  'portone.server.port': spec(
    null as number | null,
    'an integer from 0 to 65535 (0 picks a free port; empty: server.port + 1, or 0 when server.port is 0)',
    (raw) => (raw === null || text(raw) === '' ? null : integer(0, 65535)(raw)),
    'HTTP port of the PortOne V2 API (point PortOneClient baseUrl at it); default 8084',
  ),
  'portone.store-id': spec(PORTONE_TEST_STORE.storeId, 'a store id (printable ASCII, no spaces)', midText, 'the default PortOne store (storeId)'),
  'portone.api-secret': spec(
    PORTONE_TEST_STORE.apiSecret,
    'any text without spaces, at least 8 characters',
    apiSecret,
    'the default store\'s V2 API secret: requests must send Authorization: PortOne <secret>',
  ),
  'portone.webhook.url': spec(
    null as string | null,
    'an absolute http:// or https:// URL (empty: payment.webhook.url)',
    (raw) => (raw === null || text(raw) === '' ? null : httpUrl(raw)),
    'where the default store\'s webhooks are sent',
  ),
  'portone.webhook.secret': spec(
    PORTONE_TEST_STORE.webhookSecret,
    'whsec_ followed by base64 of at least 16 bytes',
    webhookSecret,
    'the default store\'s webhook secret (what Webhook.verify of @portone/server-sdk is given)',
  ),
  'portone.webhook.retry.preset': spec(
    'portone' as RetryPreset | 'engine',
    `${RETRY_PRESET_NAMES.join(', ')}, or engine (payment.webhook.retry.*)`,
    oneOf([...RETRY_PRESET_NAMES, 'engine'] as const),
    "the retry schedule of PortOne payments' webhooks (scaled by payment.webhook.retry.time-scale)",
  ),
  'portone.virtual-account.deposit-after': spec(
    10_000,
    'a duration from 0 to 7d (e.g. 10s, 5m)',
    duration(0, 7 * 24 * HOUR),
    'how long after a virtual account is issued the scheduler decides its deposit (paid, or expired unpaid)',
    'depositAfterMs',
  ),
} as const;
