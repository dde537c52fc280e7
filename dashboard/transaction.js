// One transaction: its fields (with its cancellations), a timeline
// (timeline.js), and the test actions (trigger, deposit, re-send, cancel —
// whole or a part). It reloads itself on live events for its tid.

import { ApiError, cancel, deposit, getTransaction, getWebhooks, resend, trigger } from './api.js';
import { badge, debounce, formatAmount, formatTime, h, orDash, timeEl } from './dom.js';
import { onLive } from './live.js';
import { FINAL, timelineItems } from './timeline.js';

/** @typedef {import('./api.js').TransactionView} TransactionView */
/** @typedef {import('./api.js').WebhookLog} WebhookLog */
/** @typedef {import('./api.js').SentWebhook} SentWebhook */
/** @typedef {import('./api.js').Cancellation} Cancellation */


/**
 * @typedef {object} Action
 * @property {string} label
 * @property {(p: TransactionView) => boolean} applies
 * @property {(tid: string, inputs: Inputs) => Promise<string>} run the message to show when it worked
 * @property {(p: TransactionView, inputs: Inputs) => string} [confirm] asked first, when the action cannot be undone
 */

/** @typedef {{ cancelAmount: string, failReason: string }} Inputs */

/** The seed's failure reasons (E001…E005), the first being the trigger's default. */
const FAIL_REASONS = ['INSUFFICIENT_BALANCE', 'INVALID_CARD', 'EXPIRED_CARD', 'LIMIT_EXCEEDED', 'SYSTEM_ERROR'];

/** @type {Action[]} */
const ACTIONS = [
  {
    label: 'Trigger SUCCESS',
    applies: (p) => ['PENDING', 'PROCESSING', 'SUCCESS'].includes(p.status),
    run: async (tid) => {
      const r = await trigger(tid, 'SUCCESS');
      return `${r.finalizedNow ? 'Finalized as SUCCESS' : 'Already SUCCESS: webhook sent again'}. ${sent(r.webhook)}`;
    },
  },
  {
    label: 'Trigger FAILED',
    applies: (p) => ['PENDING', 'PROCESSING', 'FAILED'].includes(p.status),
    run: async (tid, inputs) => {
      const r = await trigger(tid, 'FAILED', inputs.failReason);
      return `${r.finalizedNow ? `Finalized as FAILED (${r.failReason ?? 'no reason'})` : 'Already FAILED: webhook sent again'}. ${sent(r.webhook)}`;
    },
  },
  {
    label: 'Deposit',
    applies: (p) => p.profile === 'portone' && p.echo?.method === 'VIRTUAL_ACCOUNT' && ['PENDING', 'PROCESSING'].includes(p.status),
    run: async (tid) => `Deposited: the virtual account is paid. ${sent((await deposit(tid)).webhook)}`,
  },
  {
    label: 'Resend webhook',
    applies: (p) => FINAL.has(p.status),
    run: async (tid) => `Webhook re-sent. ${sent((await resend(tid)).webhook)}`,
  },
  {
    label: 'Cancel',
    applies: (p) => p.status === 'SUCCESS',
    confirm: (p, inputs) => {
      const text = inputs.cancelAmount.trim();
      const left = p.remainingAmount ?? p.amount;
      return text === ''
        ? `Cancel all that is left of ${p.tid} (${formatAmount(left)})? This cannot be undone.`
        : `Cancel ${formatAmount(Number(text))} of ${p.tid} (${formatAmount(left)} left)? This cannot be undone.`;
    },
    run: async (tid, inputs) => {
      const text = inputs.cancelAmount.trim();
      const p = await cancel(tid, text === '' ? null : Number(text));
      if (p.status === 'CANCELLED') return 'Cancelled: the payment is CANCELLED and its CANCELLED webhook is on its way.';
      const part = p.cancellations.at(-1);
      return `Cancelled ${formatAmount(part?.amount ?? 0)}: ${formatAmount(p.remainingAmount)} left, and a PARTIAL_CANCELLED webhook is on its way.`;
    },
  },
];

/**
 * What an attempt made by an action did, in words.
 * @param {SentWebhook} w
 */
function sent(w) {
  const outcome = w.delivered
    ? `answered HTTP ${w.responseCode}, delivered`
    : w.responseCode !== null
      ? `answered HTTP ${w.responseCode}`
      : `failed: ${w.error ?? 'no answer'}`;
  const next = w.nextAttemptAt ? `; next attempt at ${formatTime(w.nextAttemptAt)}` : '';
  return `Delivery ${w.deliveryId}, attempt ${w.attemptNo} ${outcome} in ${w.durationMs} ms (${w.state}${next}).`;
}

/**
 * @param {{ backHash: () => string }} options
 */
export function createTransactionView(options) {
  const heading = h('h1', { tabindex: '-1' });
  const back = h('a', { href: '#/', class: 'back' }, '← All payments');
  const message = h('p', { class: 'msg', role: 'status', 'aria-live': 'polite' });
  const buttons = ACTIONS.map((action) => {
    const button = h('button', { type: 'button', class: 'button', disabled: true }, action.label);
    button.addEventListener('click', () => void ask(action));
    return button;
  });
  const cancelAmount = h('input', {
    id: 'cancel-amount',
    type: 'number',
    min: 1,
    step: 1,
    inputmode: 'numeric',
    autocomplete: 'off',
    placeholder: 'all that is left',
    disabled: true,
  });
  const failReason = h(
    'select',
    { id: 'fail-reason', disabled: true },
    FAIL_REASONS.map((reason) => h('option', { value: reason }, reason)),
  );
  const confirmText = h('p', { class: 'confirm-text' });
  const confirmYes = h('button', { type: 'button', class: 'button button-danger' }, 'Yes, cancel');
  const confirmNo = h('button', { type: 'button', class: 'button' }, 'Keep it');
  const confirmBox = h('div', { class: 'confirm', role: 'alertdialog', 'aria-labelledby': 'confirm-text', hidden: true }, confirmText, h('div', { class: 'button-row' }, confirmYes, confirmNo));
  confirmText.id = 'confirm-text';
  const actions = h(
    'section',
    { class: 'card actions', 'aria-labelledby': 'actions-heading' },
    h('h2', { id: 'actions-heading' }, 'Actions'),
    h('div', { class: 'button-row' }, buttons),
    confirmBox,
    h('div', { class: 'field fail-reason' }, h('label', { for: 'fail-reason' }, 'Failure reason'), failReason),
    h('div', { class: 'field cancel-amount' }, h('label', { for: 'cancel-amount' }, 'Amount to cancel'), cancelAmount),
    h(
      'p',
      { class: 'hint' },
      'Trigger finalizes a PENDING payment now (or sends its webhook again); Deposit pays an issued PortOne virtual account now; Resend sends a final payment’s webhook again; Cancel turns a SUCCESS into CANCELLED, or with an amount cancels that part of it (it stays SUCCESS).',
    ),
    message,
  );
  const details = h('dl', { class: 'fields' });
  const timeline = h('ol', { class: 'timeline' });
  const problem = h('p', { class: 'msg msg-error', role: 'alert', hidden: true });
  const body = h(
    'div',
    { class: 'tx-grid' },
    h('section', { class: 'card', 'aria-labelledby': 'details-heading' }, h('h2', { id: 'details-heading' }, 'Details'), details),
    h('section', { class: 'card', 'aria-labelledby': 'timeline-heading' }, h('h2', { id: 'timeline-heading' }, 'Timeline'), timeline),
  );
  const element = h('div', { class: 'tx' }, h('p', { class: 'crumbs' }, back), heading, problem, actions, body);

  let tid = '';
  let seq = 0;
  let busy = false;
  /** @type {TransactionView | null} */
  let current = null;
  /** `<details>` the user opened, kept open across reloads. */
  /** @type {Set<string>} */
  const opened = new Set();
  /** @type {(() => void) | null} */
  let stopListening = null;

  const load = async () => {
    const mine = ++seq;
    element.setAttribute('aria-busy', 'true');
    try {
      const [payment, log] = await Promise.all([getTransaction(tid), getWebhooks(tid)]);
      if (mine !== seq) return;
      current = payment;
      problem.hidden = true;
      actions.hidden = false;
      body.hidden = false;
      render(payment, log);
    } catch (e) {
      if (mine !== seq) return;
      problem.textContent = e instanceof ApiError && e.status === 404 ? `There is no transaction ${tid}.` : `Could not load ${tid}: ${errorText(e)}`;
      problem.hidden = false;
      if (e instanceof ApiError && e.status === 404) {
        current = null;
        actions.hidden = true;
        body.hidden = true;
      }
    } finally {
      if (mine === seq) element.removeAttribute('aria-busy');
    }
  };
  const reloadSoon = debounce(() => void load(), 150, 600);

  /**
   * @param {TransactionView} p
   * @param {WebhookLog} log
   */
  const render = (p, log) => {
    heading.replaceChildren('Transaction ', h('span', { class: 'mono' }, p.tid), ' ', badge(p.status));
    document.title = `${p.tid} · hamster-pg`;
    details.replaceChildren(...fields(p));
    // Keep the focus on a response's <summary> across the redraw.
    const focusedKey = document.activeElement instanceof HTMLElement ? document.activeElement.closest('details')?.dataset.key : undefined;
    timeline.replaceChildren(...timelineItems(p, log, opened));
    if (focusedKey) /** @type {HTMLElement | null} */ (timeline.querySelector(`details[data-key="${CSS.escape(focusedKey)}"] > summary`))?.focus();
    updateButtons();
  };

  const updateButtons = () => {
    const focused = buttons.find((b) => b === document.activeElement);
    ACTIONS.forEach((action, i) => {
      const button = buttons[i];
      if (!button) return;
      button.disabled = current === null || !action.applies(current);
      button.setAttribute('aria-disabled', String(busy || button.disabled));
    });
    failReason.disabled = current === null || !['PENDING', 'PROCESSING'].includes(current.status);
    const cancellable = current !== null && current.status === 'SUCCESS';
    cancelAmount.disabled = !cancellable;
    if (!cancellable) cancelAmount.value = '';
    // A button that no longer applies lost focus: keep it in the actions.
    if (focused?.disabled) (buttons.find((b) => !b.disabled) ?? heading).focus();
  };

  /** @type {Action | null} */
  let asking = null;
  const inputs = () => ({ cancelAmount: cancelAmount.value, failReason: failReason.value });
  /** An action that cannot be undone asks first; the others run at once. @param {Action} action */
  const ask = (action) => {
    if (busy || current === null) return;
    if (!action.confirm) {
      void act(action);
      return;
    }
    asking = action;
    confirmText.textContent = action.confirm(current, inputs());
    confirmBox.hidden = false;
    confirmYes.focus();
  };
  const closeConfirm = () => {
    asking = null;
    confirmBox.hidden = true;
  };
  confirmYes.addEventListener('click', () => {
    const action = asking;
    closeConfirm();
    if (action) void act(action);
  });
  confirmNo.addEventListener('click', () => {
    const action = asking;
    closeConfirm();
    if (action) buttons[ACTIONS.indexOf(action)]?.focus();
  });

  /** @param {Action} action */
  const act = async (action) => {
    if (busy || current === null) return;
    busy = true;
    updateButtons();
    message.className = 'msg';
    message.textContent = `${action.label}…`;
    try {
      const text = await action.run(tid, inputs());
      cancelAmount.value = '';
      message.className = 'msg msg-ok';
      message.textContent = text;
    } catch (e) {
      message.className = 'msg msg-error';
      message.textContent = `${action.label} failed: ${errorText(e)}`;
    } finally {
      busy = false;
      await load();
      updateButtons();
    }
  };

  /** @param {import('./live.js').LiveEvent} event */
  const onEvent = (event) => {
    if (event.type === 'resync' || (event.type === 'payment' ? event.payment.tid : event.tid) === tid) reloadSoon();
  };

  timeline.addEventListener(
    'toggle',
    (e) => {
      const target = e.target;
      if (!(target instanceof HTMLDetailsElement) || !target.dataset.key) return;
      if (target.open) opened.add(target.dataset.key);
      else opened.delete(target.dataset.key);
    },
    true,
  );

  return {
    element,
    heading,
    /** @param {string} next */
    show(next) {
      if (next !== tid) {
        tid = next;
        current = null;
        opened.clear();
        heading.replaceChildren('Transaction ', h('span', { class: 'mono' }, tid));
        details.replaceChildren();
        timeline.replaceChildren();
        message.textContent = '';
        message.className = 'msg';
        updateButtons();
      }
      back.href = options.backHash();
      document.title = `${tid} · hamster-pg`;
      stopListening ??= onLive(onEvent);
      void load();
    },
    hide() {
      seq++;
      reloadSoon.cancel();
      stopListening?.();
      stopListening = null;
    },
  };
}

/** @param {unknown} e */
function errorText(e) {
  return e instanceof Error ? e.message : String(e);
}

/**
 * The transaction's fields, as <dt>/<dd> pairs.
 * @param {TransactionView} p
 * @returns {HTMLElement[]}
 */
function fields(p) {
  /** @type {[string, Node | string][]} */
  const rows = [
    ['TID', h('span', { class: 'mono' }, p.tid)],
    ['Order ID', p.orderId],
    ['Amount', formatAmount(p.amount)],
    ...(p.cancelledAmount > 0
      ? /** @type {[string, Node | string][]} */ ([
          ['Cancelled', formatAmount(p.cancelledAmount)],
          ['Remaining', formatAmount(p.remainingAmount)],
        ])
      : []),
    ['Status', badge(p.status)],
    ['Approval no.', orDash(p.approvalNo)],
    ['Fail reason', orDash(p.failReason)],
    ['Requested at', timeEl(p.requestedAt)],
    ['Processing started', timeEl(p.processingStartedAt)],
    ['Processed at', timeEl(p.processedAt)],
    ['Cancelled at', timeEl(p.cancelledAt)],
    ['Webhook sent at', timeEl(p.webhookSentAt)],
    ['Webhook response', p.webhookResponseCode === null ? '—' : `HTTP ${p.webhookResponseCode}`],
    ['MID', orDash(p.mid)],
    ['Scenario', orDash(p.scenario)],
    ['Decided by', orDash(p.decidedBy ?? null)],
    ['Contract', orDash(p.profile ?? null)],
    ['Public ID', h('span', { class: 'mono' }, p.publicId)],
    ['User public ID', orDash(p.userPublicId)],
    ['Echo', p.echo === null ? '—' : h('pre', { class: 'code' }, JSON.stringify(p.echo, null, 2))],
  ];
  if (p.cancellations.length > 0) rows.push(['Cancellations', cancellationList(p.cancellations)]);
  return rows.flatMap(([name, value]) => [h('dt', {}, name), h('dd', {}, value)]);
}

/**
 * Each cancellation: when, how much, why, and its id (the webhook that announced it names it).
 * @param {Cancellation[]} cancellations
 */
function cancellationList(cancellations) {
  return h(
    'ol',
    { class: 'cancellations' },
    cancellations.map((c) =>
      h(
        'li',
        { 'data-cancellation': c.cancellationId },
        timeEl(c.cancelledAt),
        ` · ${formatAmount(c.amount)}${c.reason === null ? '' : ` · ${c.reason}`} · `,
        h('span', { class: 'mono' }, c.cancellationId),
      ),
    ),
  );
}
