/**
 * What metrics and the event stream (/api/events) make of the engine's
 * after-commit events. Each is one listener on the event port; app.ts
 * subscribes them (and the dispatcher) once.
 */
import type { EngineEvent, EngineListener } from '../events.js';
import type { Cancellation, PaymentProcess } from '../payments/payment.js';
import { isDelivered } from '../webhooks/backoff.js';
import { paymentView } from './browse.routes.js';
import type { EventBus } from './event-stream.js';
import type { Metrics } from './metrics.js';

/** Counters and histograms: payments accepted and finalized, webhook attempts and their latency. */
export function metricsListener(metrics: Metrics): EngineListener {
  return (event) => {
    switch (event.type) {
      case 'accepted':
        return metrics.paymentAccepted();
      case 'finalized':
        for (const payment of event.payments) metrics.paymentFinalized(payment.status);
        return;
      case 'cancelled':
        return metrics.paymentFinalized('CANCELLED');
      case 'attempted':
        return metrics.webhookAttempt(event.outcome.result.responseCode, latencyOf(event));
    }
  };
}

/** The live stream: built only while someone listens (an open /api/events). */
export function streamListener(stream: EventBus): EngineListener {
  const payment = (change: 'accepted' | 'finalized' | 'cancelled', p: PaymentProcess, cancellations: readonly Cancellation[]) =>
    stream.emit({ type: 'payment', change, at: Date.now(), payment: paymentView(p, cancellations) });
  return (event) => {
    if (!stream.active) return;
    switch (event.type) {
      // Only a SUCCESS payment has cancellations: one accepted or finalized just now has none.
      case 'accepted':
        return payment(event.type, event.payment, []);
      case 'cancelled':
        return payment(event.type, event.payment, event.cancellations);
      case 'finalized':
        for (const p of event.payments) payment('finalized', p, []);
        return;
      case 'attempted': {
        const { delivery, result, next } = event.outcome;
        stream.emit({
          type: 'webhook',
          at: Date.now(),
          tid: delivery.tid,
          deliveryId: delivery.id,
          webhookId: delivery.webhookId,
          eventStatus: delivery.eventStatus,
          attemptNo: delivery.attemptCount,
          delivered: isDelivered(result),
          responseCode: result.responseCode,
          error: result.error,
          durationMs: result.durationMs,
          state: next.state,
          latencyMs: latencyOf(event),
        });
        return;
      }
    }
  };
}

/** From the final state to a delivered attempt's answer; null when it was not delivered. */
function latencyOf(event: Extract<EngineEvent, { type: 'attempted' }>): number | null {
  const { delivery, result } = event.outcome;
  return isDelivered(result) ? Math.max(0, result.attemptedAt + result.durationMs - delivery.createdAt) : null;
}
