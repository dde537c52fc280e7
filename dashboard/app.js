// The dashboard: hash routes (#/?filters for the list, #/tx/<tid> for one
// transaction, #/webhooks?state=… and #/webhooks/<id> for the webhook
// inspector), the live connection, and the header with its language switch
// (?lang=en|ko before the hash; see i18n.js).

import { byId, h } from './dom.js';
import { LANGS, lang, languageHref, localizeDocument, t } from './i18n.js';
import { createList, stateFromParams } from './list.js';
import { createNewPaymentForm } from './new-payment.js';
import { createRulesEditor } from './rules.js';
import { connectLive } from './live.js';
import { createOverview } from './overview.js';
import { createTransactionView } from './transaction.js';
import { createDeliveryView } from './delivery.js';
import { createWebhookList } from './webhooks.js';

localizeDocument(document);
document.title = t('app.title');
const main = byId('main', HTMLElement);
connectLive(byId('live', HTMLElement), byId('live-text', HTMLElement));

const overview = createOverview();
const list = createList();
const tx = createTransactionView({ backHash: () => list.hash });
const newPayment = createNewPaymentForm();
const rules = createRulesEditor();
const home = h(
  'div',
  { class: 'home' },
  h('h1', { class: 'visually-hidden', tabindex: '-1' }, t('app.heading')),
  overview.element,
  h('div', { class: 'tools' }, newPayment.element, rules.element),
  list.element,
);
const homeHeading = /** @type {HTMLElement} */ (home.firstElementChild);
const webhooks = createWebhookList();
let webhooksHash = '#/webhooks';
const delivery = createDeliveryView({ backHash: () => webhooksHash });

/** @type {'list' | 'tx' | 'webhooks' | 'delivery' | null} */
let view = null;
/** Where the list was scrolled to, restored when coming back to it. */
let listScroll = 0;

/**
 * The webhook inspector's pages; true when the hash is one of them.
 * @param {string} hash
 */
function routeWebhooks(hash) {
  const one = /^#\/webhooks\/(\d+)$/.exec(hash);
  const many = /^#\/webhooks(?:\?(.*))?$/.exec(hash);
  if (!one && !many) return false;
  if (view === 'list') {
    listScroll = window.scrollY;
    overview.stop();
    list.hide();
  }
  if (view === 'tx') tx.hide();
  const previous = view;
  const page = one ? delivery : webhooks;
  if (one) {
    if (view === 'webhooks') webhooks.hide();
    view = 'delivery';
    delivery.show(Number(one[1]));
  } else {
    if (view === 'delivery') delivery.hide();
    view = 'webhooks';
    webhooksHash = hash;
    webhooks.show(new URLSearchParams(many?.[1] ?? ''));
  }
  if (main.firstElementChild !== page.element) {
    main.replaceChildren(page.element);
    window.scrollTo(0, 0);
    if (previous !== null) page.heading.focus({ preventScroll: true });
  }
  return true;
}

/** The language switch: this route in each language (a reload with another ?lang=). */
function updateLanguageLinks() {
  for (const l of LANGS) {
    const link = byId(`lang-${l}`, HTMLAnchorElement);
    link.href = languageHref(l);
    if (l === lang) link.setAttribute('aria-current', 'true');
    else link.removeAttribute('aria-current');
  }
}

function route() {
  const hash = location.hash;
  updateLanguageLinks();
  if (routeWebhooks(hash)) return;
  if (view === 'webhooks') webhooks.hide();
  if (view === 'delivery') delivery.hide();
  const txMatch = /^#\/tx\/(.+)$/.exec(hash);
  const previous = view;
  if (txMatch?.[1]) {
    if (view === 'list') {
      listScroll = window.scrollY;
      overview.stop();
      list.hide();
    }
    view = 'tx';
    if (main.firstElementChild !== tx.element) main.replaceChildren(tx.element);
    tx.show(safeDecode(txMatch[1]));
    window.scrollTo(0, 0);
    if (previous !== null) tx.heading.focus({ preventScroll: true });
  } else {
    if (view === 'tx') tx.hide();
    view = 'list';
    const query = hash.startsWith('#/?') ? hash.slice(3) : '';
    document.title = t('app.title');
    if (main.firstElementChild !== home) {
      main.replaceChildren(home);
      overview.start();
    }
    list.show(stateFromParams(new URLSearchParams(query)));
    if (previous === 'tx') {
      window.scrollTo(0, listScroll);
      homeHeading.focus({ preventScroll: true });
    }
  }
}

/** @param {string} text */
function safeDecode(text) {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

// The skip link moves focus without changing the route.
document.querySelector('.skip-link')?.addEventListener('click', (e) => {
  e.preventDefault();
  main.focus();
});

window.addEventListener('hashchange', route);
route();
