/** The payment services bound to their dependencies: what every profile's routes call. */
import { acceptPayment, type AcceptRequest, type AcceptResult } from './accept.service.js';
import { cancelPayment, type CancelResult } from './cancel.service.js';
import type { DecidedBy, EventStatus, FailReason, FinalStatus, Outcome, PaymentProcess } from './payment.js';
import { settlePayment } from './settle.service.js';
import type { DeliveryOutcome } from '../events.js';
import type { Delivery, DeliveryOrigin } from '../store/delivery.repository.js';
import { redeliver, requeueMatching, type RedeliverResult, type RequeueMatching } from './redeliver.service.js';
import { requeueWebhook, resendWebhook, type BelongsTo, type RequeueResult, type ResendResult } from './resend.service.js';
import type { ServiceDeps } from './services.js';
import type { CancelRequest } from '../store/store.js';
import { triggerWebhook, type TriggerResult } from './trigger.service.js';

export class PaymentServices {
  constructor(readonly deps: ServiceDeps) {}

  accept(req: AcceptRequest): Promise<AcceptResult> {
    return acceptPayment(this.deps, req);
  }

  /** Cancels all that is left of a SUCCESS payment, or `req.amount` of it. */
  cancel(tid: string, belongsTo?: BelongsTo, req?: CancelRequest): Promise<CancelResult> {
    return cancelPayment(this.deps, tid, belongsTo, req);
  }

  trigger(args: { tid: string; status: FinalStatus; reason: FailReason | null }): Promise<TriggerResult> {
    return triggerWebhook(this.deps, args);
  }

  /** Sends the webhook again now and answers with the attempt. */
  resend(tid: string): Promise<ResendResult> {
    return resendWebhook(this.deps, tid);
  }

  /** Sends the webhook again in the background (through the outbox: a stop or a crash cannot lose it). */
  requeue(tid: string, belongsTo: BelongsTo): Promise<RequeueResult> {
    return requeueWebhook(this.deps, tid, belongsTo);
  }

  /** Finalizes a payment that is not final yet to `outcome` now (a contract whose PG answers at once). */
  settle(payment: PaymentProcess, outcome: Outcome, opts?: { decidedBy?: DecidedBy; origin?: DeliveryOrigin }): Promise<PaymentProcess> {
    return settlePayment(this.deps, payment, outcome, opts);
  }

  /** Announces an event of a payment that is not final (a virtual account issued), sent in the background through the outbox. */
  async announce(payment: PaymentProcess, event: EventStatus): Promise<void> {
    const delivery = await this.deps.store.announce(payment, event);
    this.deps.dispatch(delivery);
  }

  /** Announces a store event (a billing key issued or deleted) through the outbox, sent in the background. */
  async announceStoreEvent(args: Parameters<ServiceDeps['store']['storeEvent']>[0]): Promise<void> {
    const delivery = await this.deps.store.storeEvent(args);
    this.deps.log.info({ subject: args.subject, event: args.event, mid: args.mid }, 'store event announced');
    this.deps.dispatch(delivery);
  }

  /** Sends one of a payment's webhooks again now (a new MANUAL delivery of the same bytes) and answers with the attempt. */
  async resendDelivery(delivery: Delivery): Promise<DeliveryOutcome> {
    const copy = await this.deps.store.resendDelivery(delivery);
    return this.deps.deliver(copy);
  }

  /** The inspector: one delivery (by id) sent again now, answered with the attempt. */
  redeliver(deliveryId: number): Promise<RedeliverResult> {
    return redeliver(this.deps, deliveryId);
  }

  /** The inspector: DEAD or HELD deliveries matching a filter back in the queue (bounded per call). */
  requeueMatching(args: RequeueMatching): Promise<{ requeued: number; remaining: number }> {
    return requeueMatching(this.deps, args);
  }

  find(tid: string): Promise<PaymentProcess | null> {
    return this.deps.store.findPayment(tid);
  }
}
