/**
 * The seed's scheduler: claim PENDING payments (compare-and-set to
 * PROCESSING, under a lease and a claim token), decide each, and finalize them (compare-and-set to SUCCESS or
 * FAILED, with their `payments` rows and webhook deliveries, in one
 * transaction). A batch that comes back full is followed at once by the next,
 * so throughput is not capped at batch-size per polling delay.
 */
import type { Logger } from '../log.js';
import type { Outcome, PaymentProcess } from '../payments/payment.js';
import type { Finalized, Store } from '../store/store.js';

export interface ProcessorOptions {
  store: Store;
  batchSize: number;
  decide: (payment: PaymentProcess) => Outcome;
  /** Told about every finalized batch (the dispatcher wakes up on it). */
  onFinalized?: (finalized: Finalized[]) => void;
  log: Logger;
}

export class Processor {
  private stopping = false;

  constructor(private readonly o: ProcessorOptions) {}

  /** One batch. Returns how many payments were claimed. */
  async runOnce(): Promise<number> {
    const { claimed, reclaimed } = await this.o.store.claimPending(this.o.batchSize);
    if (claimed.length === 0) return 0;
    if (reclaimed > 0) {
      this.o.log.warn(
        { tids: claimed.slice(0, reclaimed).map((p) => p.tid) },
        'took back payments whose processing lease ran out (their worker stopped)',
      );
    }
    const decisions = claimed.map((payment) => ({ payment, outcome: this.o.decide(payment) }));
    // Fenced: if this batch's lease ran out and another worker took a payment
    // over, that payment's token no longer matches and it is skipped here.
    const finalized = await this.o.store.finalize(decisions, { from: ['PROCESSING'], fenced: true, origin: 'AUTO' });
    for (const { payment } of finalized) {
      this.o.log.info(
        { tid: payment.tid, status: payment.status, approvalNo: payment.approvalNo, failReason: payment.failReason },
        'payment finalized',
      );
    }
    if (finalized.length < claimed.length) {
      this.o.log.debug({ lost: claimed.length - finalized.length }, 'finalization lost to another writer');
    }
    if (finalized.length > 0) this.o.onFinalized?.(finalized);
    return claimed.length;
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
