/**
 * Sends what the outbox owes. Deliveries are claimed in batches of free
 * slots and sent concurrently (at most `concurrency` at once), each finished
 * send freeing its slot for the next due delivery — so one slow receiver holds
 * one slot for at most the request timeout and never stalls the rest.
 *
 * The scheduler hands in the webhooks of a batch already claimed (reserve,
 * sendReserved). Beyond the free slots, up to `waitingRoom` of them wait here
 * for a slot, in order, rather than be left PENDING for the pump to claim
 * again (one more statement and, on PostgreSQL, one more row version each).
 * Slots free up at least one per request timeout each, so the n-th waiting
 * one starts within ceil(n / concurrency) timeouts: the caller sizes the room
 * so that this stays within the claim's lease.
 */
import type { DeliveryOutcome } from '../events.js';
import type { Logger } from '../log.js';
import { Batcher } from './batcher.js';
import type { AttemptResult, Delivery, NextState, Store } from '../store/store.js';
import type { Clock } from '../time.js';
import { requestHeaders, type SendResult, type SendWebhook } from '../webhooks/sender.js';

export interface DispatcherOptions {
  store: Store;
  send: SendWebhook;
  clock: Clock;
  concurrency: number;
  /** How many handed-in deliveries may wait for a slot (0: only free slots are reserved). */
  waitingRoom?: number;
  /** The signature headers for one attempt (none when webhooks are not signed). */
  sign: (delivery: Delivery, nowMs: number) => Record<string, string>;
  /** Where a delivery goes after an attempt (see webhooks/backoff.ts). */
  next: (delivery: Delivery, result: SendResult, now: number) => NextState;
  /** Told about every delivered webhook (reordered ones held behind it are released). */
  onDelivered?: (delivery: Delivery) => Promise<void> | undefined;
  /** Told about every attempt, once recorded (metrics, the event stream). */
  onAttempt?: (outcome: DeliveryOutcome) => void;
  log: Logger;
}

export type { DeliveryOutcome };

export class Dispatcher {
  private readonly inFlight = new Set<Promise<unknown>>();
  private pumping = false;
  private again = false;
  private refill: NodeJS.Immediate | null = null;
  private stopped = false;
  /** Attempts made so far (processNow reports how many a pass made). */
  private attempts = 0;
  /** Slots promised to sends handed in (reserve/sendReserved): not for the pump to fill. */
  private reserved = 0;
  /** Handed-in deliveries waiting for a slot, oldest first. */
  private readonly waiting: Delivery[] = [];

  /** Attempts finished in the same moment are recorded in one transaction. */
  private readonly completions: Batcher<{ delivery: Delivery; result: AttemptResult; next: NextState }, boolean>;

  constructor(private readonly o: DispatcherOptions) {
    this.completions = new Batcher((items) => o.store.completeAttempts(items));
  }

  /** Sends one claimed delivery now and records the attempt. */
  async deliver(delivery: Delivery): Promise<DeliveryOutcome> {
    const attemptedAt = this.o.clock();
    const headers = this.o.sign(delivery, attemptedAt);
    const sent = await this.o.send(delivery.url, delivery.payload, headers);
    const result: AttemptResult = {
      attemptedAt,
      url: delivery.url,
      responseCode: sent.responseCode,
      error: sent.error,
      durationMs: sent.durationMs,
      responseBody: sent.responseBody,
      signature: headers['webhook-signature'] ?? null,
      // What went on the wire, for the inspector: the sender adds the same fixed headers.
      requestHeaders: JSON.stringify(requestHeaders(headers)),
    };
    const next = this.o.next(delivery, sent, this.o.clock());
    const held = await this.completions.add({ delivery, result, next });
    this.attempts++;
    if (held && next.state === 'DELIVERED' && !delivery.reorder) await this.o.onDelivered?.(delivery);
    if (held) this.o.onAttempt?.({ delivery, result, next });
    const log = this.o.log;
    const fields = () => ({
      tid: delivery.tid,
      deliveryId: delivery.id,
      attempt: delivery.attemptCount,
      responseCode: result.responseCode,
      durationMs: result.durationMs,
    });
    if (!held) log.warn(fields(), 'webhook attempt finished after its claim was taken over');
    else if (next.state === 'DELIVERED') {
      if (log.isLevelEnabled('info')) log.info(fields(), 'webhook delivered');
    } else if (next.state === 'PENDING') {
      log.warn({ ...fields(), error: result.error, retryAt: new Date(next.dueAt).toISOString() }, 'webhook not delivered; will retry');
    } else log.warn({ ...fields(), error: result.error }, 'webhook not delivered; no attempt left (DEAD)');
    return { delivery, result, next };
  }

  /** Slots free for the pump now (none once stopped, none while handed-in deliveries wait). */
  private free(): number {
    return this.stopped ? 0 : Math.max(0, this.o.concurrency - this.inFlight.size - this.reserved - this.waiting.length);
  }

  /**
   * Reserves up to `max` places for deliveries the caller will hand in
   * already claimed — free slots, then room to wait for one; returns how many.
   */
  reserve(max: number): number {
    const capacity = this.o.concurrency + (this.o.waitingRoom ?? 0);
    const granted = this.stopped ? 0 : Math.max(0, Math.min(max, capacity - this.inFlight.size - this.reserved - this.waiting.length));
    this.reserved += granted;
    return granted;
  }

  /** Sends a claimed delivery in a place reserved for it: now if a slot is free, else when one frees up. */
  sendReserved(delivery: Delivery): void {
    this.reserved--;
    if (this.inFlight.size < this.o.concurrency) this.send(delivery);
    else this.waiting.push(delivery);
  }

  /** Gives back reserved slots that were not used. */
  release(slots: number): void {
    this.reserved -= slots;
    this.scheduleRefill();
  }

  /** Sends one claimed delivery in the background, tracked like the dispatcher's own sends (a stop waits for it). */
  send(delivery: Delivery): void {
    this.track(this.deliver(delivery));
  }

  /** Asks for a pump on the next turn of the event loop (coalesced). */
  wake(): void {
    this.scheduleRefill();
  }

  /** Claims due deliveries into the free slots and starts sending them. */
  async pump(): Promise<void> {
    if (this.pumping) {
      this.again = true;
      return;
    }
    this.pumping = true;
    try {
      do {
        this.again = false;
        while (!this.stopped) {
          const free = this.free();
          if (free <= 0) break;
          const batch = await this.o.store.claimDueDeliveries(free);
          for (const delivery of batch) this.track(this.deliver(delivery));
          if (batch.length < free) break;
        }
      } while (this.again && !this.stopped);
    } finally {
      this.pumping = false;
    }
  }

  /**
   * Pumps, then waits until every send started so far has been recorded
   * (tests, processNow). Returns how many attempts were made meanwhile.
   */
  async runOnce(): Promise<number> {
    const before = this.attempts;
    await this.pump();
    await this.drain();
    return this.attempts - before;
  }

  async drain(): Promise<void> {
    while (this.inFlight.size > 0 || this.waiting.length > 0) {
      // (A waiting delivery starts as a send finishes, so there is always one in flight to wait for.)
      if (this.inFlight.size === 0) this.send(this.waiting.shift()!);
      await Promise.allSettled([...this.inFlight]);
    }
  }

  /** Stops claiming; sends already under way, and handed-in ones waiting, finish (await drain()). */
  stop(): void {
    this.stopped = true;
    if (this.refill) clearImmediate(this.refill);
    this.refill = null;
  }

  private track(sending: Promise<unknown>): void {
    const tracked = sending
      .catch((error: unknown) => this.o.log.error({ err: error }, 'webhook delivery failed to record'))
      .finally(() => {
        this.inFlight.delete(tracked);
        // A handed-in delivery waiting for a slot takes this one first (it is claimed already).
        const next = this.waiting.shift();
        if (next) this.send(next);
        else this.scheduleRefill();
      });
    this.inFlight.add(tracked);
  }

  /** A freed slot is refilled on the next turn of the event loop, once for all that finished in this one. */
  private scheduleRefill(): void {
    if (this.refill || this.stopped) return;
    this.refill = setImmediate(() => {
      this.refill = null;
      this.pump().catch((error: unknown) => this.o.log.error({ err: error }, 'dispatcher pump failed'));
    });
  }
}
