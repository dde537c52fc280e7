/**
 * The store's single-statement operations: one repository call each (a
 * lookup, a list, a claim, a lease), bound to the database and the clock.
 * The multi-table transactions — what must commit together — are the
 * Store's own (store.ts), which builds on this.
 */
import { randomUUID } from 'node:crypto';
import type { Database } from '../db/database.js';
import type { ApprovalNumbers, Snowflake, TidSuffixSource } from '../payments/ids.js';
import { makeTid } from '../payments/ids.js';
import type { Cancellation, DecidedBy, EventContext, EventStatus, Outcome, PaymentProcess } from '../payments/payment.js';
import type { RandomFor } from '../payments/random.js';
import type { ScenarioEffect } from '../scenarios/scenario.js';
import type { Clock } from '../time.js';
import type { RetryPolicy } from '../webhooks/backoff.js';
import * as attempts from './attempt.repository.js';
import * as browse from './browse.repository.js';
import * as deliveries from './delivery.repository.js';
import * as idempotency from './idempotency.repository.js';
import * as inspector from './inspector.repository.js';
import * as payments from './payment.repository.js';
import * as workers from './worker-id.repository.js';

export type { Attempt, AttemptResult, Delivery, DeliveryOrigin, NextState } from './delivery.repository.js';
export type { BeginResult } from './idempotency.repository.js';
export type { DeliveryFilter } from './inspector.repository.js';
export type { Overview, PaymentFilter } from './browse.repository.js';
export type { BillingKeyRecord, ContractFilter, PreRegistration, StatusCondition } from './contract.repository.js';

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
  render(payment: PaymentProcess, event: EventStatus, context?: EventContext): string;
}

/** A cancellation as a contract asks for it; absent amount: all that is left. */
export interface CancelRequest {
  amount?: number | null;
  taxFreeAmount?: number;
  vatAmount?: number | null;
  reason?: string | null;
  /** Announce it by no webhook (PortOne's skipWebhook). */
  skipWebhook?: boolean;
}

export interface Cancelled {
  payment: PaymentProcess;
  cancellation: Cancellation;
  /** The webhook it owes, unless skipped. */
  delivery: deliveries.Delivery | null;
}

export interface Decision {
  payment: PaymentProcess;
  outcome: Outcome;
  /** Who decided, when not the usual (the trigger; else the rule or the success rate): a contract's test card. */
  decidedBy?: DecidedBy;
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

/** A scripted processing delay: fixed when both ends are equal. */
export type DelayRange = { minMs: number; maxMs: number };

/** A Snowflake worker lease whose heartbeat is older than this is free for another process. */
const WORKER_LEASE_MS = 60_000;

export class StoreQueries {
  constructor(protected readonly o: StoreOptions) {}

  get database(): Database {
    return this.o.database;
  }

  protected get deliveryLeaseMs(): number {
    return this.o.webhookTimeoutMs + this.o.leaseMs;
  }

  /** Fresh identifiers for a payment about to be stored. */
  mintIds(now = this.o.clock()): PaymentIds {
    return { publicId: this.o.snowflake.nextBase62(), tid: makeTid(now, this.o.tidSuffix()) };
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

  /** A webhook was delivered: `reorder` deliveries to its URL made before it are due now. */
  releaseReordered(delivery: deliveries.Delivery): Promise<void> {
    return deliveries.releaseReordered(this.o.database.db, { url: delivery.url, beforeId: delivery.id, now: this.o.clock() });
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
    return attempts.listAttempts(this.o.database.db, paymentId);
  }

  listDeliveries(paymentId: number): Promise<deliveries.Delivery[]> {
    return deliveries.listDeliveries(this.o.database.db, paymentId);
  }

  // The webhook inspector (inspector.repository.ts): deliveries across payments, one by id, requeues.
  listDeliveriesAcross(f: Parameters<typeof inspector.listAcross>[1]): Promise<deliveries.Delivery[]> {
    return inspector.listAcross(this.o.database.db, f);
  }
  countDeliveriesByState(f: inspector.DeliveryFilter): Promise<Record<deliveries.DeliveryState, number>> {
    return inspector.countByState(this.o.database.db, f);
  }
  findDelivery(id: number): Promise<deliveries.Delivery | null> {
    return inspector.findDelivery(this.o.database.db, id);
  }
  listDeliveryAttempts(deliveryId: number): Promise<deliveries.Attempt[]> {
    return attempts.listDeliveryAttempts(this.o.database.db, deliveryId);
  }
  /** Claims this delivery now if it waits (PENDING or HELD), for the caller to send. */
  claimWaitingDelivery(id: number): Promise<deliveries.Delivery | null> {
    return inspector.claimWaiting(this.o.database.db, { id, leaseUntil: this.o.clock() + this.deliveryLeaseMs, by: this.o.instanceId });
  }
  requeueDeliveries(args: { filter: inspector.DeliveryFilter; state: 'DEAD' | 'HELD'; limit: number }): Promise<number> {
    const { db, caps } = this.o.database;
    return inspector.requeue(db, caps, { ...args, now: this.o.clock() });
  }
}
