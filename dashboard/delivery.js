// One webhook delivery (#/webhooks/<id>): its fields, and each attempt's
// exact request (method, URL, every header with the signature, the body
// bytes) beside the answer. "Resend" sends it again now.

import { ApiError } from './api.js';
import { breakableId, debounce, h, orDash, timeEl } from './dom.js';
import { formatNumber, t, tParts } from './i18n.js';
import { onLive } from './live.js';
import { deliveryBadge } from './webhooks.js';
import { getDelivery, resendDelivery } from './webhooks-api.js';

/** @typedef {import('./webhooks-api.js').DeliveryView} DeliveryView */
/** @typedef {import('./webhooks-api.js').AttemptView} AttemptView */

/** @param {{ backHash: () => string }} options */
export function createDeliveryView(options) {
  const heading = h('h1', { tabindex: '-1' }, t('dlv.heading'));
  const back = h('a', { href: '#/webhooks', class: 'back' }, t('dlv.back'));
  const loading = h('p', { class: 'loading' }, t('dlv.loading'));
  const problem = h('p', { class: 'msg msg-error', role: 'alert', hidden: true });
  const fields = h('dl', { class: 'fields' });
  const resend = h('button', { type: 'button', class: 'button button-primary' }, t('dlv.resend'));
  const message = h('p', { class: 'msg', role: 'status', 'aria-live': 'polite' });
  const attempts = h('ol', { class: 'wh-attempts' });
  const body = h(
    'div',
    { hidden: true },
    h('section', { class: 'card', 'aria-labelledby': 'wh-details' }, h('h2', { id: 'wh-details' }, t('common.details')), fields, h('div', { class: 'button-row' }, resend), message),
    h('section', { class: 'card', 'aria-labelledby': 'wh-attempts' }, h('h2', { id: 'wh-attempts' }, t('dlv.attempts')), attempts),
  );
  const element = h('div', { class: 'delivery' }, h('p', { class: 'crumbs' }, back), heading, loading, problem, body);

  let id = 0;
  let seq = 0;
  /** @type {(() => void) | null} */
  let stopListening = null;

  const load = async () => {
    const mine = ++seq;
    try {
      const detail = await getDelivery(id);
      if (mine !== seq) return;
      problem.hidden = true;
      body.hidden = false;
      render(detail);
    } catch (e) {
      if (mine !== seq) return;
      problem.textContent =
        e instanceof ApiError && e.status === 404
          ? t('dlv.notFound', { id: String(id) })
          : t('dlv.loadFailed', { id: String(id), message: e instanceof Error ? e.message : String(e) });
      problem.hidden = false;
      if (e instanceof ApiError && e.status === 404) body.hidden = true;
    } finally {
      if (mine === seq) loading.hidden = true;
    }
  };
  const reloadSoon = debounce(() => void load(), 300, 1500);

  /** @param {import('./webhooks-api.js').DeliveryDetail} detail */
  const render = ({ delivery: d, attempts: list }) => {
    heading.replaceChildren(...tParts('dlv.headingId', { id: String(d.deliveryId), state: deliveryBadge(d) }));
    document.title = t('title.delivery', { id: String(d.deliveryId) });
    /** @param {string | null} text an id, wrapping only after its separators */
    const id = (text) => (text === null ? '—' : h('span', { class: 'id-text' }, breakableId(text)));
    /** @type {[string, Node | string][]} */
    const rows = [
      [
        d.forPayment ? t('field.tid') : t('dlv.subject'),
        d.forPayment ? h('a', { href: `#/tx/${encodeURIComponent(d.tid)}`, class: 'id-text' }, breakableId(d.tid)) : id(d.tid),
      ],
      [t('field.event'), d.eventStatus],
      [t('field.webhookId'), id(d.webhookId)],
      [t('field.origin'), d.origin],
      [t('field.contract'), orDash(d.profile)],
      [t('field.mid'), id(d.mid)],
      [t('field.receiver'), id(d.url)],
      [t('field.attempts'), formatNumber(d.attempts)],
      [t('field.created'), timeEl(d.createdAt)],
      [t('field.nextAttempt'), timeEl(d.nextAttemptAt)],
      [t('field.delivered'), timeEl(d.deliveredAt)],
    ];
    fields.replaceChildren(...rows.flatMap(([name, value]) => [h('dt', {}, name), h('dd', {}, value)]));
    attempts.replaceChildren(...(list.length === 0 ? [h('li', { class: 'empty' }, t('common.noAttempt'))] : list.map(attemptItem)));
  };

  resend.addEventListener('click', () => void resendNow());
  const resendNow = async () => {
    resend.disabled = true;
    message.className = 'msg';
    message.textContent = t('common.sending');
    try {
      const r = await resendDelivery(id);
      const a = r.attempt;
      const code = String(a.response.code);
      const outcome = a.delivered
        ? t('dlv.outcomeDelivered', { code })
        : a.response.code !== null
          ? t('act.answered', { code })
          : t('act.failed', { error: orDash(a.response.error) });
      message.className = a.delivered ? 'msg msg-ok' : 'msg msg-error';
      const done = { outcome, ms: a.durationMs };
      message.replaceChildren(
        ...(r.delivery.deliveryId === id
          ? tParts('dlv.sentThis', done)
          : tParts('dlv.sentNew', { ...done, link: h('a', { href: `#/webhooks/${r.delivery.deliveryId}` }, `#${r.delivery.deliveryId}`) })),
      );
      await load();
    } catch (e) {
      message.className = 'msg msg-error';
      message.textContent = e instanceof Error ? e.message : String(e);
    } finally {
      resend.disabled = false;
    }
  };

  return {
    element,
    heading,
    /** @param {number} deliveryId */
    show(deliveryId) {
      back.setAttribute('href', options.backHash());
      if (deliveryId !== id) {
        id = deliveryId;
        body.hidden = true;
        problem.hidden = true;
        loading.hidden = false;
        message.textContent = '';
        message.className = 'msg';
      }
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

/** @param {AttemptView} a */
function attemptItem(a) {
  const answer = a.response.code !== null ? `HTTP ${a.response.code}` : orDash(a.response.error);
  const headerText = a.request.headers
    ? Object.entries(a.request.headers)
        .map(([name, value]) => `${name}: ${value}`)
        .join('\n')
    : `webhook-signature: ${orDash(a.request.signature)}\n${t('dlv.headersNotRecorded')}`;
  return h(
    'li',
    { class: 'wh-attempt', 'data-attempt': a.attemptNo },
    h(
      'h3',
      {},
      tParts('dlv.attempt', {
        n: a.attemptNo,
        time: timeEl(a.attemptedAt),
        result: t(a.delivered ? 'dlv.delivered' : 'dlv.notDelivered'),
        answer,
        ms: a.durationMs,
      }),
    ),
    h(
      'div',
      { class: 'wh-exchange' },
      h(
        'section',
        { class: 'wh-request', 'aria-label': t('dlv.requestOf', { n: a.attemptNo }) },
        h('h4', {}, t('dlv.request')),
        h('pre', { class: 'wh-line' }, `${a.request.method} ${a.request.url}`),
        h('pre', { class: 'wh-headers', tabindex: '0', 'aria-label': t('dlv.requestHeaders') }, headerText),
        h('pre', { class: 'wh-body', tabindex: '0', 'aria-label': t('dlv.requestBody') }, a.request.body),
      ),
      h(
        'section',
        { class: 'wh-response', 'aria-label': t('dlv.responseOf', { n: a.attemptNo }) },
        h('h4', {}, t('dlv.response')),
        h('pre', { class: 'wh-line' }, answer),
        a.response.body !== null
          ? h('pre', { class: 'wh-body', tabindex: '0', 'aria-label': t('dlv.responseBody') }, a.response.body)
          : h('p', { class: 'hint' }, t('dlv.noBody')),
      ),
    ),
  );
}
