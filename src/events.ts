/**
 * What happens to payments and webhooks, as a stream for the dashboard and
 * `hamster-pg tail` (Server-Sent Events at /api/events) and for metrics.
 * In-process: each instance tells about the work it does itself.
 */
import type { TransactionView } from './payments/payment.schemas.js';

export type HamsterEvent =
  | {
      type: 'payment';
      /** accepted, finalized (by the scheduler or the trigger), or cancelled. */
      change: 'accepted' | 'finalized' | 'cancelled';
      at: number;
      payment: TransactionView;
    }
  | {
      type: 'webhook';
      at: number;
      tid: string;
      deliveryId: number;
      webhookId: string;
      eventStatus: string;
      attemptNo: number;
      delivered: boolean;
      responseCode: number | null;
      error: string | null;
      durationMs: number;
      /** Where the delivery stands after this attempt. */
      state: 'PENDING' | 'DELIVERED' | 'DEAD';
      /** Time from the final state to this attempt's success, when it delivered. */
      latencyMs: number | null;
    };

export type Listener = (event: HamsterEvent) => void;

export class EventBus {
  private readonly listeners = new Set<Listener>();

  /** True when someone listens: callers skip building events otherwise. */
  get active(): boolean {
    return this.listeners.size > 0;
  }

  on(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(event: HamsterEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch {
        // A listener's failure is its own; the others still hear.
      }
    }
  }
}
