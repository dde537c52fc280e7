// One transaction: its fields (with its cancellations), a timeline
// (timeline.js), and the test actions (trigger, deposit, re-send, cancel —
// whole or a part). It reloads itself on live events for its tid.

import { ApiError, cancel, deposit, getTransaction, getWebhooks, resend, trigger } from './api.js';
import { badge, debounce, formatAmount, formatTime, h, orDash, timeEl } from './dom.js';
import { t, tIf, tParts } from './i18n.js';
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
    label: t('act.triggerSuccess'),
    applies: (p) => ['PENDING', 'PROCESSING', 'SUCCESS'].includes(p.status),
    run: async (tid) => {
      const r = await trigger(tid, 'SUCCESS');
      return t(r.finalizedNow ? 'act.finalizedSuccess' : 'act.alreadySuccess', { sent: sent(r.webhook) });
    },
  },
  {
    label: t('act.triggerFailed'),
    applies: (p) => ['PENDING', 'PROCESSING', 'FAILED'].includes(p.status),
    run: async (tid, inputs) => {
      const r = await trigger(tid, 'FAILED', inputs.failReason);
      return r.finalizedNow
        ? t('act.finalizedFailed', { reason: r.failReason ?? t('act.noReason'), sent: sent(r.webhook) })
        : t('act.alreadyFailed', { sent: sent(r.webhook) });
    },
  },
  {
    label: t('act.deposit'),
    applies: (p) => p.profile === 'portone' && p.echo?.method === 'VIRTUAL_ACCOUNT' && ['PENDING', 'PROCESSING'].includes(p.status),
    run: async (tid) => t('act.deposited', { sent: sent((await deposit(tid)).webhook) }),
  },
  {
    label: t('act.resend'),
    applies: (p) => FINAL.has(p.status),
    run: async (tid) => t('act.resent', { sent: sent((await resend(tid)).webhook) }),
  },
  {
    label: t('act.cancel'),
    applies: (p) => p.status === 'SUCCESS',
    confirm: (p, inputs) => {
      const text = inputs.cancelAmount.trim();
      const left = formatAmount(p.remainingAmount ?? p.amount);
      return text === '' ? t('act.confirmAll', { tid: p.tid, left }) : t('act.confirmPart', { tid: p.tid, amount: formatAmount(Number(text)), left });
    },
    run: async (tid, inputs) => {
      const text = inputs.cancelAmount.trim();
      const p = await cancel(tid, text === '' ? null : Number(text));
      if (p.status === 'CANCELLED') return t('act.cancelledAll');
      const part = p.cancellations.at(-1);
      return t('act.cancelledPart', { amount: formatAmount(part?.amount ?? 0), left: formatAmount(p.remainingAmount) });
    },
  },
];

/**
 * What an attempt made by an action did, in words.
 * @param {SentWebhook} w
 */
function sent(w) {
  const code = String(w.responseCode);
  const outcome = w.delivered
    ? t('act.answeredDelivered', { code })
    : w.responseCode !== null
      ? t('act.answered', { code })
      : t('act.failed', { error: w.error ?? t('act.noAnswer') });
  const params = { delivery: String(w.deliveryId), attempt: w.attemptNo, outcome, ms: w.durationMs, state: w.state };
  return w.nextAttemptAt ? t('act.sentNext', { ...params, next: formatTime(w.nextAttemptAt) }) : t('act.sent', params);
}

/**
 * @param {{ backHash: () => string }} options
 */
export function createTransactionView(options) {
  const heading = h('h1', { tabindex: '-1' });
  const back = h('a', { href: '#/', class: 'back' }, t('tx.back'));
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
    placeholder: t('tx.cancelAll'),
    disabled: true,
  });
  const failReason = h(
    'select',
    { id: 'fail-reason', disabled: true },
    FAIL_REASONS.map((reason) => h('option', { value: reason }, reason)),
  );
  const confirmText = h('p', { class: 'confirm-text' });
  const confirmYes = h('button', { type: 'button', class: 'button button-danger' }, t('tx.confirmYes'));
  const confirmNo = h('button', { type: 'button', class: 'button' }, t('tx.confirmNo'));
  const confirmBox = h('div', { class: 'confirm', role: 'alertdialog', 'aria-labelledby': 'confirm-text', hidden: true }, confirmText, h('div', { class: 'button-row' }, confirmYes, confirmNo));
  confirmText.id = 'confirm-text';
  const actions = h(
    'section',
    { class: 'card actions', 'aria-labelledby': 'actions-heading' },
    h('h2', { id: 'actions-heading' }, t('tx.actions')),
    h('div', { class: 'button-row' }, buttons),
    confirmBox,
    h('div', { class: 'field fail-reason' }, h('label', { for: 'fail-reason' }, t('tx.failReason')), failReason),
    h('div', { class: 'field cancel-amount' }, h('label', { for: 'cancel-amount' }, t('tx.cancelAmount')), cancelAmount),
    h('p', { class: 'hint' }, t('tx.hint')),
    message,
  );
  const details = h('dl', { class: 'fields' });
  const timeline = h('ol', { class: 'timeline' });
  const problem = h('p', { class: 'msg msg-error', role: 'alert', hidden: true });
  const body = h(
    'div',
    { class: 'tx-grid' },
    h('section', { class: 'card', 'aria-labelledby': 'details-heading' }, h('h2', { id: 'details-heading' }, t('common.details')), details),
    h('section', { class: 'card', 'aria-labelledby': 'timeline-heading' }, h('h2', { id: 'timeline-heading' }, t('tx.timeline')), timeline),
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
      problem.textContent = e instanceof ApiError && e.status === 404 ? t('tx.notFound', { tid }) : t('tx.loadFailed', { tid, message: errorText(e) });
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
    heading.replaceChildren(...tParts('tx.headingStatus', { tid: h('span', { class: 'mono' }, p.tid), status: badge(p.status) }));
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
    message.textContent = t('tx.running', { action: action.label });
    try {
      const text = await action.run(tid, inputs());
      cancelAmount.value = '';
      message.className = 'msg msg-ok';
      message.textContent = text;
    } catch (e) {
      message.className = 'msg msg-error';
      message.textContent = t('tx.actionFailed', { action: action.label, message: errorText(e) });
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
        heading.replaceChildren(...tParts('tx.heading', { tid: h('span', { class: 'mono' }, tid) }));
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
    [t('field.tid'), h('span', { class: 'mono' }, p.tid)],
    [t('field.orderId'), p.orderId],
    [t('field.amount'), formatAmount(p.amount)],
    ...(p.cancelledAmount > 0
      ? /** @type {[string, Node | string][]} */ ([
          [t('tx.cancelled'), formatAmount(p.cancelledAmount)],
          [t('tx.remaining'), formatAmount(p.remainingAmount)],
        ])
      : []),
    [t('field.status'), badge(p.status)],
    [t('tx.approvalNo'), orDash(p.approvalNo)],
    [t('tx.failReasonField'), orDash(p.failReason)],
    [t('field.requestedAt'), timeEl(p.requestedAt)],
    [t('tx.processingStarted'), timeEl(p.processingStartedAt)],
    [t('tx.processedAt'), timeEl(p.processedAt)],
    [t('tx.cancelledAt'), timeEl(p.cancelledAt)],
    [t('tx.webhookSentAt'), timeEl(p.webhookSentAt)],
    [t('tx.webhookResponse'), p.webhookResponseCode === null ? '—' : `HTTP ${p.webhookResponseCode}`],
    [t('field.mid'), orDash(p.mid)],
    [t('field.scenario'), orDash(p.scenario)],
    [t('tx.decidedBy'), decidedBy(p.decidedBy ?? null)],
    [t('field.contract'), orDash(p.profile ?? null)],
    [t('tx.publicId'), h('span', { class: 'mono' }, p.publicId)],
    [t('tx.userPublicId'), orDash(p.userPublicId)],
    [t('tx.echo'), p.echo === null ? '—' : h('pre', { class: 'code' }, JSON.stringify(p.echo, null, 2))],
  ];
  if (p.cancellations.length > 0) rows.push([t('tx.cancellations'), cancellationList(p.cancellations)]);
  return rows.flatMap(([name, value]) => [h('dt', {}, name), h('dd', {}, value)]);
}

/**
 * Who decided the outcome, in words, with the API's value (`decidedBy`) beside them.
 * @param {string | null} code
 */
function decidedBy(code) {
  if (code === null) return '—';
  const label = tIf(`decided.${code}`);
  return label === null ? code : t('decided.value', { label, code });
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
