// A transaction's timeline: requested → processing → final → each
// cancellation → each webhook delivery and its attempts, in time order.

import { formatAmount, h, orDash, timeEl } from './dom.js';

/** @typedef {import('./api.js').TransactionView} TransactionView */
/** @typedef {import('./api.js').WebhookLog} WebhookLog */
/** @typedef {import('./api.js').Delivery} Delivery */
/** @typedef {import('./api.js').Attempt} Attempt */

export const FINAL = new Set(['SUCCESS', 'FAILED', 'CANCELLED']);
const EXCERPT = 1000;

/**
 * The timeline: the payment's steps and its webhook deliveries, in time order.
 * @param {TransactionView} p
 * @param {WebhookLog} log
 * @param {Set<string>} opened
 * @returns {HTMLLIElement[]}
 */
export function timelineItems(p, log, opened) {
  /** @type {{ at: string, rank: number, item: HTMLLIElement }[]} */
  const items = [];
  /**
   * @param {string} at
   * @param {number} rank orders steps of the same second
   * @param {string} kind
   * @param {string} title
   * @param {...(Node | string | null)} more
   */
  const step = (at, rank, kind, title, ...more) => {
    items.push({ at, rank, item: h('li', { class: `tl tl-${kind}` }, h('p', { class: 'tl-head' }, h('strong', {}, title), ' ', timeEl(at)), more) });
  };

  step(p.requestedAt, 0, 'start', 'Requested', h('p', {}, `Order ${p.orderId}, amount ${formatAmount(p.amount)}${p.scenario ? `, scenario ${p.scenario}` : ''}`));
  if (p.processingStartedAt) step(p.processingStartedAt, 1, 'info', 'Processing started');
  if (p.processedAt) {
    const failed = p.failReason !== null || (p.status === 'FAILED');
    step(
      p.processedAt,
      2,
      failed ? 'bad' : 'good',
      failed ? 'Failed' : 'Succeeded',
      h('p', {}, failed ? `Reason: ${orDash(p.failReason)}` : `Approval no. ${orDash(p.approvalNo)}`),
    );
  }
  // Each part, the last one closing the payment once nothing is left; a payment cancelled
  // before parts were recorded has only its time.
  let cancelled = 0;
  p.cancellations.forEach((c, i) => {
    cancelled += c.amount;
    const closes = p.status === 'CANCELLED' && i === p.cancellations.length - 1;
    // Amounts have at most 3 decimal places; the doubles' difference is rounded back to them.
    const left = Math.round((p.amount - cancelled) * 1000) / 1000;
    step(c.cancelledAt, 4, 'muted', closes ? 'Cancelled' : 'Partly cancelled', h('p', {}, `${formatAmount(c.amount)} cancelled, ${formatAmount(left)} left${c.reason ? ` (${c.reason})` : ''}`));
  });
  if (p.cancelledAt && p.cancellations.length === 0) step(p.cancelledAt, 4, 'muted', 'Cancelled');
  if (!FINAL.has(p.status)) {
    items.push({ at: '9999', rank: 9, item: h('li', { class: 'tl tl-wait' }, h('p', { class: 'tl-head' }, h('strong', {}, `${p.status}: waiting for the result…`))) });
  }

  for (const d of log.deliveries) {
    const attempts = log.attempts.filter((a) => a.deliveryId === d.deliveryId).sort((a, b) => a.attemptNo - b.attemptNo);
    items.push({ at: d.createdAt, rank: d.eventStatus === 'CANCELLED' || d.eventStatus === 'PARTIAL_CANCELLED' ? 5 : 3, item: deliveryItem(d, attempts, opened) });
  }
  items.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : a.rank - b.rank));
  return items.map((i) => i.item);
}

const STATE_HELP = {
  PENDING: 'waiting for its next attempt',
  HELD: 'held back by a scenario until re-sent or triggered',
  SENDING: 'being sent',
  DELIVERED: 'a 2xx answer was received',
  DEAD: 'no attempt left',
};

/**
 * One webhook delivery and its attempts.
 * @param {Delivery} d
 * @param {Attempt[]} attempts
 * @param {Set<string>} opened
 */
function deliveryItem(d, attempts, opened) {
  const kind = d.state === 'DELIVERED' ? 'good' : d.state === 'DEAD' ? 'bad' : 'info';
  return h(
    'li',
    { class: `tl tl-${kind} tl-delivery`, 'data-delivery': d.deliveryId },
    h('h3', { class: 'tl-head' }, `Webhook ${d.eventStatus} · delivery ${d.deliveryId} `, h('span', { class: `badge badge-state-${d.state.toLowerCase()}` }, d.state)),
    h(
      'dl',
      { class: 'meta' },
      h('div', {}, h('dt', {}, 'Webhook ID'), h('dd', { class: 'mono' }, d.webhookId)),
      d.state === 'DELIVERED' ? null : h('div', {}, h('dt', {}, 'State'), h('dd', {}, `${d.state}, ${STATE_HELP[d.state]}`)),
      h('div', {}, h('dt', {}, 'Origin'), h('dd', {}, d.origin)),
      h('div', {}, h('dt', {}, 'Created'), h('dd', {}, timeEl(d.createdAt))),
      d.deliveredAt ? h('div', {}, h('dt', {}, 'Delivered'), h('dd', {}, timeEl(d.deliveredAt))) : null,
      d.nextAttemptAt ? h('div', {}, h('dt', {}, 'Next attempt'), h('dd', {}, timeEl(d.nextAttemptAt))) : null,
    ),
    attempts.length === 0
      ? h('p', { class: 'hint' }, 'No attempt yet.')
      : h(
          'ol',
          { class: 'attempts', 'aria-label': `Attempts of delivery ${d.deliveryId}` },
          attempts.map((a) => attemptItem(a, opened)),
        ),
  );
}

/**
 * @param {Attempt} a
 * @param {Set<string>} opened
 */
function attemptItem(a, opened) {
  const result = a.delivered ? 'delivered' : a.responseCode !== null ? 'refused' : 'no answer';
  const key = `${a.deliveryId}:${a.attemptNo}`;
  const bodyText = a.responseBody ?? '';
  return h(
    'li',
    { class: `attempt attempt-${a.delivered ? 'ok' : 'fail'}`, 'data-attempt': key },
    h(
      'p',
      { class: 'attempt-head' },
      h('strong', {}, `Attempt ${a.attemptNo}`),
      ' ',
      timeEl(a.attemptedAt),
      ' · ',
      h('span', { class: 'code-chip' }, a.responseCode === null ? 'no HTTP status' : `HTTP ${a.responseCode}`),
      ` · ${a.durationMs} ms · ${a.delivered ? '✓' : '✗'} ${result}`,
    ),
    a.error ? h('p', { class: 'attempt-error' }, `Error: ${a.error}`) : null,
    h('p', { class: 'attempt-url' }, 'To ', h('span', { class: 'mono' }, a.url)),
    a.signature ? h('p', { class: 'attempt-sig' }, 'webhook-signature: ', h('span', { class: 'mono' }, a.signature)) : null,
    bodyText
      ? h(
          'details',
          { 'data-key': key, open: opened.has(key) },
          h('summary', {}, `Response body (${bodyText.length} characters)`),
          h('pre', { class: 'code' }, bodyText.length > EXCERPT ? `${bodyText.slice(0, EXCERPT)}…` : bodyText),
        )
      : h('p', { class: 'hint' }, 'Empty response body.'),
  );
}
