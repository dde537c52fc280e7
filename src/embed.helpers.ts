/**
 * The test helpers of startHamsterPg: wait for a payment's status, trigger,
 * cancel, empty the store. They take engine tids, whichever contract took the
 * payment (seed transactionId, hamster-world tid, PortOne pgTxId without `pg_`),
 * and throw an Error saying what is wrong instead of returning a result union.
 */
import type { App } from './app.js';
import { closestName } from './config.js';
import type { EngineEvent } from './events.js';
import { FAIL_REASONS, PAYMENT_STATUSES, type Cancellation, type FailReason, type FinalStatus, type PaymentProcess, type PaymentStatus } from './payments/payment.js';

export interface WaitForOptions {
  /** How long to wait, in ms (default 10000). */
  timeoutMs?: number;
}

export interface TriggerOptions {
  /** With FAILED: why (default INSUFFICIENT_BALANCE); given for a FAILED payment, it must be the reason it failed for. */
  reason?: FailReason;
}

export interface CancelOptions {
  /** Cancel this much (a part); left out: all that is left. */
  amount?: number;
  reason?: string;
}

export interface CancelOutcome {
  /** The payment after it: SUCCESS with cancelledAmount while a part is left, CANCELLED when nothing is. */
  payment: PaymentProcess;
  cancellation: Cancellation;
}

/** What each status can still become (PROCESSING may go back to PENDING when its claim lapses). */
const LATER: Record<PaymentStatus, readonly PaymentStatus[]> = {
  PENDING: ['PROCESSING', 'SUCCESS', 'FAILED', 'CANCELLED'],
  PROCESSING: ['PENDING', 'SUCCESS', 'FAILED', 'CANCELLED'],
  SUCCESS: ['CANCELLED'],
  FAILED: [],
  CANCELLED: [],
};

/** Also looks now and then: a change made by another instance on the same database has no event here. */
const LOOK_EVERY_MS = 200;

function describe(p: PaymentProcess | null | undefined): string {
  if (p === undefined) return 'its status was not read yet';
  if (p === null) return 'there is no payment with this tid';
  if (p.status === 'FAILED') return `it is FAILED (${p.failReason ?? 'no reason'})`;
  if (p.status === 'SUCCESS' && p.cancelledAmount > 0) return `it is SUCCESS, ${p.cancelledAmount} of ${p.amount} cancelled`;
  return `it is ${p.status}`;
}

function checkStatus(status: string, known: readonly string[], what: string): void {
  if (known.includes(status)) return;
  const hint = closestName(status, known);
  throw new TypeError(`${what}: unknown status ${status}${hint ? ` (did you mean ${hint}?)` : ''}; one of ${known.join(', ')}`);
}

function mentions(event: EngineEvent, tid: string): PaymentProcess | null {
  if (event.type === 'finalized') return event.payments.find((p) => p.tid === tid) ?? null;
  if (event.type === 'cancelled' || event.type === 'accepted') return event.payment.tid === tid ? event.payment : null;
  return null;
}

/** Resolves with the payment once its status is `wanted`; rejects at the timeout, when it can no longer become it, or at stop(). */
export function waitFor(app: App, stopped: AbortSignal, tid: string, wanted: PaymentStatus, options: WaitForOptions = {}): Promise<PaymentProcess> {
  checkStatus(wanted, PAYMENT_STATUSES, 'waitFor');
  const timeoutMs = options.timeoutMs ?? 10_000;
  if (stopped.aborted) return Promise.reject(new Error(`waitFor: hamster-pg is stopped (payment ${tid})`));
  return new Promise((resolve, reject) => {
    let last: PaymentProcess | null | undefined;
    let done = false;
    const finish = (error: Error | null) => {
      if (done) return;
      done = true;
      unsubscribe();
      stopped.removeEventListener('abort', onStop);
      clearTimeout(timer);
      clearInterval(look);
      if (error) reject(error);
      else resolve(last as PaymentProcess);
    };
    const see = (p: PaymentProcess | null) => {
      if (done) return;
      last = p;
      if (p === null) return;
      if (p.status === wanted) finish(null);
      else if (!LATER[p.status].includes(wanted)) finish(new Error(`waitFor: payment ${tid} will not become ${wanted}: ${describe(p)}`));
    };
    const lookUp = () => {
      if (!stopped.aborted) app.services.find(tid).then(see, (error: unknown) => finish(error instanceof Error ? error : new Error(String(error))));
    };
    const onStop = () => finish(new Error(`waitFor: hamster-pg was stopped while payment ${tid} was awaited as ${wanted}; ${describe(last)}`));
    stopped.addEventListener('abort', onStop);
    const unsubscribe = app.engineEvents.subscribe((event) => {
      const p = mentions(event, tid);
      if (p !== null) see(p);
    });
    const timer = setTimeout(() => {
      // One last look, so the message names the status as it is now.
      void app.services.find(tid).then(
        (p) => {
          if (p?.status === wanted) return see(p);
          finish(new Error(`waitFor: payment ${tid} did not become ${wanted} within ${timeoutMs} ms; ${describe(p)}`));
        },
        () => finish(new Error(`waitFor: payment ${tid} did not become ${wanted} within ${timeoutMs} ms; ${describe(last)}`)),
      );
    }, timeoutMs);
    const look = setInterval(lookUp, LOOK_EVERY_MS);
    lookUp();
  });
}

/** The manual trigger: finalizes a payment not final yet to `status` and sends its webhook now (or sends it again). */
export async function trigger(app: App, tid: string, status: FinalStatus, options: TriggerOptions = {}): Promise<PaymentProcess> {
  checkStatus(status, ['SUCCESS', 'FAILED'], 'trigger');
  if (options.reason !== undefined) checkStatus(options.reason, FAIL_REASONS, 'trigger reason');
  if (options.reason !== undefined && status !== 'FAILED') throw new TypeError('trigger: a reason goes only with FAILED');
  const result = await app.services.trigger({ tid, status, reason: options.reason ?? null });
  if (result.kind === 'not-found') throw new Error(`trigger: there is no payment ${tid}`);
  if (result.kind === 'conflict') throw new Error(`trigger: ${result.detail}`);
  return result.payment;
}

/** Cancels a SUCCESS payment, whole or in part, and sends its webhook before resolving. */
export async function cancel(app: App, tid: string, options: CancelOptions = {}): Promise<CancelOutcome> {
  const result = await app.services.cancel(tid, undefined, { amount: options.amount ?? null, reason: options.reason ?? null });
  switch (result.kind) {
    case 'not-found':
      throw new Error(`cancel: there is no payment ${tid}`);
    case 'not-cancellable':
      throw new Error(`cancel: payment ${tid} cannot be cancelled: ${describe(result.payment)} (only a SUCCESS payment can)`);
    case 'exceeds':
      throw new Error(`cancel: ${result.amount} is more than the ${result.left} left to cancel of payment ${tid}`);
    case 'invalid-amount':
      throw new Error(`cancel: ${result.amount} is not an amount to cancel (above zero; a part in whole units)`);
    case 'cancelled':
      // The webhook is in the outbox: send what is due now, so webhooks() has it.
      if (result.delivery !== null) await app.dispatcher.runOnce();
      return { payment: result.payment, cancellation: result.cancellation };
  }
}
