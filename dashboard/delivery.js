// One webhook delivery (#/webhooks/<id>): its fields, and each attempt's
// exact request (method, URL, every header with the signature, the body
// bytes) beside the answer. "Resend" sends it again now.

import { ApiError } from './api.js';
import { breakableId, debounce, h, orDash, timeEl } from './dom.js';
import { onLive } from './live.js';
import { deliveryBadge } from './webhooks.js';
import { getDelivery, resendDelivery } from './webhooks-api.js';

/** @typedef {import('./webhooks-api.js').DeliveryView} DeliveryView */
/** @typedef {import('./webhooks-api.js').AttemptView} AttemptView */

/** @param {{ backHash: () => string }} options */
export function createDeliveryView(options) {
  const heading = h('h1', { tabindex: '-1' }, 'Webhook delivery');
  const back = h('a', { href: '#/webhooks', class: 'back' }, '← Webhook deliveries');
  const loading = h('p', { class: 'loading' }, 'Loading the delivery…');
  const problem = h('p', { class: 'msg msg-error', role: 'alert', hidden: true });
  const fields = h('dl', { class: 'fields' });
  const resend = h('button', { type: 'button', class: 'button button-primary' }, 'Resend');
  const message = h('p', { class: 'msg', role: 'status', 'aria-live': 'polite' });
  const attempts = h('ol', { class: 'wh-attempts' });
  const body = h(
    'div',
    { hidden: true },
    h('section', { class: 'card', 'aria-labelledby': 'wh-details' }, h('h2', { id: 'wh-details' }, 'Details'), fields, h('div', { class: 'button-row' }, resend), message),
    h('section', { class: 'card', 'aria-labelledby': 'wh-attempts' }, h('h2', { id: 'wh-attempts' }, 'Attempts'), attempts),
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
      problem.textContent = e instanceof ApiError && e.status === 404 ? `There is no delivery ${id}.` : `Could not load delivery ${id}: ${e instanceof Error ? e.message : String(e)}`;
      problem.hidden = false;
      if (e instanceof ApiError && e.status === 404) body.hidden = true;
    } finally {
      if (mine === seq) loading.hidden = true;
    }
  };
  const reloadSoon = debounce(() => void load(), 300, 1500);

  /** @param {import('./webhooks-api.js').DeliveryDetail} detail */
  const render = ({ delivery: d, attempts: list }) => {
    heading.replaceChildren(`Delivery #${d.deliveryId} `, deliveryBadge(d));
    document.title = `Delivery ${d.deliveryId} · hamster-pg`;
    /** @param {string | null} text an id, wrapping only after its separators */
    const id = (text) => (text === null ? '—' : h('span', { class: 'id-text' }, breakableId(text)));
    /** @type {[string, Node | string][]} */
    const rows = [
      [d.forPayment ? 'TID' : 'Subject', d.forPayment ? h('a', { href: `#/tx/${encodeURIComponent(d.tid)}`, class: 'id-text' }, breakableId(d.tid)) : id(d.tid)],
      ['Event', d.eventStatus],
      ['Webhook ID', id(d.webhookId)],
      ['Origin', d.origin],
      ['Contract', orDash(d.profile)],
      ['MID', id(d.mid)],
      ['Receiver', id(d.url)],
      ['Attempts', String(d.attempts)],
      ['Created', timeEl(d.createdAt)],
      ['Next attempt', timeEl(d.nextAttemptAt)],
      ['Delivered', timeEl(d.deliveredAt)],
    ];
    fields.replaceChildren(...rows.flatMap(([name, value]) => [h('dt', {}, name), h('dd', {}, value)]));
    attempts.replaceChildren(...(list.length === 0 ? [h('li', { class: 'empty' }, 'No attempt yet.')] : list.map(attemptItem)));
  };

  resend.addEventListener('click', () => void resendNow());
  const resendNow = async () => {
    resend.disabled = true;
    message.className = 'msg';
    message.textContent = 'Sending…';
    try {
      const r = await resendDelivery(id);
      const a = r.attempt;
      const outcome = a.delivered ? `delivered (HTTP ${a.response.code})` : a.response.code !== null ? `answered HTTP ${a.response.code}` : `failed: ${orDash(a.response.error)}`;
      message.className = a.delivered ? 'msg msg-ok' : 'msg msg-error';
      message.replaceChildren(
        `Sent ${r.delivery.deliveryId === id ? 'this delivery' : 'as a new delivery '}`,
        r.delivery.deliveryId === id ? '' : h('a', { href: `#/webhooks/${r.delivery.deliveryId}` }, `#${r.delivery.deliveryId}`),
        `: ${outcome} in ${a.durationMs} ms.`,
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
    : `webhook-signature: ${orDash(a.request.signature)}\n(the other headers were not recorded for this attempt)`;
  return h(
    'li',
    { class: 'wh-attempt', 'data-attempt': a.attemptNo },
    h('h3', {}, `Attempt ${a.attemptNo} · `, timeEl(a.attemptedAt), ` · ${a.delivered ? 'delivered' : 'not delivered'} · ${answer} · ${a.durationMs} ms`),
    h(
      'div',
      { class: 'wh-exchange' },
      h(
        'section',
        { class: 'wh-request', 'aria-label': `Attempt ${a.attemptNo}: request` },
        h('h4', {}, 'Request'),
        h('pre', { class: 'wh-line' }, `${a.request.method} ${a.request.url}`),
        h('pre', { class: 'wh-headers', tabindex: '0', 'aria-label': 'Request headers' }, headerText),
        h('pre', { class: 'wh-body', tabindex: '0', 'aria-label': 'Request body' }, a.request.body),
      ),
      h(
        'section',
        { class: 'wh-response', 'aria-label': `Attempt ${a.attemptNo}: response` },
        h('h4', {}, 'Response'),
        h('pre', { class: 'wh-line' }, answer),
        a.response.body !== null ? h('pre', { class: 'wh-body', tabindex: '0', 'aria-label': 'Response body' }, a.response.body) : h('p', { class: 'hint' }, 'No body.'),
      ),
    ),
  );
}
