/**
 * PortOne stores. A store is a merchant of the engine: its storeId is the
 * MID, its V2 API secret the merchant's API key, its webhook secret the
 * merchant's signing secret. The default one comes from the portone.* keys,
 * with test values that are documented (docs/portone.md).
 */
import type { Merchant } from '../../merchants/merchant.js';

export const PORTONE_TEST_STORE = {
  storeId: 'store-hamster-pg-test',
  apiSecret: 'hamster-pg-portone-test-api-secret',
  /** base64 of the 32 bytes "hamster-pg portone webhook test!". */
  webhookSecret: 'whsec_aGFtc3Rlci1wZyBwb3J0b25lIHdlYmhvb2sgdGVzdCE=',
} as const;

/** What every store shows as its merchant (PortOne's merchantId). */
export const PORTONE_MERCHANT_ID = 'merchant-hamster-pg';

export function defaultStore(o: { storeId: string; apiSecret: string; webhookUrl: string; webhookSecret: string }): Merchant {
  return { mid: o.storeId, webhookUrl: o.webhookUrl, secrets: [o.webhookSecret], active: true, name: 'PortOne test store', apiKey: o.apiSecret };
}
