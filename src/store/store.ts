/**
 * The store: the one way in to the data. It composes the repositories into
 * transactions — a finalization, its `payments` row and the webhook it owes
 * commit together (the outbox pattern); a payment and the Idempotency-Key
 * response that replays it commit together — and owns identifier generation
 * with its collision retries. Workers, routes and the trigger use nothing else.
 */
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import { StatusConflict, StoreUnavailable } from '../errors.js';
import { AcceptQueue } from './accept-queue.js';
import * as browse from './browse.repository.js';
import * as idempotency from './idempotency.repository.js';
import { makeTid, type ApprovalNumbers, type Snowflake, type TidSuffixSource } from '../payments/ids.js';
import { isFinal, type EventStatus, type NewPayment, type Outcome, type PaymentProcess, type PaymentStatus } from '../payments/payment.js';
import { pickDelay, type ScenarioEffect } from '../scenarios/scenario.js';
import type { RandomFor } from '../payments/random.js';
import { scriptedDeliveries } from '../webhooks/outbox-plan.js';
import * as payments from './payment.repository.js';
import * as workers from './worker-id.repository.js';
import type { Clock } from '../time.js';
import { firstAttemptAt, type RetryPolicy } from '../webhooks/backoff.js';
import * as deliveries from './delivery.repository.js';
import { webhookIdFor } from '../webhooks/signing.js';

export type { Attempt, AttemptResult, Delivery, DeliveryOrigin, NextState } from './delivery.repository.js';
export type { BeginResult } from './idempotency.repository.js';
export type { Overview, PaymentFilter } from './browse.repository.js';

export interface StoreOptions {
  database: Database;
  clock: Clock;
  snowflake: Pick<Snowflake, 'nextBase62' | 'setWorkerId'>;
  approvals: Pick<ApprovalNumbers, 'next'> & Partial<Pick<ApprovalNumbers, 'setWorkerId'>>;
  tidSuffix: TidSuffixSource;
  /** How long a claim (a PROCESSING payment; a SENDING webhook beyond its timeout) is held. */
  leaseMs: number;
  /** The webhook request timeout: a delivery's lease is this plus `leaseMs`. */
  webhookTimeoutMs: number;
  retry: RetryPolicy;
  idempotencyTtlMs: number;
  /** Names this process in claims (`claimed_by`) and worker-id leases. */
  instanceId: string;
  /** Renders a payment's webhook in its own contract's words (the profiles). */
  webhooks: WebhookRenderer;
  /** Where a processing delay drawn from a range comes from (seeded runs repeat); default Math.random. */
  delayRandomFor?: RandomFor;
}

/**
 * The port through which the store gets a webhook's body: the bytes the
 * outbox keeps and every attempt, retry and re-send sends.
 */
export interface WebhookRenderer {
  render(payment: PaymentProcess, event: EventStatus): string;
}

export interface Decision {
  payment: PaymentProcess;
  outcome: Outcome;
}

export interface Finalized {
  payment: PaymentProcess;
  /** The (first) webhook delivery it owes. */
  delivery: deliveries.Delivery;
  /** All of them: a `duplicate` scenario owes several of the same webhook. */
  deliveries: deliveries.Delivery[];
}

/** How an accepted payment is to be handled, as its contract, merchant and scenario rule say. */
export interface AcceptPlan {
  /** The wire contract (profile) it came through. */
  profile: string;
  webhookUrl: string;
  mid: string | null;
  scenario: string | null;
  effect: ScenarioEffect | null;
  /** A scripted processing delay; a range is drawn from once the payment's id is known. */
  delay?: DelayRange;
}

/** Identifiers minted for a payment before it is stored (see `acceptWithKey`). */
export interface PaymentIds {
  publicId: string;
  tid: string;
}

/** A Snowflake worker lease whose heartbeat is older than this is free for another process. */
const WORKER_LEASE_MS = 60_000;

/** A fresh random tid collides with an existing one about once per 10^8/n payments a day; 20 tries in a row cannot all collide unless the day's tids are nearly used up. */
const TID_TRIES = 20;
/** approvalNo collides only between instances issuing in the same millisecond. */
const APPROVAL_TRIES = 5;

export class Store {
  private readonly accepts: AcceptQueue;
  private readonly delayRandomFor: RandomFor;

  constructor(private readonly o: StoreOptions) {
    this.accepts = new AcceptQueue({ database: o.database, snowflake: o.snowflake, tidSuffix: o.tidSuffix });
    this.delayRandomFor = o.delayRandomFor ?? (() => Math.random);
  }

  get database(): Database {
    return this.o.database;
  }

  private get deliveryLeaseMs(): number {
    return this.o.webhookTimeoutMs + this.o.leaseMs;
  }

  /** Fresh identifiers for a payment about to be stored. */
  mintIds(now = this.o.clock()): PaymentIds {
    return { publicId: this.o.snowflake.nextBase62(), tid: makeTid(now, this.o.tidSuffix()) };
  }

  private newRow(input: NewPayment, plan: AcceptPlan, now: number) {
    const fixed = plan.delay && plan.delay.minMs === plan.delay.maxMs ? plan.delay.minMs : null;
    return {
      order_id: input.orderId,
      user_public_id: input.userPublicId,
      amount: input.amount,
      status: 'PENDING' as const,
      echo: input.echo === null ? null : JSON.stringify(input.echo),
      webhook_url: plan.webhookUrl,
      requested_at: now,
      mid: plan.mid,
      scenario: plan.scenario,
      effect: plan.effect === null ? null : JSON.stringify(plan.effect),
      process_after: fixed === null ? null : now + fixed,
      profile: plan.profile,
    };
  }

  /**
   * Inserts a PENDING payment and resolves once it is committed; a tid
   * collision is retried with a new tid, never surfaced. Plain payments are
   * group-committed (see accept-queue.ts).
   */
  async acceptPayment(input: NewPayment, plan: AcceptPlan): Promise<PaymentProcess> {
    const now = this.o.clock();
    const row = this.newRow(input, plan, now);
    // The common case: grouped with the other accepts of this moment into one commit.
    if (!plan.delay || row.process_after !== null) return this.accepts.insert(row);
    for (let i = 0; i < TID_TRIES; i++) {
      const stored = await this.insertOne(row, this.mintIds(now), plan.delay, null);
      if (stored !== null) return stored;
    }
    throw new StoreUnavailable(`Could not find a free tid for today after ${TID_TRIES} tries`);
  }

  /**
   * A payment taken with an Idempotency-Key: stored together with the
   * response that replays it (its exact text), under identifiers the caller
   * minted (`mintIds`) and rendered that response with. Null when the tid or
   * public id was taken meanwhile: mint new ones and render again.
   */
  acceptWithKey(
    input: NewPayment,
    plan: AcceptPlan,
    idem: { key: string; ids: PaymentIds; code: number; body: string },
  ): Promise<PaymentProcess | null> {
    const now = this.o.clock();
    return this.insertOne(this.newRow(input, plan, now), idem.ids, plan.delay, idem);
  }

  private async insertOne(
    row: ReturnType<Store['newRow']>,
    ids: PaymentIds,
    delay: DelayRange | undefined,
    idem: { key: string; code: number; body: string } | null,
  ): Promise<PaymentProcess | null> {
    const { db, caps } = this.o.database;
    const values = { ...row, public_id: ids.publicId, tid: ids.tid };
    try {
      return await db.transaction().execute(async (trx) => {
        let payment = await payments.insertPaymentProcess(trx, values);
        if (delay && row.process_after === null) {
          // A delay drawn from a range depends on the payment's id (seeded runs repeat).
          const processAfter = row.requested_at + pickDelay(delay, this.delayRandomFor(payment.id));
          await payments.setProcessAfter(trx, payment.id, processAfter);
          payment = { ...payment, processAfter };
        }
        if (idem) await idempotency.completeKey(trx, { key: idem.key, code: idem.code, body: idem.body, paymentId: payment.id });
        return payment;
      });
    } catch (error) {
      // Leased worker ids keep public ids distinct; should two processes
      // still share one (configured alike), new identifiers are simply taken.
      if (caps.isUniqueViolation(error, 'payment_processes', 'public_id')) return null;
      if (caps.isUniqueViolation(error, 'payment_processes', 'tid')) return null;
      throw error;
    }
  }

  /** Starts a request with an Idempotency-Key: new, a replay, a different request, or one still in flight. */
  async beginIdempotent(key: string, hash: string): Promise<idempotency.BeginResult> {
    const { db, caps } = this.o.database;
    for (let attempt = 1; ; attempt++) {
      try {
        return await db.transaction().execute((trx) =>
          idempotency.beginKey(trx, {
            key,
            hash,
            now: this.o.clock(),
            lockMs: this.o.leaseMs,
            ttlMs: this.o.idempotencyTtlMs,
          }),
        );
      } catch (error) {
        // Two first requests raced to insert the key; the loser looks again.
        if (attempt >= 3 || !caps.isUniqueViolation(error, 'idempotency_keys', 'key')) throw error;
      }
    }
  }

  releaseIdempotencyKey(key: string): Promise<void> {
    return idempotency.releaseKey(this.o.database.db, key);
  }

  sweepIdempotencyKeys(): Promise<number> {
    return idempotency.deleteExpiredKeys(this.o.database.db, this.o.clock());
  }

  /** The worker id this process mints public ids and approval numbers with. */
  setWorkerId(id: number): void {
    this.o.snowflake.setWorkerId(id);
    this.o.approvals.setWorkerId?.(id);
  }

  /** Leases a free Snowflake worker id for this process and starts minting public ids with it. */
  async leaseWorkerId(instanceId = this.o.instanceId): Promise<number> {
    const now = this.o.clock();
    const { db, caps } = this.o.database;
    const id = await db
      .transaction()
      .execute((trx) => workers.leaseWorkerId(trx, caps, { instanceId, now, staleBefore: now - WORKER_LEASE_MS }));
    this.setWorkerId(id);
    return id;
  }

  /** Keeps the lease; if it was lost (a stall longer than the lease), takes a new id. */
  async renewWorkerId(workerId: number, instanceId: string): Promise<number> {
    const held = await workers.renewWorkerId(this.o.database.db, { workerId, instanceId, now: this.o.clock() });
    return held ? workerId : this.leaseWorkerId(instanceId);
  }

  releaseWorkerId(workerId: number, instanceId: string): Promise<void> {
    return workers.releaseWorkerId(this.o.database.db, { workerId, instanceId });
  }

  findPayment(tid: string): Promise<PaymentProcess | null> {
    return payments.findPaymentByTid(this.o.database.db, tid);
  }

  /**
   * Claims up to `limit` payments for processing under one new claim token:
   * first those whose PROCESSING lease ran out (their worker died), then
   * PENDING ones, oldest first.
   */
  async claimPending(limit: number): Promise<{ claimed: PaymentProcess[]; reclaimed: number }> {
    const { db, caps } = this.o.database;
    const now = this.o.clock();
    const token = randomUUID();
    const by = this.o.instanceId;
    const reclaimed = await payments.reclaimExpiredPayments(db, caps, {
      limit,
      now,
      token,
      by,
      startedBefore: now - this.o.leaseMs,
    });
    const fresh =
      reclaimed.length < limit
        ? await payments.claimPendingPayments(db, caps, { limit: limit - reclaimed.length, now, token, by })
        : [];
    return { claimed: [...reclaimed, ...fresh], reclaimed: reclaimed.length };
  }

  /**
   * Finalizes each decided payment that is still in one of `from` — with its
   * `payments` row and its webhook delivery — in one transaction. With
   * `fenced`, a PROCESSING payment must still hold the claim token it was
   * decided under. Payments whose compare-and-set lost are left alone and
   * not returned. With `claimDelivery` the deliveries start claimed by the
   * caller, who sends them now. Each webhook is rendered (by the payment's
   * profile) before the transaction; the outbox keeps those bytes.
   */
  async finalize(
    decisions: readonly Decision[],
    opts: { from: readonly PaymentStatus[]; fenced: boolean; origin: deliveries.DeliveryOrigin; claimDelivery?: boolean },
  ): Promise<Finalized[]> {
    if (decisions.length === 0) return [];
    const { db, caps } = this.o.database;
    for (let attempt = 1; ; attempt++) {
      const now = this.o.clock();
      const planned = decisions.map(({ payment, outcome }) => {
        const approvalNo = outcome.status === 'SUCCESS' ? this.o.approvals.next(now) : null;
        const final = finalState(payment, outcome, approvalNo, now);
        const base = { ...this.deliveryFor(final, outcome.status, opts.origin), now };
        const owed: deliveries.NewDeliveryArgs[] = opts.claimDelivery
          ? [{ ...base, claimedUntil: now + this.deliveryLeaseMs, claimedBy: this.o.instanceId }]
          : scriptedDeliveries(base, payment.effect, this.o.retry);
        return { payment, outcome, approvalNo, owed };
      });
      try {
        return await db.transaction().execute(async (trx) => {
          // Each payment's compare-and-set on its own; their final rows and
          // webhooks in one statement each.
          const won: Array<{ payment: PaymentProcess; owed: deliveries.NewDeliveryArgs[] }> = [];
          for (const { payment, outcome, approvalNo, owed } of planned) {
            const final = await payments.finalizePaymentProcess(trx, {
              id: payment.id,
              from: opts.from,
              ...(opts.fenced ? { claimToken: payment.claimToken ?? '' } : {}),
              outcome,
              approvalNo,
              now,
            });
            if (final !== null) won.push({ payment: final, owed });
          }
          await payments.insertFinalPayments(
            trx,
            won.map((f) => f.payment),
          );
          const made = await deliveries.createDeliveries(trx, won.flatMap((w) => w.owed));
          return won.map(({ payment }) => {
            const own = made.filter((d) => d.paymentId === payment.id);
            return { payment, delivery: own[0]!, deliveries: own };
          });
        });
      } catch (error) {
        if (attempt >= APPROVAL_TRIES || !caps.isUniqueViolation(error, 'payment_processes', 'approval_no')) throw error;
      }
    }
  }

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

  private deliveryFor(payment: PaymentProcess, status: EventStatus, origin: deliveries.DeliveryOrigin) {
    return {
      paymentId: payment.id,
      tid: payment.tid,
      webhookId: webhookIdFor(payment.publicId, status),
      eventStatus: status,
      origin,
      mid: payment.mid,
      url: payment.webhookUrl,
      payload: this.o.webhooks.render(payment, status),
    };
  }

  /**
   * SUCCESS → CANCELLED, with the CANCELLED `payments` record and its webhook,
   * in one transaction. Null when the payment was not SUCCESS (any more).
   */
  async cancel(payment: PaymentProcess): Promise<Finalized | null> {
    const now = this.o.clock();
    const owed = {
      ...this.deliveryFor({ ...payment, status: 'CANCELLED', cancelledAt: now }, 'CANCELLED', 'AUTO'),
      now,
      dueAt: firstAttemptAt(now, this.o.retry),
    };
    return this.o.database.db.transaction().execute(async (trx) => {
      const cancelled = await payments.cancelPaymentProcess(trx, { id: payment.id, now });
      if (cancelled === null) return null;
      await payments.insertFinalPayment(trx, cancelled);
      const delivery = await deliveries.createDelivery(trx, owed);
      return { payment: cancelled, delivery, deliveries: [delivery] };
    });
  }

  /** A webhook was delivered: `reorder` deliveries to its URL made before it are due now. */
  releaseReordered(delivery: deliveries.Delivery): Promise<void> {
    return deliveries.releaseReordered(this.o.database.db, { url: delivery.url, beforeId: delivery.id, now: this.o.clock() });
  }

  /** Empties the store (DELETE /api/admin/data): payments, webhooks, idempotency keys; ids start again at 1. */
  async resetData(): Promise<void> {
    const { db, caps } = this.o.database;
    await db.transaction().execute((trx) =>
      caps.truncate(trx as unknown as Kysely<unknown>, [
        'webhook_attempts',
        'webhook_deliveries',
        'payments',
        'idempotency_keys',
        'payment_processes',
      ]),
    );
  }

  claimDueDeliveries(limit: number): Promise<deliveries.Delivery[]> {
    const { db, caps } = this.o.database;
    const now = this.o.clock();
    return deliveries.claimDueDeliveries(db, caps, {
      limit,
      now,
      leaseUntil: now + this.deliveryLeaseMs,
      by: this.o.instanceId,
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

  /** Many attempts in one transaction (the dispatcher group-commits what finished in the same moment). */
  completeAttempts(items: ReadonlyArray<{ delivery: deliveries.Delivery; result: deliveries.AttemptResult; next: deliveries.NextState }>): Promise<boolean[]> {
    return this.o.database.db.transaction().execute(async (trx) => {
      const held = await deliveries.completeAttempts(trx, items);
      for (const { delivery, result, next } of items) {
        await payments.recordWebhookResult(trx, {
          paymentId: delivery.paymentId,
          responseCode: result.responseCode,
          deliveredAt: next.state === 'DELIVERED' ? next.at : null,
        });
      }
      return held;
    });
  }

  listPayments(filter: browse.PaymentFilter): Promise<PaymentProcess[]> {
    return browse.listPayments(this.o.database.db, filter);
  }

  /** Counts for the dashboard's overview; `minutes` of per-minute throughput. */
  overview(minutes: number): Promise<browse.Overview> {
    const now = this.o.clock();
    return browse.overview(this.o.database.db, { now, since: Math.floor(now / 60_000 - minutes + 1) * 60_000 });
  }

  backlog(): Promise<{ pendingPayments: number; dueDeliveries: number }> {
    return browse.backlog(this.o.database.db, this.o.clock());
  }

  pageFinalPayments(filter: browse.FinalPaymentFilter, page: { offset: number; limit: number | null }) {
    return browse.pageFinalPayments(this.o.database.db, filter, page);
  }

  attemptSummaries(paymentIds: readonly number[]) {
    return browse.attemptSummaries(this.o.database.db, paymentIds);
  }

  listAttempts(paymentId: number): Promise<deliveries.Attempt[]> {
    return deliveries.listAttempts(this.o.database.db, paymentId);
  }

  listDeliveries(paymentId: number): Promise<deliveries.Delivery[]> {
    return deliveries.listDeliveries(this.o.database.db, paymentId);
  }
}

type DelayRange = { minMs: number; maxMs: number };

/** The payment as finalizing it will leave it (what its webhook announces). */
function finalState(payment: PaymentProcess, outcome: Outcome, approvalNo: string | null, now: number): PaymentProcess {
  return {
    ...payment,
    status: outcome.status,
    approvalNo: outcome.status === 'SUCCESS' ? approvalNo : null,
    failReason: outcome.status === 'FAILED' ? outcome.reason : null,
    processedAt: now,
    processingStartedAt: payment.processingStartedAt ?? now,
  };
}
