// The HTTP API the dashboard reads and the actions it sends, with the shapes
// it relies on. Every failure becomes an ApiError carrying the problem's detail
// (as the service words it; only what the dashboard says itself is translated).

import { t } from './i18n.js';

/** @typedef {'PENDING' | 'PROCESSING' | 'SUCCESS' | 'FAILED' | 'CANCELLED'} PaymentStatus */

/**
 * @typedef {object} TransactionView
 * @property {string} tid
 * @property {string} orderId
 * @property {number} amount
 * @property {PaymentStatus} status
 * @property {string | null} approvalNo
 * @property {string | null} failReason
 * @property {string} requestedAt
 * @property {string | null} processedAt
 * @property {string | null} webhookSentAt
 * @property {string} publicId
 * @property {string | null} userPublicId
 * @property {Record<string, unknown> | null} echo
 * @property {string | null} processingStartedAt
 * @property {number | null} webhookResponseCode
 * @property {string | null} mid
 * @property {string | null} scenario
 * @property {string | null} cancelledAt
 * @property {string} [profile] the wire contract it came through (in lists and live events)
 * @property {'rule' | 'random' | 'trigger' | 'test-card' | null} [decidedBy] who decided the outcome
 * @property {number} cancelledAmount the sum of its cancellations
 * @property {number} remainingAmount amount − cancelledAmount
 * @property {Cancellation[]} cancellations oldest first
 */

/**
 * One cancellation of a successful payment: of all that was left, or a part.
 * @typedef {object} Cancellation
 * @property {string} cancellationId
 * @property {number} amount
 * @property {string | null} reason
 * @property {string} cancelledAt
 */

/** @typedef {{ items: TransactionView[], nextBefore: number | null }} PaymentPage */

/**
 * @typedef {object} Stats
 * @property {Record<PaymentStatus, number>} counts
 * @property {{ deliveries: Record<string, number>, attempts: number, deliveredAttempts: number, successRate: number | null }} webhooks
 * @property {{ pendingPayments: number, dueDeliveries: number }} backlog
 * @property {{ minute: string, accepted: number, finalized: number }[]} throughput
 */

/**
 * @typedef {object} Delivery
 * @property {number} deliveryId
 * @property {string} webhookId
 * @property {string} eventStatus
 * @property {string} origin
 * @property {'PENDING' | 'HELD' | 'SENDING' | 'DELIVERED' | 'DEAD'} state
 * @property {number} attempts
 * @property {string | null} nextAttemptAt
 * @property {string | null} deliveredAt
 * @property {string} createdAt
 */

/**
 * @typedef {object} Attempt
 * @property {number} deliveryId
 * @property {number} attemptNo
 * @property {string} attemptedAt
 * @property {string} url
 * @property {boolean} delivered
 * @property {number | null} responseCode
 * @property {string | null} error
 * @property {number} durationMs
 * @property {string | null} responseBody
 * @property {string | null} signature
 */

/** @typedef {{ tid: string, deliveries: Delivery[], attempts: Attempt[] }} WebhookLog */

/**
 * One attempt made by an action, with where its delivery stands after it.
 * @typedef {object} SentWebhook
 * @property {number} deliveryId
 * @property {number} attemptNo
 * @property {boolean} delivered
 * @property {number | null} responseCode
 * @property {string | null} error
 * @property {number} durationMs
 * @property {Delivery['state']} state
 * @property {string | null} nextAttemptAt
 */

/** @typedef {{ tid: string, status: PaymentStatus, approvalNo: string | null, failReason: string | null, finalizedNow: boolean, webhook: SentWebhook }} TriggerResult */
/** @typedef {{ tid: string, status: PaymentStatus, webhook: SentWebhook }} ResendResult */

/** @typedef {{ status?: string, from?: string, to?: string, orderId?: string, tid?: string, mid?: string, profile?: string }} Filters */

export const STATUSES = /** @type {const} */ (['PENDING', 'PROCESSING', 'SUCCESS', 'FAILED', 'CANCELLED']);
/** The wire contracts (profiles) the service speaks (the catalog's `profile.*` describes each). */
export const PROFILES = /** @type {const} */ (['seed', 'hamster-world', 'portone']);

/** A failed call: `message` is the problem's detail (or what went wrong on the way). */
export class ApiError extends Error {
  /**
   * @param {string} message
   * @param {number} status 0 when there was no answer
   * @param {string | null} code
   * @param {{ field: string, message: string }[]} [errors] the problem's field errors
   */
  constructor(message, status, code, errors = []) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.errors = errors;
  }
}

/**
 * @param {string} path
 * @param {RequestInit} [init]
 * @returns {Promise<unknown>}
 */
export async function call(path, init) {
  /** @type {Response} */
  let res;
  try {
    res = await fetch(path, { headers: { accept: 'application/json' }, ...init });
  } catch {
    throw new ApiError(t('api.noAnswer'), 0, null);
  }
  const text = await res.text();
  /** @type {unknown} */
  let body = null;
  try {
    body = text === '' ? null : JSON.parse(text);
  } catch {
    body = null;
  }
  if (!res.ok) {
    const problem = /** @type {{ detail?: unknown, title?: unknown, code?: unknown, errors?: unknown } | null} */ (body);
    const detail = typeof problem?.detail === 'string' ? problem.detail : typeof problem?.title === 'string' ? problem.title : `HTTP ${res.status}`;
    const errors = Array.isArray(problem?.errors) ? /** @type {{ field: string, message: string }[]} */ (problem.errors) : [];
    throw new ApiError(detail, res.status, typeof problem?.code === 'string' ? problem.code : null, errors);
  }
  return body;
}

/** @param {string} tid */
const tidPath = (tid) => encodeURIComponent(tid);

/**
 * @param {Filters} filters
 * @param {{ before?: number | null, limit?: number }} [paging]
 * @returns {Promise<PaymentPage>}
 */
export async function listPayments(filters, paging = {}) {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(filters)) if (value) query.set(key, value);
  query.set('limit', String(paging.limit ?? 50));
  if (paging.before) query.set('before', String(paging.before));
  return /** @type {PaymentPage} */ (await call(`/api/payments?${query}`));
}

/** @returns {Promise<Stats>} */
export async function getStats() {
  return /** @type {Stats} */ (await call('/api/stats'));
}

/**
 * @param {string} tid
 * @returns {Promise<TransactionView>}
 */
export async function getTransaction(tid) {
  // The operator's view (with the contract it came through), whatever contract took it.
  const page = /** @type {PaymentPage} */ (await call(`/api/payments?${new URLSearchParams({ tid, limit: '1' })}`));
  const found = page.items[0];
  if (!found) throw new ApiError(t('api.noPayment', { tid }), 404, 'PAYMENT_NOT_FOUND');
  return found;
}

/**
 * @param {string} tid
 * @returns {Promise<WebhookLog>}
 */
export async function getWebhooks(tid) {
  return /** @type {WebhookLog} */ (await call(`/api/payment/transaction/${tidPath(tid)}/webhooks`));
}

/**
 * Finalizes the payment now (or sends its webhook again when it already has that status).
 * @param {string} tid
 * @param {'SUCCESS' | 'FAILED'} status
 * @param {string | null} [reason] with FAILED: the failure reason (none: the service's default)
 * @returns {Promise<TriggerResult>}
 */
export async function trigger(tid, status, reason = null) {
  /** @type {Record<string, string>} */
  const params = { status };
  if (status === 'FAILED' && reason) params.reason = reason;
  const query = new URLSearchParams(params);
  return /** @type {TriggerResult} */ (await call(`/api/payment/webhook/trigger/${tidPath(tid)}?${query}`, { method: 'POST' }));
}

/** @param {string | null} token admin.token, when it is set */
const adminHeaders = (token) => /** @type {Record<string, string>} */ ({ accept: 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) });

/**
 * The scenario rules in force, as they were given.
 * @param {string | null} token
 * @returns {Promise<unknown[]>}
 */
export async function getScenarios(token) {
  return /** @type {{ scenarios: unknown[] }} */ (await call('/api/admin/scenarios', { headers: adminHeaders(token) })).scenarios;
}

/**
 * Replaces the scenario rules; a refused list leaves the old one in force.
 * @param {unknown} rules
 * @param {string | null} token
 * @returns {Promise<unknown[]>}
 */
export async function putScenarios(rules, token) {
  const init = { method: 'PUT', headers: { ...adminHeaders(token), 'content-type': 'application/json' }, body: JSON.stringify(rules) };
  return /** @type {{ scenarios: unknown[] }} */ (await call('/api/admin/scenarios', init)).scenarios;
}

/**
 * A test payment through the seed's API, as a Cash Gateway sends it.
 * @param {{ amount: number, orderId: string, mid: string | null, scenario: string | null }} p
 * @returns {Promise<{ status: string, transactionId: string, amount: number }>}
 */
export async function createPayment(p) {
  /** @type {Record<string, string>} */
  const headers = { accept: 'application/json', 'content-type': 'application/json' };
  if (p.scenario) headers['x-hamster-scenario'] = p.scenario;
  const body = { orderId: p.orderId, amount: p.amount, ...(p.mid ? { echo: { mid: p.mid } } : {}) };
  return /** @type {{ status: string, transactionId: string, amount: number }} */ (await call('/api/payment', { method: 'POST', headers, body: JSON.stringify(body) }));
}

/**
 * Pays into an issued PortOne virtual account now.
 * @param {string} tid
 * @returns {Promise<TriggerResult>}
 */
export async function deposit(tid) {
  return /** @type {TriggerResult} */ (await call(`/api/portone/payments/${tidPath(tid)}/deposit`, { method: 'POST' }));
}

/**
 * @param {string} tid
 * @returns {Promise<ResendResult>}
 */
export async function resend(tid) {
  return /** @type {ResendResult} */ (await call(`/api/payment/${tidPath(tid)}/webhook/resend`, { method: 'POST' }));
}

/**
 * Cancels all that is left of a SUCCESS payment, or `amount` of it.
 * @param {string} tid
 * @param {number | null} [amount]
 * @returns {Promise<TransactionView>}
 */
export async function cancel(tid, amount = null) {
  const init =
    amount === null
      ? { method: 'POST' }
      : { method: 'POST', headers: { accept: 'application/json', 'content-type': 'application/json' }, body: JSON.stringify({ amount }) };
  return /** @type {TransactionView} */ (await call(`/api/payment/${tidPath(tid)}/cancel`, init));
}
