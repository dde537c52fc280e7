// The webhook inspector's list (#/webhooks?state=DEAD&tid=…): every delivery
// across payments, newest first, with a tab per state and its count, filters
// kept in the URL, and "Resend all" for the DEAD or HELD ones shown.

import { ApiError } from './api.js';
import { breakableId, debounce, h, orDash, timeEl } from './dom.js';
import { formatNumber, t } from './i18n.js';
import { onLive } from './live.js';
import { DELIVERY_STATES, listDeliveries, requeueDeliveries } from './webhooks-api.js';

/** @typedef {import('./webhooks-api.js').DeliveryFilters} DeliveryFilters */
/** @typedef {import('./webhooks-api.js').DeliveryView} DeliveryView */

const PAGE_SIZE = 50;
const HEADERS = [
  t('wh.colDelivery'),
  t('wh.colTid'),
  t('field.event'),
  t('field.state'),
  t('field.attempts'),
  t('wh.colLastAnswer'),
  t('field.created'),
  t('field.receiver'),
];
const FILTER_KEYS = /** @type {const} */ (['state', 'tid', 'mid', 'url']);

/** @param {URLSearchParams} params @returns {{ filters: DeliveryFilters, before: number | null }} */
export function webhookStateFromParams(params) {
  /** @type {DeliveryFilters} */
  const filters = {};
  for (const key of FILTER_KEYS) {
    const value = params.get(key)?.trim();
    if (value) filters[key] = value;
  }
  const before = Number(params.get('before'));
  return { filters, before: Number.isSafeInteger(before) && before > 0 ? before : null };
}

/** @param {DeliveryFilters} filters @param {number | null} [before] */
export function webhooksHash(filters, before = null) {
  const params = new URLSearchParams();
  for (const key of FILTER_KEYS) if (filters[key]) params.set(key, /** @type {string} */ (filters[key]));
  if (before) params.set('before', String(before));
  const query = params.toString();
  return query ? `#/webhooks?${query}` : '#/webhooks';
}

/** @param {DeliveryView} d */
export function deliveryBadge(d) {
  return h('span', { class: `badge badge-state-${d.state.toLowerCase()}`, title: t(`state.${d.state}`) || null }, d.state);
}

/** @param {string} name @param {string} label */
function field(name, label) {
  const id = `wh-filter-${name}`;
  return h('div', { class: 'field' }, h('label', { for: id }, label), h('input', { id, name, type: 'text', autocomplete: 'off', spellcheck: 'false' }));
}

export function createWebhookList() {
  const heading = h('h1', { id: 'wh-heading', tabindex: '-1' }, t('wh.heading'));
  const tabs = h('ul', { class: 'wh-tabs' });
  const form = h(
    'form',
    { class: 'filters', role: 'search', 'aria-label': t('wh.filters') },
    field('tid', t('wh.tid')),
    field('mid', t('field.mid')),
    field('url', t('wh.url')),
    h(
      'div',
      { class: 'field field-buttons' },
      h('button', { type: 'submit', class: 'button button-primary' }, t('common.apply')),
      h('button', { type: 'reset', class: 'button' }, t('common.clear')),
    ),
  );
  const bulk = h('button', { type: 'button', class: 'button', hidden: true });
  const message = h('p', { class: 'msg', role: 'status', 'aria-live': 'polite' });
  const error = h('p', { class: 'msg msg-error', role: 'alert', hidden: true });
  const loading = h('p', { class: 'loading' }, t('wh.loading'));
  const tbody = h('tbody');
  const table = h('table', { class: 'tx-table wh-table', 'aria-labelledby': 'wh-heading' }, h('thead', {}, h('tr', {}, HEADERS.map((name) => h('th', { scope: 'col' }, name)))), tbody);
  const tableWrap = h('div', { class: 'table-wrap', hidden: true }, table);
  const empty = h('p', { class: 'empty', hidden: true }, t('wh.none'));
  const older = h('a', { class: 'button', hidden: true }, t('common.older'));
  const element = h(
    'section',
    { class: 'webhooks', 'aria-labelledby': 'wh-heading' },
    h('p', { class: 'crumbs' }, h('a', { href: '#/', class: 'back' }, t('wh.back'))),
    heading,
    h('nav', { 'aria-label': t('wh.states') }, tabs),
    form,
    h('div', { class: 'button-row' }, bulk),
    message,
    error,
    loading,
    tableWrap,
    empty,
    h('nav', { class: 'pager', 'aria-label': t('common.pages') }, older),
  );

  /** @type {{ filters: DeliveryFilters, before: number | null }} */
  let state = { filters: {}, before: null };
  let seq = 0;
  /** @type {(() => void) | null} */
  let stopListening = null;

  const load = async () => {
    const mine = ++seq;
    element.setAttribute('aria-busy', 'true');
    try {
      const page = await listDeliveries(state.filters, { before: state.before, limit: PAGE_SIZE });
      if (mine !== seq) return;
      error.hidden = true;
      render(page);
    } catch (e) {
      if (mine !== seq) return;
      error.textContent = t('wh.loadFailed', { message: e instanceof Error ? e.message : String(e) });
      error.hidden = false;
    } finally {
      if (mine === seq) {
        element.removeAttribute('aria-busy');
        loading.hidden = true;
      }
    }
  };
  const reloadSoon = debounce(() => void load(), 300, 1500);

  /** @param {import('./webhooks-api.js').DeliveryPage} page */
  const render = (page) => {
    const total = DELIVERY_STATES.reduce((sum, s) => sum + (page.counts[s] ?? 0), 0);
    const rest = { ...state.filters };
    delete rest.state;
    tabs.replaceChildren(
      ...[null, ...DELIVERY_STATES].map((s) => {
        const current = (state.filters.state ?? null) === s;
        return h(
          'li',
          {},
          h(
            'a',
            { href: webhooksHash(s ? { ...rest, state: s } : rest), 'aria-current': current ? 'page' : null, 'data-state': s ?? 'ALL' },
            s ?? t('common.all'),
            s && t(`state.${s}`) ? h('span', { class: 'gloss' }, ` ${t(`state.${s}`)}`) : null,
            ' ',
            h('span', { class: 'wh-count' }, formatNumber(s ? (page.counts[s] ?? 0) : total)),
          ),
        );
      }),
    );
    tbody.replaceChildren(...page.items.map(row));
    tableWrap.hidden = page.items.length === 0;
    empty.hidden = page.items.length > 0;
    older.hidden = page.nextBefore === null;
    if (page.nextBefore !== null) older.setAttribute('href', webhooksHash(state.filters, page.nextBefore));
    const s = state.filters.state;
    const shown = s === 'DEAD' || s === 'HELD' ? page.counts[s] : 0;
    bulk.hidden = !shown;
    bulk.textContent = t('wh.resendAll', { count: shown ?? 0, state: s ?? '' });
  };

  /** @param {DeliveryView} d */
  const row = (d) => {
    const cells = [
      h('a', { href: `#/webhooks/${d.deliveryId}`, class: 'token' }, `#${d.deliveryId}`),
      d.forPayment ? h('a', { href: `#/tx/${encodeURIComponent(d.tid)}` }, breakableId(d.tid)) : breakableId(d.tid),
      [d.eventStatus, d.origin === 'MANUAL' ? h('span', { class: 'wh-origin' }, ` ${t('wh.manual')}`) : null],
      deliveryBadge(d),
      formatNumber(d.attempts),
      d.lastResponseCode !== null ? `HTTP ${d.lastResponseCode}` : orDash(d.lastError),
      timeEl(d.createdAt),
      breakableId(d.url),
    ];
    const classes = ['', 'token', '', '', 'num', '', '', 'token'];
    return h('tr', { 'data-delivery': d.deliveryId }, cells.map((cell, i) => h('td', { 'data-label': HEADERS[i], class: classes[i] || null }, cell)));
  };

  bulk.addEventListener('click', () => void resendAll());
  const resendAll = async () => {
    const s = state.filters.state;
    if (s !== 'DEAD' && s !== 'HELD') return;
    bulk.disabled = true;
    message.className = 'msg';
    message.textContent = t('wh.requeueing', { state: s });
    try {
      const r = await requeueDeliveries(s, state.filters);
      message.className = 'msg msg-ok';
      message.textContent =
        r.remaining > 0 ? t('wh.requeuedMore', { count: r.requeued, state: s, remaining: r.remaining }) : t('wh.requeued', { count: r.requeued, state: s });
      await load();
    } catch (e) {
      message.className = 'msg msg-error';
      message.textContent = e instanceof ApiError ? e.message : String(e);
    } finally {
      bulk.disabled = false;
    }
  };

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const data = new FormData(form);
    /** @type {DeliveryFilters} */
    const filters = state.filters.state ? { state: state.filters.state } : {};
    for (const key of /** @type {const} */ (['tid', 'mid', 'url'])) {
      const value = String(data.get(key) ?? '').trim();
      if (value) filters[key] = value;
    }
    location.hash = webhooksHash(filters);
  });
  form.addEventListener('reset', () => {
    location.hash = webhooksHash(state.filters.state ? { state: state.filters.state } : {});
  });

  return {
    element,
    heading,
    /** @param {URLSearchParams} params */
    show(params) {
      const next = webhookStateFromParams(params);
      if (webhooksHash(next.filters, next.before) !== webhooksHash(state.filters, state.before)) message.textContent = '';
      state = next;
      for (const key of /** @type {const} */ (['tid', 'mid', 'url'])) {
        const input = form.elements.namedItem(key);
        if (input instanceof HTMLInputElement) input.value = state.filters[key] ?? '';
      }
      document.title = state.filters.state ? t('title.webhooksState', { state: state.filters.state }) : t('title.webhooks');
      stopListening ??= onLive(() => reloadSoon());
      void load();
    },
    hide() {
      stopListening?.();
      stopListening = null;
      reloadSoon.cancel();
      seq++;
    },
  };
}
