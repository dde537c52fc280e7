// A transaction's timeline: requested → processing → final → each
// cancellation → each webhook delivery and its attempts, in time order.

import { formatAmount, h, orDash, timeEl } from './dom.js';
import { t, tParts } from './i18n.js';

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

  const requested = { order: p.orderId, amount: formatAmount(p.amount) };
  step(
    p.requestedAt,
    0,
    'start',
    t('tl.requested'),
    h('p', {}, p.scenario ? t('tl.requestedDetailScenario', { ...requested, scenario: p.scenario }) : t('tl.requestedDetail', requested)),
  );
  if (p.processingStartedAt) step(p.processingStartedAt, 1, 'info', t('tl.processing'));
  if (p.processedAt) {
    const failed = p.failReason !== null || (p.status === 'FAILED');
    step(
      p.processedAt,
      2,
      failed ? 'bad' : 'good',
      t(failed ? 'tl.failed' : 'tl.succeeded'),
      h('p', {}, failed ? t('tl.reason', { reason: orDash(p.failReason) }) : t('tl.approval', { approvalNo: orDash(p.approvalNo) })),
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
    const part = { amount: formatAmount(c.amount), left: formatAmount(left) };
    step(c.cancelledAt, 4, 'muted', t(closes ? 'tl.cancelled' : 'tl.partlyCancelled'), h('p', {}, c.reason ? t('tl.partReason', { ...part, reason: c.reason }) : t('tl.part', part)));
  });
  if (p.cancelledAt && p.cancellations.length === 0) step(p.cancelledAt, 4, 'muted', t('tl.cancelled'));
  if (!FINAL.has(p.status)) {
    items.push({ at: '9999', rank: 9, item: h('li', { class: 'tl tl-wait' }, h('p', { class: 'tl-head' }, h('strong', {}, t('tl.waiting', { status: p.status })))) });
  }

  for (const d of log.deliveries) {
    const attempts = log.attempts.filter((a) => a.deliveryId === d.deliveryId).sort((a, b) => a.attemptNo - b.attemptNo);
    items.push({ at: d.createdAt, rank: d.eventStatus === 'CANCELLED' || d.eventStatus === 'PARTIAL_CANCELLED' ? 5 : 3, item: deliveryItem(d, attempts, opened) });
  }
  items.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : a.rank - b.rank));
  return items.map((i) => i.item);
}


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
    h(
      'h3',
      { class: 'tl-head' },
      tParts('tl.delivery', {
        event: d.eventStatus,
        id: String(d.deliveryId),
        state: h('span', { class: `badge badge-state-${d.state.toLowerCase()}`, title: t(`state.${d.state}`) || null }, d.state),
      }),
    ),
    h(
      'dl',
      { class: 'meta' },
      h('div', {}, h('dt', {}, t('field.webhookId')), h('dd', { class: 'mono' }, d.webhookId)),
      d.state === 'DELIVERED' ? null : h('div', {}, h('dt', {}, t('field.state')), h('dd', {}, t('tl.stateValue', { state: d.state, help: t(`tl.help.${d.state}`) }))),
      h('div', {}, h('dt', {}, t('field.origin')), h('dd', {}, d.origin)),
      h('div', {}, h('dt', {}, t('field.created')), h('dd', {}, timeEl(d.createdAt))),
      d.deliveredAt ? h('div', {}, h('dt', {}, t('field.delivered')), h('dd', {}, timeEl(d.deliveredAt))) : null,
      d.nextAttemptAt ? h('div', {}, h('dt', {}, t('field.nextAttempt')), h('dd', {}, timeEl(d.nextAttemptAt))) : null,
    ),
    attempts.length === 0
      ? h('p', { class: 'hint' }, t('common.noAttempt'))
      : h(
          'ol',
          { class: 'attempts', 'aria-label': t('tl.attempts', { id: String(d.deliveryId) }) },
          attempts.map((a) => attemptItem(a, opened)),
        ),
  );
}

/**
 * @param {Attempt} a
 * @param {Set<string>} opened
 */
function attemptItem(a, opened) {
  const result = t(a.delivered ? 'tl.delivered' : a.responseCode !== null ? 'tl.refused' : 'tl.noAnswer');
  const key = `${a.deliveryId}:${a.attemptNo}`;
  const bodyText = a.responseBody ?? '';
  return h(
    'li',
    { class: `attempt attempt-${a.delivered ? 'ok' : 'fail'}`, 'data-attempt': key },
    h(
      'p',
      { class: 'attempt-head' },
      h('strong', {}, t('tl.attempt', { n: a.attemptNo })),
      ' ',
      timeEl(a.attemptedAt),
      ' · ',
      h('span', { class: 'code-chip' }, a.responseCode === null ? t('tl.noStatus') : `HTTP ${a.responseCode}`),
      ` · ${t('common.ms', { ms: a.durationMs })} · ${a.delivered ? '✓' : '✗'} ${result}`,
    ),
    a.error ? h('p', { class: 'attempt-error' }, t('tl.error', { error: a.error })) : null,
    h('p', { class: 'attempt-url' }, tParts('tl.to', { url: h('span', { class: 'mono' }, a.url) })),
    a.signature ? h('p', { class: 'attempt-sig' }, 'webhook-signature: ', h('span', { class: 'mono' }, a.signature)) : null,
    bodyText
      ? h(
          'details',
          { 'data-key': key, open: opened.has(key) },
          h('summary', {}, t('tl.body', { count: bodyText.length })),
          h('pre', { class: 'code' }, bodyText.length > EXCERPT ? `${bodyText.slice(0, EXCERPT)}…` : bodyText),
        )
      : h('p', { class: 'hint' }, t('tl.emptyBody')),
  );
}
