// The overview at the top of the main page: payments by status, webhook
// success rate, backlog, and throughput over the last 15 minutes (an SVG chart).

import { STATUSES, getStats } from './api.js';
import { badge, debounce, h, svg } from './dom.js';
import { formatClock, formatNumber, formatPercent, t } from './i18n.js';
import { onLive } from './live.js';

/** @typedef {import('./api.js').Stats} Stats */

const REFRESH_MS = 5000;

export function createOverview() {
  /** @type {Map<string, HTMLElement>} */
  const values = new Map();
  /** @param {string} key */
  const value = (key) => {
    // A placeholder until the first figures arrive (not a figure: "–" read as zero).
    const el = h('dd', { class: 'stat-value placeholder', 'data-stat': key }, h('span', { class: 'visually-hidden' }, t('overview.loadingValue')));
    values.set(key, el);
    return el;
  };

  const countList = h(
    'dl',
    { class: 'stat-list counts' },
    STATUSES.map((status) =>
      h(
        'div',
        { class: 'stat' },
        h(
          'dt',
          {},
          h('a', { href: `#/?status=${status}`, 'aria-label': t('overview.showStatus', { status }) }, badge(status)),
          gloss(t(`code.${status}`)),
        ),
        value(status),
      ),
    ),
  );
  const webhookList = h(
    'dl',
    { class: 'stat-list' },
    h('div', { class: 'stat' }, h('dt', {}, t('overview.successRate')), value('successRate')),
    h('div', { class: 'stat' }, h('dt', {}, t('overview.attempts')), value('attempts')),
    h('div', { class: 'stat' }, h('dt', {}, t('overview.deliveredAttempts')), value('deliveredAttempts')),
    h('div', { class: 'stat' }, h('dt', {}, h('a', { href: '#/webhooks?state=DEAD' }, t('overview.dead'))), value('dead')),
    h('div', { class: 'stat' }, h('dt', {}, h('a', { href: '#/webhooks?state=HELD' }, t('overview.held'))), value('held')),
  );
  const backlogList = h(
    'dl',
    { class: 'stat-list' },
    h('div', { class: 'stat' }, h('dt', {}, t('overview.pendingPayments')), value('pendingPayments')),
    h('div', { class: 'stat' }, h('dt', {}, t('overview.dueWebhooks')), value('dueDeliveries')),
  );
  const chartBox = h('div', { class: 'chart' }, h('p', { class: 'loading' }, t('common.loading')));
  const error = h('p', { class: 'msg msg-error', hidden: true });

  const element = h(
    'section',
    { class: 'overview', 'aria-labelledby': 'overview-heading' },
    h('h2', { id: 'overview-heading' }, t('overview.heading')),
    error,
    h(
      'div',
      { class: 'overview-grid' },
      h('section', { class: 'card', 'aria-labelledby': 'ov-payments' }, h('h3', { id: 'ov-payments' }, t('overview.payments')), countList),
      h('section', { class: 'card', 'aria-labelledby': 'ov-webhooks' }, h('h3', { id: 'ov-webhooks' }, h('a', { href: '#/webhooks' }, t('overview.webhooks'))), webhookList),
      h('section', { class: 'card', 'aria-labelledby': 'ov-backlog' }, h('h3', { id: 'ov-backlog' }, t('overview.backlog')), backlogList),
      h(
        'section',
        { class: 'card card-chart', 'aria-labelledby': 'ov-chart' },
        h('h3', { id: 'ov-chart' }, t('overview.chart')),
        chartBox,
        h(
          'p',
          { class: 'legend', 'aria-hidden': 'true' },
          h('span', { class: 'key key-accepted' }),
          `${t('chart.accepted')} `,
          h('span', { class: 'key key-finalized' }),
          t('chart.finalized'),
        ),
      ),
    ),
  );

  let active = false;
  let loading = false;
  let again = false;
  /** @type {ReturnType<typeof setInterval> | undefined} */
  let timer;
  /** @type {(() => void) | null} */
  let stopListening = null;

  const refresh = async () => {
    if (loading) {
      again = true;
      return;
    }
    loading = true;
    try {
      const stats = await getStats();
      if (active) render(stats);
      error.hidden = true;
    } catch (e) {
      error.textContent = t('overview.unavailable', { message: e instanceof Error ? e.message : String(e) });
      error.hidden = false;
    } finally {
      loading = false;
      if (again && active) {
        again = false;
        void refresh();
      }
    }
  };
  const refreshSoon = debounce(() => void refresh(), 800, 3000);

  /** @param {Stats} stats */
  const render = (stats) => {
    /** @param {string} key @param {string} text */
    const set = (key, text) => {
      const el = values.get(key);
      el?.classList.remove('placeholder');
      if (el && el.textContent !== text) el.textContent = text;
    };
    for (const status of STATUSES) set(status, formatNumber(stats.counts[status] ?? 0));
    const rate = stats.webhooks.successRate;
    set('successRate', rate === null ? '—' : formatPercent(rate));
    set('attempts', formatNumber(stats.webhooks.attempts));
    set('deliveredAttempts', formatNumber(stats.webhooks.deliveredAttempts));
    set('dead', formatNumber(stats.webhooks.deliveries.DEAD ?? 0));
    set('held', formatNumber(stats.webhooks.deliveries.HELD ?? 0));
    set('pendingPayments', formatNumber(stats.backlog.pendingPayments));
    set('dueDeliveries', formatNumber(stats.backlog.dueDeliveries));
    chartBox.replaceChildren(chart(stats.throughput));
  };

  return {
    element,
    start() {
      if (active) return;
      active = true;
      void refresh();
      timer = setInterval(() => void refresh(), REFRESH_MS);
      stopListening = onLive(() => refreshSoon());
    },
    stop() {
      active = false;
      clearInterval(timer);
      refreshSoon.cancel();
      stopListening?.();
      stopListening = null;
    },
  };
}

const W = 440;
const H = 150;
const M = { top: 10, right: 6, bottom: 22, left: 30 };

/**
 * Accepted and finalized payments per minute, as pairs of bars.
 * @param {Stats['throughput']} points
 */
function chart(points) {
  const max = niceMax(Math.max(1, ...points.map((p) => Math.max(p.accepted, p.finalized))));
  const plotW = W - M.left - M.right;
  const plotH = H - M.top - M.bottom;
  const step = plotW / Math.max(1, points.length);
  const barW = Math.max(2, step * 0.36);
  const y = (/** @type {number} */ v) => M.top + plotH - (v / max) * plotH;
  const minute = (/** @type {string} */ m) => formatClock(m);

  const totalAccepted = points.reduce((s, p) => s + p.accepted, 0);
  const totalFinalized = points.reduce((s, p) => s + p.finalized, 0);
  const first = points[0];
  const last = points.at(-1);
  const busiest = points.reduce((best, p) => (p.accepted > best.accepted ? p : best), points[0] ?? { minute: '', accepted: 0, finalized: 0 });
  const totals = { accepted: totalAccepted, finalized: totalFinalized };
  const desc = [
    first && last ? t('chart.descRange', { from: minute(first.minute), to: minute(last.minute), ...totals }) : t('chart.desc', totals),
    busiest.accepted > 0 ? t('chart.busiest', { minute: minute(busiest.minute), accepted: busiest.accepted }) : '',
  ]
    .filter(Boolean)
    .join(' ');

  /** @type {SVGElement[]} */
  const parts = [];
  for (const v of [0, max / 2, max]) {
    parts.push(svg('line', { class: 'grid', x1: M.left, x2: W - M.right, y1: y(v), y2: y(v) }));
    parts.push(svg('text', { class: 'axis', x: M.left - 4, y: y(v) + 3.5, 'text-anchor': 'end' }, formatCount(v)));
  }
  points.forEach((p, i) => {
    const x = M.left + i * step + (step - 2 * barW) / 2;
    const bar = (/** @type {number} */ v, /** @type {string} */ kind, /** @type {number} */ dx) =>
      svg(
        'rect',
        { class: `bar bar-${kind}`, x: x + dx, y: y(v), width: barW, height: Math.max(0, y(0) - y(v)), rx: 1 },
        svg('title', {}, t(kind === 'accepted' ? 'chart.barAccepted' : 'chart.barFinalized', { minute: minute(p.minute), count: v })),
      );
    parts.push(bar(p.accepted, 'accepted', 0), bar(p.finalized, 'finalized', barW));
    const label = i === 0 || i === points.length - 1 || i === Math.floor(points.length / 2);
    if (label) parts.push(svg('text', { class: 'axis', x: M.left + i * step + step / 2, y: H - 6, 'text-anchor': 'middle' }, minute(p.minute)));
  });

  return svg(
    'svg',
    { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-labelledby': 'chart-title chart-desc', focusable: 'false' },
    svg('title', { id: 'chart-title' }, t('chart.title')),
    svg('desc', { id: 'chart-desc' }, desc),
    parts,
  );
}

/** @param {number} n */
function niceMax(n) {
  if (n <= 4) return Math.ceil(n / 2) * 2;
  const magnitude = 10 ** Math.floor(Math.log10(n));
  for (const f of [1, 1.5, 2, 2.5, 5, 10]) if (f * magnitude >= n) return f * magnitude;
  return 10 * magnitude;
}

/** @param {number} v */
function formatCount(v) {
  return formatNumber(v, { maximumFractionDigits: 1 });
}

/**
 * A code's gloss in the page's language, beside its badge (nothing when the language has none).
 * @param {string} text
 */
function gloss(text) {
  return text ? h('span', { class: 'gloss' }, ` ${text}`) : null;
}
