/**
 * Group commit for accepted payments. Every accept that arrives while the
 * event loop is busy with the same round of I/O joins one multi-row INSERT —
 * one statement, one commit — and each request's 202 goes out only after
 * that commit. On SQLite (WAL) a commit writes every page it touched, table
 * and indexes, so committing 50 payments at once costs little more than
 * committing one. A tid (or public id) already taken skips that row; it is
 * retried with new identifiers, never surfaced.
 */
import type { Insertable } from 'kysely';
import type { Database } from '../db/database.js';
import type { PaymentProcessesTable } from '../db/schema.js';
import { StoreUnavailable } from '../errors.js';
import { makeTid, type Snowflake, type TidSuffixSource } from '../payments/ids.js';
import type { PaymentProcess } from '../payments/payment.js';
import { insertPaymentProcesses } from './payment.repository.js';

/** Every column a new payment is given; the rest start NULL. */
export interface NewRow {
  order_id: string;
  user_public_id: string | null;
  amount: number;
  status: 'PENDING';
  echo: string | null;
  webhook_url: string;
  requested_at: number;
  mid: string | null;
  scenario: string | null;
  effect: string | null;
  process_after: number | null;
  profile: string;
}

type Row = NewRow & Pick<Insertable<PaymentProcessesTable>, 'public_id' | 'tid'> & { public_id: string; tid: string };

/** The stored payment, as the database now holds it, without reading it back. */
function stored(row: Row, id: number, echo: Record<string, unknown> | null): PaymentProcess {
  return {
    id,
    publicId: row.public_id,
    tid: row.tid,
    orderId: row.order_id,
    userPublicId: row.user_public_id,
    amount: row.amount,
    status: 'PENDING',
    approvalNo: null,
    failReason: null,
    echo,
    webhookUrl: row.webhook_url,
    webhookSentAt: null,
    webhookResponseCode: null,
    requestedAt: row.requested_at,
    processingStartedAt: null,
    processedAt: null,
    claimToken: null,
    mid: row.mid,
    scenario: row.scenario,
    effect: row.effect === null ? null : (JSON.parse(row.effect) as PaymentProcess['effect']),
    processAfter: row.process_after,
    cancelledAt: null,
    profile: row.profile,
  };
}

interface Waiting {
  row: Row;
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

  private identify(row: NewRow): Row {
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
      const inserted = await insertPaymentProcesses(
        this.o.database.db,
        left.map((w) => w.row),
      );
      const idOf = new Map(inserted.map((p) => [p.publicId, p.id]));
      const retry: Waiting[] = [];
      for (const w of left) {
        const id = idOf.get(w.row.public_id);
        if (id !== undefined) w.resolve(stored(w.row, id, w.echo));
        else retry.push({ ...w, row: this.identify(w.row) });
      }
      left = retry;
    }
    for (const w of left) w.reject(new StoreUnavailable(`Could not find a free tid for today after ${TID_TRIES} tries`));
  }
}
