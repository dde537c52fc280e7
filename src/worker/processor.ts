/**
 * The seed's scheduler: claim PENDING payments (compare-and-set to
 * PROCESSING, under a lease and a claim token), decide each, and finalize
 * them (compare-and-set to SUCCESS or FAILED, with their `payments` rows and
 * webhook deliveries) — one transaction per batch (Store.processBatch). A
 * batch that comes back full is followed at once by the next, so throughput
 * is not capped at batch-size per polling delay. Webhooks due now go straight
 * to the dispatcher's free slots, already claimed.
 */
import type { Logger } from '../log.js';
import type { Outcome, PaymentProcess } from '../payments/payment.js';
import type { Delivery, Finalized, Store } from '../store/store.js';

/**
 * Where webhooks due at once are handed (the dispatcher): slots reserved
 * before a batch, each send taking one, the rest given back after it.
 */
export interface HandOff {
  reserve(max: number): number;
  sendReserved(delivery: Delivery): void;
  release(slots: number): void;
}

export interface ProcessorOptions {
  store: Store;
  batchSize: number;
  decide: (payment: PaymentProcess) => Outcome;
  /** Told about every finalized batch (the dispatcher wakes up on it). */
  onFinalized?: (finalized: Finalized[]) => void;
  handOff?: HandOff;
  log: Logger;
}

export class Processor {
  private stopping = false;

  constructor(private readonly o: ProcessorOptions) {}

  /** One batch. Returns how many payments were claimed. */
  async runOnce(): Promise<number> {
    const handOff = this.o.handOff;
    const slots = handOff?.reserve(this.o.batchSize) ?? 0;
    let sent = 0;
    try {
      return await this.batch(slots, (d) => {
        handOff!.sendReserved(d);
        sent++;
      });
    } finally {
      if (slots > sent) handOff!.release(slots - sent);
    }
  }

  private async batch(slots: number, send: (delivery: Delivery) => void): Promise<number> {
    const { claimed, reclaimed, finalized } = await this.o.store.processBatch(this.o.batchSize, this.o.decide, slots);
    if (claimed === 0) return 0;
    const log = this.o.log;
    if (reclaimed.length > 0) {
      log.warn({ tids: reclaimed.map((p) => p.tid) }, 'took back payments whose processing lease ran out (their worker stopped)');
    }
    if (log.isLevelEnabled('info')) {
      for (const { payment } of finalized) {
        log.info({ tid: payment.tid, status: payment.status, approvalNo: payment.approvalNo, failReason: payment.failReason }, 'payment finalized');
      }
    }
    if (finalized.length < claimed) log.debug({ lost: claimed - finalized.length }, 'finalization lost to another writer');
    if (finalized.length > 0) {
      // (Only deliveries this batch made claimed are SENDING: at most `slots` of them.)
      for (const f of finalized) for (const d of f.deliveries) if (d.state === 'SENDING') send(d);
      this.o.onFinalized?.(finalized);
    }
    return claimed;
  }

  /** Batches until one comes back short (or the processor is stopping). Returns the total claimed. */
  async runPass(): Promise<number> {
    let total = 0;
    for (;;) {
      const n = await this.runOnce();
      total += n;
      if (n < this.o.batchSize || this.stopping) return total;
    }
  }

  /** Makes a running pass end after its current batch. */
  stop(): void {
    this.stopping = true;
  }
}
