/**
 * The one after-commit event port: what happened to payments and their
 * webhooks, told once the change is committed. Services, the processor and
 * the dispatcher emit; app.ts subscribes metrics, the event stream and the
 * dispatcher (which wakes up for new webhooks) — nobody fans out by hand.
 */
import type { Cancellation, PaymentProcess } from './payments/payment.js';
import type { AttemptResult, Delivery, NextState } from './store/delivery.repository.js';

/** One webhook attempt, recorded, and where its delivery stands after it. */
export interface DeliveryOutcome {
  delivery: Delivery;
  result: AttemptResult;
  next: NextState;
}

export type EngineEvent =
  | { type: 'accepted'; payment: PaymentProcess }
  /** Finalized by the scheduler or the trigger; each owes its webhook. */
  | { type: 'finalized'; payments: readonly PaymentProcess[] }
  /** Cancelled whole or in part; `cancellations`: all of its parts so far, oldest first. */
  | { type: 'cancelled'; payment: PaymentProcess; cancellations: readonly Cancellation[] }
  | { type: 'attempted'; outcome: DeliveryOutcome };

export type EngineListener = (event: EngineEvent) => void;

export class EngineEvents {
  private readonly listeners: EngineListener[] = [];

  constructor(private readonly onListenerError: (error: unknown) => void = () => undefined) {}

  /** Returns what unsubscribes it (a short-lived listener, such as a test's waitFor). */
  subscribe(listener: EngineListener): () => void {
    this.listeners.push(listener);
    return () => {
      const at = this.listeners.indexOf(listener);
      if (at >= 0) this.listeners.splice(at, 1);
    };
  }

  emit(event: EngineEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (error) {
        // A listener's failure is its own; the change is committed and the others still hear.
        this.onListenerError(error);
      }
    }
  }
}
