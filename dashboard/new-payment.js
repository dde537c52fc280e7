// "New test payment": a form that posts a payment through the seed's API
// (POST /api/payment) — amount, order id, MID and, optionally, the scenario
// rule to apply (X-Hamster-Scenario) — and links to the payment it made.

import { ApiError, createPayment } from './api.js';
import { h } from './dom.js';
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
  const submit = h('button', { type: 'submit', class: 'button button-primary' }, 'Send payment');
  const form = h(
    'form',
    { class: 'new-payment-form', 'aria-label': 'New test payment' },
    field('amount', 'Amount', { type: 'number', min: 1, step: 1, required: true, value: '10000', inputmode: 'numeric' }),
    field('orderId', 'Order ID', { type: 'text', required: true, maxlength: 100, value: nextOrderId() }),
    field('mid', 'MID', { type: 'text', value: 'hamster_dummy_mid_001', maxlength: 100 }),
    field('scenario', 'Scenario rule (X-Hamster-Scenario)', { type: 'text', placeholder: 'none: the rules decide', maxlength: 64 }),
    h('div', { class: 'field field-buttons' }, submit),
  );
  const element = h(
    'details',
    { class: 'card new-payment' },
    h('summary', {}, h('h2', {}, 'New test payment')),
    h('p', { class: 'hint' }, 'Sends a payment through the seed’s API, as a Cash Gateway would; the list below shows it at once.'),
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
    message.textContent = 'Sending…';
    try {
      const ack = await createPayment({ amount: Number(value('amount')), orderId: value('orderId'), mid: value('mid') || null, scenario: value('scenario') || null });
      message.className = 'msg msg-ok';
      message.replaceChildren('Accepted: ', h('a', { href: txHash(ack.transactionId), class: 'mono' }, ack.transactionId), ` (${ack.status}).`);
      /** @type {HTMLInputElement} */ (form.elements.namedItem('orderId')).value = nextOrderId();
    } catch (err) {
      message.className = 'msg msg-error';
      message.textContent = `Not accepted: ${err instanceof ApiError ? err.message : String(err)}`;
    } finally {
      submit.disabled = false;
    }
  };

  return { element };
}
