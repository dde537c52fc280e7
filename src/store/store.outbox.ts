/**
 * The outbox side of the store: a webhook claimed to be sent now (a re-send,
 * an announcement of a payment not final yet, a store event), each rendered
 * by the payment's profile, and an attempt recorded with its delivery's next
 * state and the payment's webhook fields — together. The Store's own
 * transactions (store.ts) build on it.
 */
import { StatusConflict } from '../errors.js';
import { isFinal, type EventContext, type EventStatus, type PaymentProcess } from '../payments/payment.js';
import { webhookIdFor } from '../webhooks/signing.js';
import * as attempts from './attempt.repository.js';
import * as deliveries from './delivery.repository.js';
import * as payments from './payment.repository.js';
import { ContractQueries } from './store.contract.js';

export class OutboxStore extends ContractQueries {
  /**
   * A final payment's webhook, claimed by the caller to be sent now: the
   * delivery of it that waits for a retry, if there is one (its wait is cut
   * short), otherwise a new MANUAL delivery of the same bytes as the first —
   * also after a DEAD one.
   */
  async resendNow(payment: PaymentProcess): Promise<deliveries.Delivery> {
    const status = payment.status;
    if (!isFinal(status)) throw new StatusConflict(`Payment ${payment.tid} is ${status}; it has no final state to announce yet`);
    // (For a CANCELLED payment, the cancellation is what is announced.)
    const { db } = this.o.database;
    const now = this.o.clock();
    const leaseUntil = now + this.deliveryLeaseMs;
    const by = this.o.instanceId;
    const waiting = await deliveries.claimWaitingDelivery(db, { paymentId: payment.id, eventStatus: status, leaseUntil, by });
    if (waiting) return waiting;
    const announced = await deliveries.firstPayload(db, { paymentId: payment.id, eventStatus: status });
    const fresh = this.deliveryFor(payment, status, 'MANUAL');
    return deliveries.createDelivery(db, {
      ...fresh,
      payload: announced ?? fresh.payload,
      now,
      claimedUntil: leaseUntil,
      claimedBy: by,
    });
  }

  protected deliveryFor(payment: PaymentProcess, status: EventStatus, origin: deliveries.DeliveryOrigin, context?: EventContext) {
    return {
      paymentId: payment.id,
      tid: payment.tid,
      profile: payment.profile,
      webhookId: webhookIdFor(payment.publicId, status),
      eventStatus: status,
      origin,
      mid: payment.mid,
      url: payment.webhookUrl,
      payload: this.o.webhooks.render(payment, status, context),
    };
  }

  /**
   * Announces an event of a payment that is not final — a virtual account
   * issued — through the outbox: a delivery claimed by the caller, who sends
   * it now (or hands it to the dispatcher).
   */
  async announce(payment: PaymentProcess, event: EventStatus): Promise<deliveries.Delivery> {
    const now = this.o.clock();
    return deliveries.createDelivery(this.o.database.db, {
      ...this.deliveryFor(payment, event, 'AUTO'),
      now,
      claimedUntil: now + this.deliveryLeaseMs,
      claimedBy: this.o.instanceId,
    });
  }

  /** A new MANUAL delivery of the same event, bytes and webhook-id as `delivery`, claimed by the caller to send now. */
  resendDelivery(delivery: deliveries.Delivery): Promise<deliveries.Delivery> {
    const now = this.o.clock();
    const { paymentId, tid, profile, webhookId, eventStatus, mid, url, payload } = delivery;
    return deliveries.createDelivery(this.o.database.db, {
      paymentId,
      tid,
      profile,
      webhookId,
      eventStatus,
      origin: 'MANUAL',
      mid,
      url,
      payload,
      now,
      claimedUntil: now + this.deliveryLeaseMs,
      claimedBy: this.o.instanceId,
    });
  }

  /**
   * A webhook about no payment (a billing key issued or deleted) into the
   * outbox, claimed by the caller to send now; retried like any other.
   */
  storeEvent(args: { profile: string; mid: string; url: string; subject: string; event: deliveries.StoreEvent; webhookId: string; payload: string }): Promise<deliveries.Delivery> {
    const now = this.o.clock();
    return deliveries.createDelivery(this.o.database.db, {
      paymentId: null,
      tid: args.subject,
      profile: args.profile,
      webhookId: args.webhookId,
      eventStatus: args.event,
      origin: 'AUTO',
      mid: args.mid,
      url: args.url,
      payload: args.payload,
      now,
      claimedUntil: now + this.deliveryLeaseMs,
      claimedBy: this.o.instanceId,
    });
  }

  /** Logs an attempt, moves its delivery on and updates the payment's webhook fields — together. */
  async completeAttempt(
    delivery: deliveries.Delivery,
    result: deliveries.AttemptResult,
    next: deliveries.NextState,
  ): Promise<boolean> {
    const [held] = await this.completeAttempts([{ delivery, result, next }]);
    return held!;
  }

  /**
   * Many attempts at once (the dispatcher group-commits what finished in the
   * same moment): in one transaction on SQLite, as one statement on PostgreSQL.
   */
  completeAttempts(items: ReadonlyArray<{ delivery: deliveries.Delivery; result: deliveries.AttemptResult; next: deliveries.NextState }>): Promise<boolean[]> {
    // (A store event has no payment to update.)
    const results = items.flatMap(({ delivery, result, next }) =>
      delivery.paymentId === null
        ? []
        : [{ paymentId: delivery.paymentId, responseCode: result.responseCode, deliveredAt: next.state === 'DELIVERED' ? next.at : null }],
    );
    const { db, caps } = this.o.database;
    if (caps.name === 'postgres') return attempts.completeAttemptsAtOnce(db, items, payments.foldWebhookResults(results));
    return db.transaction().execute(async (trx) => {
      const held = await attempts.completeAttempts(trx, items);
      await payments.recordWebhookResults(trx, results);
      return held;
    });
  }

}
