/**
 * The webhook inspector's actions on deliveries, whatever they announce (a
 * payment's event or a store event). One delivery is sent again now and
 * answered with its attempt: a delivery still waiting (PENDING for a retry,
 * or HELD) is claimed and sent itself; otherwise (DELIVERED, DEAD, SENDING)
 * a new MANUAL delivery of the same event — same webhook-id, same bytes —
 * is made and sent. Many, matching a filter, are requeued: put back PENDING,
 * due now, for the dispatcher to send at its own concurrency.
 */
import type { DeliveryOutcome } from '../events.js';
import type { DeliveryFilter } from '../store/store.js';
import type { ServiceDeps } from './services.js';

/** At most this many deliveries are requeued by one call; call again for the rest. */
export const REQUEUE_LIMIT = 1000;

export type RedeliverResult = { kind: 'sent'; resentFrom: number; outcome: DeliveryOutcome } | { kind: 'not-found' };

export async function redeliver(deps: ServiceDeps, deliveryId: number): Promise<RedeliverResult> {
  const original = await deps.store.findDelivery(deliveryId);
  if (original === null) return { kind: 'not-found' };
  const waiting = original.state === 'PENDING' || original.state === 'HELD' ? await deps.store.claimWaitingDelivery(deliveryId) : null;
  const claimed = waiting ?? (await deps.store.resendDelivery(original));
  deps.log.info({ tid: original.tid, deliveryId: claimed.id, resentFrom: original.id }, 'webhook re-sent by hand (inspector)');
  return { kind: 'sent', resentFrom: original.id, outcome: await deps.deliver(claimed) };
}

export interface RequeueMatching {
  state: 'DEAD' | 'HELD';
  filter: DeliveryFilter;
}

/** Requeues up to REQUEUE_LIMIT matching deliveries; answers how many, and how many in that state still match. */
export async function requeueMatching(deps: ServiceDeps, { state, filter }: RequeueMatching): Promise<{ requeued: number; remaining: number }> {
  const requeued = await deps.store.requeueDeliveries({ filter, state, limit: REQUEUE_LIMIT });
  if (requeued > 0) deps.wake();
  const remaining = (await deps.store.countDeliveriesByState(filter))[state];
  deps.log.info({ state, ...filter, requeued, remaining }, 'webhooks requeued by hand (inspector)');
  return { requeued, remaining };
}
