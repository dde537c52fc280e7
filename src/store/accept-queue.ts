/**
 * Group commit for accepted payments. Every accept that arrives while the
 * event loop is busy with the same round of I/O joins one multi-row INSERT —
 * one statement, one commit — and each request's 202 goes out only after
 * that commit. On SQLite (WAL) a commit writes every page it touched, table
 * and indexes, so committing 50 payments at once costs little more than
 * committing one. A tid (or public id) already taken skips that row; it is
 * retried with new identifiers, never surfaced.
 */
import type { Database } from '../db/database.js';
import { StoreUnavailable } from '../errors.js';
import { makeTid, type Snowflake, type TidSuffixSource } from '../payments/ids.js';
import type { PaymentProcess } from '../payments/payment.js';
import { insertPendingPayments, type NewPaymentRow } from './payment.repository.js';

/** A new payment's row before its identifiers are minted. */
export type NewRow = Omit<NewPaymentRow, 'public_id' | 'tid'>;

interface Waiting {
  row: NewPaymentRow;
  echo: Record<string, unknown> | null;
  resolve: (payment: PaymentProcess) => void;
  reject: (error: unknown) => void;
}

/** Rows per INSERT: 13 columns each stays far below SQLite's 32,766 bound variables. */
const MAX_BATCH = 500;
/** A fresh random tid collides with an existing one about once per 10^8/n payments a day. */
const TID_TRIES = 20;

export class AcceptQueue {
  private waiting: Waiting[] = [];
  private scheduled = false;

  constructor(
    private readonly o: {
      database: Database;
      snowflake: Pick<Snowflake, 'nextBase62'>;
      tidSuffix: TidSuffixSource;
    },
  ) {}

  /** Resolves once the payment is committed. */
  insert(row: NewRow, echo: Record<string, unknown> | null): Promise<PaymentProcess> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ row: this.identify(row), echo, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        // After the current round of I/O: every request read in it joins.
        setImmediate(() => void this.flush());
      }
    });
  }

  private identify(row: NewRow): NewPaymentRow {
    return { ...row, public_id: this.o.snowflake.nextBase62(), tid: makeTid(row.requested_at, this.o.tidSuffix()) };
  }

  private async flush(): Promise<void> {
    this.scheduled = false;
    while (this.waiting.length > 0) {
      const batch = this.waiting.splice(0, MAX_BATCH);
      try {
        await this.commit(batch);
      } catch (error) {
        for (const w of batch) w.reject(error);
      }
    }
  }

  private async commit(batch: Waiting[]): Promise<void> {
    let left = batch;
    for (let round = 0; round < TID_TRIES && left.length > 0; round++) {
      const stored = await insertPendingPayments(this.o.database.db, left);
      const retry: Waiting[] = [];
      left.forEach((w, i) => {
        const payment = stored[i];
        if (payment) w.resolve(payment);
        else retry.push({ ...w, row: this.identify(w.row) });
      });
      left = retry;
    }
    for (const w of left) w.reject(new StoreUnavailable(`Could not find a free tid for today after ${TID_TRIES} tries`));
  }
}
