/**
 * The store: the one way in to the data. It composes the repositories into
 * transactions — a finalization, its `payments` row and the webhook it owes
 * commit together (the outbox pattern); a payment and the Idempotency-Key
 * response that replays it commit together — and owns identifier generation
 * with its collision retries. Workers, routes and the trigger use nothing else.
 */
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { StoreUnavailable } from '../errors.js';
import { type Cancellation, type NewPayment, type Outcome, type PaymentProcess, type PaymentStatus } from '../payments/payment.js';
import type { RandomFor } from '../payments/random.js';
import { pickDelay } from '../scenarios/scenario.js';
import { firstAttemptAt } from '../webhooks/backoff.js';
import { scriptedDeliveries } from '../webhooks/outbox-plan.js';
import { webhookIdFor } from '../webhooks/signing.js';
import { AcceptQueue } from './accept-queue.js';
import { finalizePicked } from './bulk.sql.js';
import { newPaymentRow } from './payment.rows.js';
import { decider, finalState, withDeliveries } from './finalization.js';
import * as cancellations from './cancellation.repository.js';
import * as deliveries from './delivery.repository.js';
import * as finalPayments from './final-payment.repository.js';
import * as idempotency from './idempotency.repository.js';
import * as payments from './payment.repository.js';
import { OutboxStore } from './store.outbox.js';
import { type AcceptPlan, type Cancelled, type CancelRequest, type Decision, type Finalized, type PaymentIds, type DelayRange, type StoreOptions } from './store.base.js';

export * from './store.base.js';

/** A fresh random tid collides with an existing one about once per 10^8/n payments a day; 20 tries in a row cannot all collide unless the day's tids are nearly used up. */
const TID_TRIES = 20;
/** approvalNo collides only between instances issuing in the same millisecond. */
const APPROVAL_TRIES = 5;

export class Store extends OutboxStore {
  private readonly accepts: AcceptQueue;
  private readonly delayRandomFor: RandomFor;

  constructor(o: StoreOptions) {
    super(o);
    this.accepts = new AcceptQueue({ database: o.database, snowflake: o.snowflake, tidSuffix: o.tidSuffix });
    this.delayRandomFor = o.delayRandomFor ?? (() => Math.random);
  }

  /**
   * Inserts a PENDING payment and resolves once it is committed; a tid
   * collision is retried with a new tid, never surfaced. Plain payments are
   * group-committed (see accept-queue.ts).
   */
  async acceptPayment(input: NewPayment, plan: AcceptPlan): Promise<PaymentProcess> {
    const now = this.o.clock();
    const row = newPaymentRow(input, plan, now);
    // The common case: grouped with the other accepts of this moment into one commit.
    if (!plan.delay || row.process_after !== null) return this.accepts.insert(row, input.echo);
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
    return this.insertOne(newPaymentRow(input, plan, now), idem.ids, plan.delay, idem);
  }

  private async insertOne(
    row: ReturnType<typeof newPaymentRow>,
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
      const planned = decisions.map(({ payment, outcome, decidedBy }) => {
        const approvalNo = outcome.status === 'SUCCESS' ? this.o.approvals.next(now) : null;
        const final = finalState(payment, outcome, approvalNo, now);
        const base = { ...this.deliveryFor(final, outcome.status, opts.origin), now };
        const owed: deliveries.NewDeliveryArgs[] = opts.claimDelivery
          ? [{ ...base, claimedUntil: now + this.deliveryLeaseMs, claimedBy: this.o.instanceId }]
          : scriptedDeliveries(base, payment.effect, this.o.retry);
        return { payment, outcome, approvalNo, owed, decidedBy: decidedBy ?? decider(payment, opts.origin) };
      });
      try {
        return await db.transaction().execute(async (trx) => {
          // Each payment's compare-and-set on its own; their final rows and
          // webhooks in one statement each.
          const won: Array<{ payment: PaymentProcess; owed: deliveries.NewDeliveryArgs[] }> = [];
          for (const { payment, outcome, approvalNo, owed, decidedBy } of planned) {
            const final = await payments.finalizePaymentProcess(trx, {
              id: payment.id,
              from: opts.from,
              ...(opts.fenced ? { claimToken: payment.claimToken ?? '' } : {}),
              outcome,
              approvalNo,
              now,
              decidedBy,
            });
            if (final !== null) won.push({ payment: final, owed });
          }
          await finalPayments.insertFinalPayments(
            trx,
            won.map((f) => f.payment),
          );
          const made = await deliveries.createDeliveries(trx, won.flatMap((w) => w.owed));
          return withDeliveries(
            won.map((w) => w.payment),
            made,
          );
        });
      } catch (error) {
        if (attempt >= APPROVAL_TRIES || !caps.isUniqueViolation(error, 'payment_processes', 'approval_no')) throw error;
      }
    }
  }

  /**
   * The scheduler's pass over one batch, in one transaction: read up to
   * `limit` payments — first PROCESSING ones whose claim lapsed (their worker
   * died), then due PENDING ones, oldest first — decide each as claimed by
   * this pass, and finalize them in one set-based UPDATE that is also the
   * claim: a compare-and-set on the status and claim token each was read
   * with, stamping the new token, claimant and processing start. Their
   * `payments` rows and webhook deliveries go in the same transaction. The
   * claim and the outcome commit together, so PROCESSING is never left
   * behind by this path (the step-by-step claimPending still makes it, and a
   * stopped worker's PROCESSING rows are taken back here). Up to `handOff`
   * deliveries due now start claimed by this instance: the caller sends them
   * at once.
   */
  async processBatch(
    limit: number,
    decide: (payment: PaymentProcess) => Outcome,
    handOff: number,
  ): Promise<{ claimed: number; reclaimed: PaymentProcess[]; finalized: Finalized[] }> {
    const { db, caps } = this.o.database;
    for (let attempt = 1; ; attempt++) {
      try {
        return await db.transaction().execute(async (trx) => {
          const now = this.o.clock();
          const token = randomUUID();
          const by = this.o.instanceId;
          const { lapsed, due } = await payments.pickDuePayments(trx, caps, { limit, now, startedBefore: now - this.o.leaseMs });
          const picked = lapsed.length === 0 ? due : [...lapsed, ...due];
          if (picked.length === 0) return { claimed: 0, reclaimed: lapsed, finalized: [] };
          let free = handOff;
          const leaseUntil = now + this.deliveryLeaseMs;
          const planned = picked.map((read) => {
            // Decided as claimed: PROCESSING since now, under this claim.
            const payment: PaymentProcess = { ...read, status: 'PROCESSING', processingStartedAt: now, claimToken: token };
            const outcome = decide(payment);
            const approvalNo = outcome.status === 'SUCCESS' ? this.o.approvals.next(now) : null;
            const final = finalState(payment, outcome, approvalNo, now, decider(payment, 'AUTO'));
            const base = { ...this.deliveryFor(final, outcome.status, 'AUTO'), now };
            const owed = scriptedDeliveries(base, payment.effect, this.o.retry).map((d) =>
              free > 0 && !d.held && (d.dueAt ?? now) <= now ? (free--, { ...d, claimedUntil: leaseUntil, claimedBy: by }) : d,
            );
            return { read, final, owed };
          });
          const won = await finalizePicked<{ id: number | string }>(
            trx,
            planned.map(({ read, final: f }) => [f.id, read.status, read.claimToken, token, by, f.status, f.approvalNo, f.failReason, f.decidedBy, now]),
          );
          const ids = new Set(won.map((r) => Number(r.id)));
          const done = ids.size === planned.length ? planned : planned.filter((p) => ids.has(p.final.id));
          await finalPayments.insertFinalPayments(
            trx,
            done.map((p) => p.final),
          );
          const made = await deliveries.createDeliveries(trx, done.flatMap((p) => p.owed));
          return { claimed: picked.length, reclaimed: lapsed, finalized: withDeliveries(done.map((p) => p.final), made) };
        });
      } catch (error) {
        if (attempt >= APPROVAL_TRIES || !caps.isUniqueViolation(error, 'payment_processes', 'approval_no')) throw error;
      }
    }
  }

  /**
   * Cancels `amount` of a SUCCESS payment (all that is left when null): its
   * cancellation, the payment's new balance — CANCELLED, with its CANCELLED
   * `payments` record, once nothing is left — and the webhook announcing it
   * (CANCELLED, or PARTIAL_CANCELLED for a part; none with `skipWebhook`), in
   * one transaction. Null when the payment was not SUCCESS any more, or
   * another cancellation came first (read it again and decide again).
   */
  async cancel(payment: PaymentProcess, req: CancelRequest): Promise<Cancelled | null> {
    const now = this.o.clock();
    const left = payment.amount - payment.cancelledAmount;
    const amount = req.amount ?? left;
    const whole = amount === left;
    const cancellation: Cancellation = {
      id: `cancel_${this.o.snowflake.nextBase62()}`,
      amount,
      taxFreeAmount: req.taxFreeAmount ?? 0,
      vatAmount: req.vatAmount ?? null,
      reason: req.reason ?? null,
      cancelledAt: now,
    };
    const event = whole ? 'CANCELLED' : 'PARTIAL_CANCELLED';
    const after: PaymentProcess = { ...payment, status: whole ? 'CANCELLED' : 'SUCCESS', cancelledAt: now, cancelledAmount: payment.cancelledAmount + amount };
    const owed = req.skipWebhook
      ? null
      : {
          ...this.deliveryFor(after, event, 'AUTO', { cancellation }),
          ...(whole ? {} : { webhookId: webhookIdFor(payment.publicId, `partial_cancelled_${cancellation.id}`) }),
          now,
          dueAt: firstAttemptAt(now, this.o.retry),
        };
    return this.o.database.db.transaction().execute(async (trx) => {
      const cancelled = await payments.cancelPaymentProcess(trx, { id: payment.id, amount, cancelledBefore: payment.cancelledAmount, whole, now });
      if (cancelled === null) return null;
      await cancellations.insertCancellation(trx, payment.id, cancellation);
      if (whole) await finalPayments.insertFinalPayment(trx, cancelled);
      const delivery = owed === null ? null : await deliveries.createDelivery(trx, owed);
      return { payment: cancelled, cancellation, delivery };
    });
  }

  /** Each payment's cancellations, oldest first, by payment id. */
  cancellations(paymentIds: readonly number[]): Promise<Map<number, Cancellation[]>> {
    return cancellations.listCancellations(this.o.database.db, paymentIds);
  }

  /** Empties the store (DELETE /api/admin/data): payments, webhooks, idempotency keys; ids start again at 1. */
  async resetData(): Promise<void> {
    const { db, caps } = this.o.database;
    await db.transaction().execute((trx) =>
      caps.truncate(trx as unknown as Kysely<unknown>, [
        'webhook_attempts',
        'webhook_deliveries',
        'payment_cancellations',
        'payments',
        'pre_registrations',
        'billing_keys',
        'idempotency_keys',
        'payment_processes',
      ]),
    );
  }

}
