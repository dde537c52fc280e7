// The live event stream (Server-Sent Events at /api/events), shared by the
// views, and the header's indicator of its state.

import { t } from './i18n.js';

/** @typedef {import('./api.js').TransactionView} TransactionView */

/**
 * @typedef {{ type: 'payment', change: 'accepted' | 'finalized' | 'cancelled', at: number, payment: TransactionView }
 *   | { type: 'webhook', at: number, tid: string, deliveryId: number, attemptNo: number, delivered: boolean,
 *       responseCode: number | null, error: string | null, durationMs: number, state: string }
 *   | { type: 'resync' }} LiveEvent
 * `resync` is also sent when the stream opens or reopens: events may have been missed, so reload what is shown.
 */

/** @typedef {(event: LiveEvent) => void} LiveListener */

/** @type {Set<LiveListener>} */
const listeners = new Set();

/**
 * Listens to every event; returns the function that stops listening.
 * @param {LiveListener} listener
 */
export function onLive(listener) {
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
  };
}

/** @param {LiveEvent} event */
function emit(event) {
  for (const listener of listeners) {
    try {
      listener(event);
    } catch (error) {
      console.error(error);
    }
  }
}

const LABELS = {
  connecting: t('live.connecting'),
  open: t('live.open'),
  reconnecting: t('live.reconnecting'),
};

/**
 * Opens the stream and keeps it open: EventSource reconnects by itself;
 * when it gives up (the stream closed for good), a new one is opened after a pause.
 * @param {HTMLElement} indicator shows the state (data-state and its text)
 * @param {HTMLElement} label
 */
export function connectLive(indicator, label) {
  /** @param {keyof typeof LABELS} state */
  const show = (state) => {
    if (indicator.dataset.state === state) return;
    indicator.dataset.state = state;
    label.textContent = LABELS[state];
  };

  const open = () => {
    const source = new EventSource('/api/events');
    source.addEventListener('open', () => {
      show('open');
      // Whatever happened before the stream was open (or while it was down) was missed.
      emit({ type: 'resync' });
    });
    source.addEventListener('error', () => {
      show('reconnecting');
      if (source.readyState === EventSource.CLOSED) {
        source.close();
        setTimeout(open, 3000);
      }
    });
    source.addEventListener('payment', (e) => {
      const data = parse(e);
      if (data) emit(/** @type {LiveEvent} */ ({ ...data, type: 'payment' }));
    });
    source.addEventListener('webhook', (e) => {
      const data = parse(e);
      if (data) emit(/** @type {LiveEvent} */ ({ ...data, type: 'webhook' }));
    });
    source.addEventListener('resync', () => emit({ type: 'resync' }));
  };
  open();
}

/**
 * @param {MessageEvent} event
 * @returns {Record<string, unknown> | null}
 */
function parse(event) {
  try {
    const data = JSON.parse(String(event.data));
    return typeof data === 'object' && data !== null ? data : null;
  } catch {
    return null;
  }
}
