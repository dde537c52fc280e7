/**
 * The store: the one way in to the data. It composes the repositories into
 * transactions — a finalization, its `payments` row and the webhook it owes
 * commit together (the outbox pattern) — and owns identifier generation with
 * its collision retries. Workers, routes and the trigger use nothing else.
 */
import type { Database } from './db/database.js';
import { StoreUnavailable } from './errors.js';
import { makeTid, type ApprovalNumbers, type Snowflake, type TidSuffixSource } from './payments/ids.js';
import type { NewPayment, Outcome, PaymentProcess, PaymentStatus } from './payments/payment.js';
import * as payments from './payments/payment.repository.js';
import type { Clock } from './time.js';
import * as deliveries from './webhooks/delivery.repository.js';
import { webhookBody } from './webhooks/payload.js';

export type { Attempt, AttemptResult, Delivery, DeliveryOrigin, NextState } from './webhooks/delivery.repository.js';

export interface StoreOptions {
  database: Database;
  clock: Clock;
  snowflake: Pick<Snowflake, 'nextBase62'>;
  approvals: Pick<ApprovalNumbers, 'next'>;
  tidSuffix: TidSuffixSource;
  /** How long a claimed delivery stays with its sender before others may take it back. */
  deliveryLeaseMs: number;
}

export interface Decision {
  payment: PaymentProcess;
  outcome: Outcome;
}

export interface Finalized {
  payment: PaymentProcess;
  delivery: deliveries.Delivery;
}

/** A fresh random tid collides with an existing one about once per 10^8/n payments a day; 20 tries in a row cannot all collide unless the day's tids are nearly used up. */
const TID_TRIES = 20;
/** approvalNo collides only between instances issuing in the same millisecond. */
const APPROVAL_TRIES = 5;

export class Store {
  constructor(private readonly o: StoreOptions) {}

  get database(): Database {
    return this.o.database;
  }

  /** Inserts a PENDING payment; a tid collision is retried with a new tid, never surfaced. */
  async acceptPayment(input: NewPayment, webhookUrl: string): Promise<PaymentProcess> {
    const { db, caps } = this.o.database;
    const now = this.o.clock();
    const echo = input.echo === null ? null : JSON.stringify(input.echo);
    const publicId = this.o.snowflake.nextBase62();
    for (let i = 0; i < TID_TRIES; i++) {
      try {
        return await payments.insertPaymentProcess(db, {
          public_id: publicId,
          tid: makeTid(now, this.o.tidSuffix()),
          order_id: input.orderId,
          user_public_id: input.userPublicId,
          amount: input.amount,
          status: 'PENDING',
          echo,
          webhook_url: webhookUrl,
          requested_at: now,
        });
      } catch (error) {
        if (!caps.isUniqueViolation(error, 'payment_processes', 'tid')) throw error;
      }
    }
    throw new StoreUnavailable(`Could not find a free tid for today after ${TID_TRIES} tries`);
  }

  findPayment(tid: string): Promise<PaymentProcess | null> {
    return payments.findPaymentByTid(this.o.database.db, tid);
  }

  claimPending(limit: number): Promise<PaymentProcess[]> {
    const { db, caps } = this.o.database;
    return payments.claimPendingPayments(db, caps, { limit, now: this.o.clock() });
  }

  /**
   * Finalizes each decided payment that is still in one of `from` — with its
   * `payments` row and its webhook delivery — in one transaction. Payments
   * whose compare-and-set lost are left alone and not returned.
   * With `claimDelivery` the deliveries start claimed by the caller.
   */
  async finalize(
    decisions: readonly Decision[],
    opts: { from: readonly PaymentStatus[]; origin: deliveries.DeliveryOrigin; claimDelivery?: boolean },
  ): Promise<Finalized[]> {
    if (decisions.length === 0) return [];
    const { db, caps } = this.o.database;
    for (let attempt = 1; ; attempt++) {
      const now = this.o.clock();
      try {
        return await db.transaction().execute(async (trx) => {
          const done: Finalized[] = [];
          for (const { payment, outcome } of decisions) {
            const approvalNo = outcome.status === 'SUCCESS' ? this.o.approvals.next(now) : null;
            const final = await payments.finalizePaymentProcess(trx, {
              id: payment.id,
              from: opts.from,
              outcome,
              approvalNo,
              now,
            });
            if (final === null) continue;
            await payments.insertFinalPayment(trx, final);
            const delivery = await deliveries.createDelivery(trx, {
              paymentId: final.id,
              tid: final.tid,
              eventStatus: outcome.status,
              origin: opts.origin,
              url: final.webhookUrl,
              payload: JSON.stringify(webhookBody({ ...final, status: outcome.status })),
              now,
              ...(opts.claimDelivery ? { claimedUntil: now + this.o.deliveryLeaseMs } : {}),
            });
            done.push({ payment: final, delivery });
          }
          return done;
        });
      } catch (error) {
        if (attempt >= APPROVAL_TRIES || !caps.isUniqueViolation(error, 'payment_processes', 'approval_no')) throw error;
      }
    }
  }

  /** A new delivery of a final payment's webhook, claimed by the caller (manual re-send). */
  openManualDelivery(payment: PaymentProcess): Promise<deliveries.Delivery> {
    if (payment.status !== 'SUCCESS' && payment.status !== 'FAILED') {
      throw new Error(`payment ${payment.tid} is not final`);
    }
    const now = this.o.clock();
    return deliveries.createDelivery(this.o.database.db, {
      paymentId: payment.id,
      tid: payment.tid,
      eventStatus: payment.status,
      origin: 'MANUAL',
      url: payment.webhookUrl,
      payload: JSON.stringify(webhookBody({ ...payment, status: payment.status })),
      now,
      claimedUntil: now + this.o.deliveryLeaseMs,
    });
  }

  claimDueDeliveries(limit: number): Promise<deliveries.Delivery[]> {
    const { db, caps } = this.o.database;
    const now = this.o.clock();
    return deliveries.claimDueDeliveries(db, caps, { limit, now, leaseUntil: now + this.o.deliveryLeaseMs });
  }

  /** Logs an attempt, moves its delivery on and updates the payment's webhook fields — together. */
  completeAttempt(
    delivery: deliveries.Delivery,
    result: deliveries.AttemptResult,
    next: deliveries.NextState,
  ): Promise<boolean> {
    return this.o.database.db.transaction().execute(async (trx) => {
      const held = await deliveries.completeAttempt(trx, { delivery, result, next });
      await payments.recordWebhookResult(trx, {
        paymentId: delivery.paymentId,
        responseCode: result.responseCode,
        deliveredAt: next.state === 'DELIVERED' ? next.at : null,
      });
      return held;
    });
  }

  listAttempts(paymentId: number): Promise<deliveries.Attempt[]> {
    return deliveries.listAttempts(this.o.database.db, paymentId);
  }

  listDeliveries(paymentId: number): Promise<deliveries.Delivery[]> {
    return deliveries.listDeliveries(this.o.database.db, paymentId);
  }
}
