// The webhook inspector's calls (GET/POST /api/webhooks…) and the shapes it relies on.

import { call } from './api.js';

/** @typedef {'PENDING' | 'HELD' | 'SENDING' | 'DELIVERED' | 'DEAD'} DeliveryState */

export const DELIVERY_STATES = /** @type {const} */ (['PENDING', 'HELD', 'SENDING', 'DELIVERED', 'DEAD']);

/**
 * @typedef {object} DeliveryView
 * @property {number} deliveryId
 * @property {string} tid a payment's tid, or a store event's subject
 * @property {boolean} forPayment
 * @property {string | null} profile
 * @property {string | null} mid
 * @property {string} webhookId
 * @property {string} eventStatus
 * @property {'AUTO' | 'MANUAL'} origin
 * @property {DeliveryState} state
 * @property {string} url
 * @property {number} attempts
 * @property {string} createdAt
 * @property {string | null} nextAttemptAt
 * @property {string | null} deliveredAt
 * @property {number | null} lastResponseCode
 * @property {string | null} lastError
 */

/**
 * @typedef {object} AttemptView
 * @property {number} attemptNo
 * @property {string} attemptedAt
 * @property {boolean} delivered
 * @property {number} durationMs
 * @property {{ method: string, url: string, headers: Record<string, string> | null, signature: string | null, body: string }} request
 * @property {{ code: number | null, body: string | null, error: string | null }} response
 */

/** @typedef {{ items: DeliveryView[], counts: Record<DeliveryState, number>, nextBefore: number | null }} DeliveryPage */
/** @typedef {{ delivery: DeliveryView, body: string, attempts: AttemptView[] }} DeliveryDetail */
/** @typedef {{ state?: string, tid?: string, mid?: string, url?: string }} DeliveryFilters */

/**
 * @param {DeliveryFilters} filters
 * @param {{ before?: number | null, limit?: number }} [paging]
 * @returns {Promise<DeliveryPage>}
 */
export async function listDeliveries(filters, paging = {}) {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(filters)) if (value) query.set(key, value);
  query.set('limit', String(paging.limit ?? 50));
  if (paging.before) query.set('before', String(paging.before));
  return /** @type {DeliveryPage} */ (await call(`/api/webhooks?${query}`));
}

/**
 * @param {number} id
 * @returns {Promise<DeliveryDetail>}
 */
export async function getDelivery(id) {
  return /** @type {DeliveryDetail} */ (await call(`/api/webhooks/${id}`));
}

/**
 * Sends one delivery again now (a waiting one itself, otherwise a new MANUAL copy of the same bytes).
 * @param {number} id
 * @returns {Promise<{ resentFrom: number, delivery: DeliveryView, attempt: AttemptView }>}
 */
export async function resendDelivery(id) {
  return /** @type {{ resentFrom: number, delivery: DeliveryView, attempt: AttemptView }} */ (await call(`/api/webhooks/${id}/resend`, { method: 'POST' }));
}

/**
 * Requeues every DEAD or HELD delivery matching the filters (at most `limit` per call).
 * @param {'DEAD' | 'HELD'} state
 * @param {DeliveryFilters} filters
 * @returns {Promise<{ requeued: number, remaining: number, limit: number }>}
 */
export async function requeueDeliveries(state, filters) {
  const query = new URLSearchParams({ state });
  for (const key of /** @type {const} */ (['tid', 'mid', 'url'])) if (filters[key]) query.set(key, /** @type {string} */ (filters[key]));
  return /** @type {{ requeued: number, remaining: number, limit: number }} */ (await call(`/api/webhooks/resend?${query}`, { method: 'POST' }));
}
