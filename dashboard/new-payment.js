// "New test payment": a form that posts a payment through the seed's API
// (POST /api/payment) — amount, order id, MID and, optionally, the scenario
// rule to apply (X-Hamster-Scenario) — and links to the payment it made.

import { ApiError, createPayment } from './api.js';
import { h } from './dom.js';
import { t, tParts } from './i18n.js';
import { txHash } from './list.js';

/** A fresh order id, so a second click is a second payment. */
const nextOrderId = () => `ORD_DASH_${Date.now().toString(36).toUpperCase()}`;

export function createNewPaymentForm() {
  /**
   * @param {string} name
   * @param {string} label
   * @param {Record<string, string | number | boolean>} attrs
   */
  const field = (name, label, attrs) => {
    const id = `new-${name}`;
    return h('div', { class: `field field-new-${name}` }, h('label', { for: id }, label), h('input', { id, name, autocomplete: 'off', spellcheck: 'false', ...attrs }));
  };
  const message = h('p', { class: 'msg', role: 'status', 'aria-live': 'polite' });
  const submit = h('button', { type: 'submit', class: 'button button-primary' }, t('newPay.send'));
  const form = h(
    'form',
    { class: 'new-payment-form', 'aria-label': t('newPay.heading') },
    field('amount', t('field.amount'), { type: 'number', min: 1, step: 1, required: true, value: '10000', inputmode: 'numeric' }),
    field('orderId', t('field.orderId'), { type: 'text', required: true, maxlength: 100, value: nextOrderId() }),
    field('mid', t('field.mid'), { type: 'text', value: 'hamster_dummy_mid_001', maxlength: 100 }),
    field('scenario', t('newPay.scenario'), { type: 'text', placeholder: t('newPay.scenarioNone'), maxlength: 64 }),
    h('div', { class: 'field field-buttons' }, submit),
  );
  const element = h(
    'details',
    { class: 'card new-payment' },
    h('summary', {}, h('h2', {}, t('newPay.heading'))),
    h('p', { class: 'hint' }, t('newPay.hint')),
    form,
    message,
  );

  /** @param {string} name */
  const value = (name) => /** @type {HTMLInputElement} */ (form.elements.namedItem(name)).value.trim();

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    void send();
  });

  const send = async () => {
    submit.disabled = true;
    message.className = 'msg';
    message.textContent = t('common.sending');
    try {
      const ack = await createPayment({ amount: Number(value('amount')), orderId: value('orderId'), mid: value('mid') || null, scenario: value('scenario') || null });
      message.className = 'msg msg-ok';
      message.replaceChildren(...tParts('newPay.accepted', { tid: h('a', { href: txHash(ack.transactionId), class: 'mono' }, ack.transactionId), status: ack.status }));
      /** @type {HTMLInputElement} */ (form.elements.namedItem('orderId')).value = nextOrderId();
    } catch (err) {
      message.className = 'msg msg-error';
      message.textContent = t('newPay.refused', { message: err instanceof ApiError ? err.message : String(err) });
    } finally {
      submit.disabled = false;
    }
  };

  return { element };
}
