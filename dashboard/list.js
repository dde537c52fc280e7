// The transaction list: filters (kept in the URL, so the back button returns
// to them), pages newest first, and live updates from the event stream.

import { ApiError, PROFILES, STATUSES, listPayments } from './api.js';
import { badge, breakableId, codeWithGloss, debounce, formatAmount, h, orDash, timeEl } from './dom.js';
import { t } from './i18n.js';
import { onLive } from './live.js';

/** @typedef {import('./api.js').TransactionView} TransactionView */
/** @typedef {import('./api.js').Filters} Filters */

const PAGE_SIZE = 50;
/** @type {(keyof Filters)[]} */
const FILTER_KEYS = ['status', 'from', 'to', 'orderId', 'tid', 'mid', 'profile'];

/**
 * The list's place: its filters and page, as in the URL (`#/?status=FAILED&before=123`).
 * @typedef {{ filters: Filters, before: number | null }} ListState
 */

/**
 * @param {URLSearchParams} params
 * @returns {ListState}
 */
export function stateFromParams(params) {
  /** @type {Filters} */
  const filters = {};
  for (const key of FILTER_KEYS) {
    const value = params.get(key)?.trim();
    if (value) filters[key] = value;
  }
  const before = Number(params.get('before'));
  return { filters, before: Number.isSafeInteger(before) && before > 0 ? before : null };
}

/** @param {ListState} state */
export function hashFor(state) {
  const params = new URLSearchParams();
  for (const key of FILTER_KEYS) {
    const value = state.filters[key];
    if (value) params.set(key, value);
  }
  if (state.before) params.set('before', String(state.before));
  const query = params.toString();
  return query ? `#/?${query}` : '#/';
}

/** @param {string} tid */
export function txHash(tid) {
  return `#/tx/${encodeURIComponent(tid)}`;
}

/**
 * A text field with its label.
 * @param {string} name
 * @param {string} label
 * @param {Record<string, string>} [attrs]
 */
function field(name, label, attrs = {}) {
  const id = `filter-${name}`;
  return h('div', { class: `field field-${name}` }, h('label', { for: id }, label), h('input', { id, name, type: 'text', autocomplete: 'off', ...attrs }));
}

export function createList() {
  const form = h(
    'form',
    { class: 'filters', role: 'search', 'aria-label': t('list.filters') },
    h(
      'div',
      { class: 'field field-status' },
      h('label', { for: 'filter-status' }, t('field.status')),
      h(
        'select',
        { id: 'filter-status', name: 'status' },
        h('option', { value: '' }, t('common.any')),
        STATUSES.map((s) => h('option', { value: s }, codeWithGloss(s, t(`code.${s}`)))),
      ),
    ),
    h(
      'div',
      { class: 'field field-profile' },
      h('label', { for: 'filter-profile' }, t('field.contract')),
      h(
        'select',
        { id: 'filter-profile', name: 'profile' },
        h('option', { value: '' }, t('common.any')),
        PROFILES.map((value) => h('option', { value, title: t(`profile.${value}`) }, value)),
      ),
    ),
    field('from', t('list.from'), { type: 'datetime-local' }),
    field('to', t('list.to'), { type: 'datetime-local' }),
    field('orderId', t('list.orderIdPrefix'), { spellcheck: 'false' }),
    field('tid', t('field.tid'), { spellcheck: 'false' }),
    field('mid', t('field.mid'), { spellcheck: 'false' }),
    h(
      'div',
      { class: 'field field-buttons' },
      h('button', { type: 'submit', class: 'button button-primary' }, t('common.apply')),
      h('button', { type: 'reset', class: 'button' }, t('common.clear')),
    ),
  );

  const tbody = h('tbody');
  const table = h(
    'table',
    { class: 'tx-table', 'aria-labelledby': 'list-heading', 'aria-describedby': 'list-summary' },
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        [[t('field.tid'), null], ...CELLS].map(([name, className]) => h('th', { scope: 'col', class: className === 'num' ? 'num' : null }, name)),
      ),
    ),
    tbody,
  );
  const empty = h('p', { class: 'empty', hidden: true });
  // Until the first page arrives: a placeholder, not an empty table.
  const loadingNote = h('p', { class: 'loading' }, t('list.loading'));
  const summary = h('p', { id: 'list-summary', class: 'summary' });
  // Announces the outcome of what the user asked for (not every live refresh).
  const announce = h('p', { class: 'visually-hidden', role: 'status', 'aria-live': 'polite' });
  const error = h('p', { class: 'msg msg-error', role: 'alert', hidden: true });
  const newer = h('button', { type: 'button', class: 'button' }, t('list.newer'));
  const older = h('button', { type: 'button', class: 'button' }, t('common.older'));
  const pager = h('nav', { class: 'pager', 'aria-label': t('common.pages') }, newer, older);

  const element = h(
    'section',
    { class: 'list', 'aria-labelledby': 'list-heading' },
    h('h2', { id: 'list-heading' }, t('list.heading')),
    form,
    error,
    summary,
    announce,
    h('div', { class: 'table-wrap' }, table),
    loadingNote,
    empty,
    pager,
  );

  /** @type {ListState} */
  let state = { filters: {}, before: null };
  /** Whether the list has been shown yet (its first load is not a live refresh). */
  let shownOnce = false;
  /** Cursors of the pages before this one, for "Newer". */
  /** @type {(number | null)[]} */
  let cursors = [];
  /** @type {number | null} */
  let nextBefore = null;
  /** @type {Map<string, { row: HTMLTableRowElement, key: string }>} */
  const rows = new Map();
  let seq = 0;
  let active = false;
  /** @type {(() => void) | null} */
  let stopListening = null;

  /** @param {ListState} next */
  const go = (next) => {
    location.hash = hashFor(next);
  };

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const data = new FormData(form);
    /** @type {Filters} */
    const filters = {};
    for (const key of FILTER_KEYS) {
      const value = String(data.get(key) ?? '').trim();
      if (value) filters[key] = value;
    }
    cursors = [];
    go({ filters, before: null });
  });
  form.addEventListener('reset', (e) => {
    e.preventDefault();
    cursors = [];
    go({ filters: {}, before: null });
  });
  older.addEventListener('click', () => {
    if (nextBefore === null) return;
    cursors.push(state.before);
    go({ filters: state.filters, before: nextBefore });
  });
  newer.addEventListener('click', () => {
    if (state.before === null) return;
    go({ filters: state.filters, before: cursors.pop() ?? null });
  });

  /** Shows the filters in the form. */
  const fillForm = () => {
    for (const key of FILTER_KEYS) {
      const control = form.elements.namedItem(key);
      let value = state.filters[key] ?? '';
      // A date alone (from a typed URL) still shows in a date-time field.
      if (control instanceof HTMLInputElement && control.type === 'datetime-local' && /^\d{4}-\d{2}-\d{2}$/.test(value)) value += 'T00:00';
      if (control instanceof HTMLInputElement || control instanceof HTMLSelectElement) control.value = value;
    }
  };

  /**
   * Loads the current page and shows it.
   * @param {{ user?: boolean }} [options] user: the user asked for it (announce the result)
   */
  const load = async (options = {}) => {
    const mine = ++seq;
    element.setAttribute('aria-busy', 'true');
    try {
      const page = await listPayments(state.filters, { before: state.before, limit: PAGE_SIZE });
      if (mine !== seq || !active) return;
      loadingNote.hidden = true;
      nextBefore = page.nextBefore;
      render(page.items, !options.user);
      error.hidden = true;
      const text = describe(page.items.length);
      summary.textContent = text;
      summary.hidden = page.items.length === 0;
      empty.textContent = text;
      if (options.user) announce.textContent = text;
    } catch (e) {
      if (mine !== seq) return;
      error.textContent = e instanceof ApiError ? t('list.loadFailed', { message: e.message }) : String(e);
      error.hidden = false;
    } finally {
      if (mine === seq) element.removeAttribute('aria-busy');
    }
  };
  const reloadSoon = debounce(() => void load(), 300, 1200);

  /** @param {number} n */
  const describe = (n) => {
    const filtered = Object.keys(state.filters).length > 0;
    const where = t(state.before === null ? 'list.newestFirst' : 'list.olderPayments');
    if (n === 0) return t(filtered ? 'list.noneMatch' : 'list.none');
    const more = nextBefore !== null;
    const key = filtered ? (more ? 'list.countMatchingMore' : 'list.countMatching') : more ? 'list.countMore' : 'list.count';
    return t(key, { count: n, where });
  };

  /**
   * Updates the rows in place (keyed by tid), so focus and scroll stay where they are.
   * @param {TransactionView[]} items
   * @param {boolean} highlight mark rows that are new or changed
   */
  const render = (items, highlight) => {
    const wanted = new Set(items.map((p) => p.tid));
    for (const [tid, { row }] of rows) {
      if (!wanted.has(tid)) {
        row.remove();
        rows.delete(tid);
      }
    }
    let cursor = tbody.firstElementChild;
    for (const payment of items) {
      const key = JSON.stringify(payment);
      let entry = rows.get(payment.tid);
      if (!entry) {
        entry = { row: h('tr', { 'data-tid': payment.tid }), key: '' };
        rows.set(payment.tid, entry);
        if (highlight) flash(entry.row);
      } else if (highlight && entry.key !== key) {
        flash(entry.row);
      }
      if (entry.key !== key) {
        fillRow(entry.row, payment);
        entry.key = key;
      }
      if (entry.row === cursor) cursor = cursor.nextElementSibling;
      else tbody.insertBefore(entry.row, cursor);
    }
    empty.hidden = items.length > 0;
    table.hidden = items.length === 0;
    newer.disabled = state.before === null;
    older.disabled = nextBefore === null;
    pager.hidden = state.before === null && nextBefore === null;
  };

  /**
   * A payment changed: show it at once if it is on this page, then re-query (debounced).
   * @param {import('./live.js').LiveEvent} event
   */
  const onEvent = (event) => {
    if (event.type === 'webhook') return; // nothing the list shows
    if (event.type === 'payment') {
      const entry = rows.get(event.payment.tid);
      if (entry) {
        const key = JSON.stringify(event.payment);
        if (entry.key !== key) {
          fillRow(entry.row, event.payment);
          entry.key = key;
          flash(entry.row);
        }
      } else if (state.before !== null) {
        return; // a payment not shown here only ever appears on the first page (newest first)
      }
    }
    reloadSoon();
  };

  return {
    element,
    /**
     * Shows the list at this place (from the URL).
     * @param {ListState} next
     */
    show(next) {
      const same = shownOnce && hashFor(next) === hashFor(state);
      shownOnce = true;
      if (!same && next.before === null) cursors = [];
      state = next;
      fillForm();
      if (!active) {
        active = true;
        stopListening = onLive(onEvent);
      }
      if (!same) {
        nextBefore = null;
        for (const { row } of rows.values()) row.remove();
        rows.clear();
      }
      void load({ user: !same });
    },
    hide() {
      active = false;
      reloadSoon.cancel();
      stopListening?.();
      stopListening = null;
    },
    /** Where the list is, to link back to it. */
    get hash() {
      return hashFor(state);
    },
  };
}

/** The cells after the TID: their names (also their labels in a phone's cards) and classes. */
/** @type {[string, string | null][]} */
const CELLS = [
  [t('field.orderId'), 'order'],
  [t('field.amount'), 'num'],
  [t('field.status'), 'wrap'],
  [t('field.requestedAt'), null],
  [t('field.mid'), null],
  [t('field.scenario'), 'wrap'],
  [t('field.contract'), null],
];

/**
 * Fills a row; the TID cell (with its link, which may have focus) is made once and kept.
 * @param {HTMLTableRowElement} row
 * @param {TransactionView} p
 */
function fillRow(row, p) {
  row.dataset.status = p.status;
  if (row.cells.length === 0) {
    row.append(h('td', { 'data-label': t('field.tid'), class: 'tid' }, h('a', { href: txHash(p.tid) }, breakableId(p.tid))));
    for (const [label, className] of CELLS) row.append(h('td', { 'data-label': label, class: className }));
  }
  const cells = [...row.cells];
  cells[1]?.replaceChildren(...breakableId(p.orderId));
  cells[2]?.replaceChildren(formatAmount(p.amount));
  cells[3]?.replaceChildren(badge(p.status), p.failReason ? h('span', { class: 'reason' }, p.failReason) : '');
  cells[4]?.replaceChildren(timeEl(p.requestedAt));
  cells[5]?.replaceChildren(orDash(p.mid));
  cells[6]?.replaceChildren(orDash(p.scenario));
  cells[7]?.replaceChildren(orDash(p.profile ?? null));
}

/** @param {HTMLElement} row */
function flash(row) {
  row.classList.remove('flash');
  // Restart the animation.
  void row.offsetWidth;
  row.classList.add('flash');
}
