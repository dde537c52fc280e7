/**
 * Identifiers, in the shapes the seed shows:
 * - tid: `DUMMY_{yyyyMMdd}_{8 random digits}`, server-local date. Randomness
 *   makes collisions possible; the store retries on one (see insertPayment).
 * - approvalNo: `AP` + epoch milliseconds (as the seed's `AP1738742800000`)
 *   + the 4-digit worker id of the process + a 3-digit sequence, so numbers
 *   stay unique across processes and ordered within one, even when
 *   thousands are issued in one millisecond.
 * - publicId: a Snowflake (41-bit time, 10-bit worker, 12-bit sequence) in
 *   Base62, zero-padded to 11 characters so string order is time order.
 * Pure apart from the clock and randomness handed in.
 */
import { randomInt } from 'node:crypto';
import { localDateStamp, type Clock } from '../time.js';

export const TID_PATTERN = /^DUMMY_\d{8}_\d{8}$/;
export const APPROVAL_NO_PATTERN = /^AP\d{20}$/;

export type TidSuffixSource = () => number;

/** 0 ≤ n < 10^8, from the operating system's CSPRNG. */
export const randomTidSuffix: TidSuffixSource = () => randomInt(0, 100_000_000);

export function makeTid(epochMs: number, suffix: number): string {
  return `DUMMY_${localDateStamp(epochMs)}_${String(suffix).padStart(8, '0')}`;
}

/** Issues `AP{13-digit ms}{4-digit worker}{3-digit seq}`; strictly increasing within one generator. */
export class ApprovalNumbers {
  private lastMs = 0;
  private seq = 0;
  private worker = '0000';

  /** The same worker id as the process's Snowflake: distinct processes, distinct numbers. */
  setWorkerId(workerId: number): void {
    this.worker = String(workerId).padStart(4, '0');
  }

  next(epochMs: number): string {
    if (epochMs > this.lastMs) {
      this.lastMs = epochMs;
      this.seq = 0;
    } else if (++this.seq > 999) {
      // More than 1,000 in one millisecond (or the clock stepped back):
      // borrow the next millisecond rather than repeat a number.
      this.lastMs += 1;
      this.seq = 0;
    }
    return `AP${String(this.lastMs).padStart(13, '0')}${this.worker}${String(this.seq).padStart(3, '0')}`;
  }
}

/** 2024-01-01T00:00:00Z; 41 bits of milliseconds from here last until 2093. */
export const SNOWFLAKE_EPOCH_MS = 1_704_067_200_000;
export const SNOWFLAKE_MAX_WORKER = 1023;

export class Snowflake {
  private lastMs = -1;
  private seq = 0;
  private workerId = 0;

  constructor(
    workerId: number,
    private readonly clock: Clock,
  ) {
    this.setWorkerId(workerId);
  }

  /** Distinct processes on one database must use distinct worker ids (see worker-id.repository.ts). */
  setWorkerId(workerId: number): void {
    if (!Number.isInteger(workerId) || workerId < 0 || workerId > SNOWFLAKE_MAX_WORKER) {
      throw new RangeError(`snowflake worker id must be an integer from 0 to ${SNOWFLAKE_MAX_WORKER}`);
    }
    this.workerId = workerId;
  }

  get worker(): number {
    return this.workerId;
  }

  next(): bigint {
    let ms = this.clock() - SNOWFLAKE_EPOCH_MS;
    if (ms <= this.lastMs) {
      // Same millisecond, or the clock went back: keep counting from the last
      // timestamp so ids never repeat; overflow moves to the next millisecond.
      ms = this.lastMs;
      this.seq = (this.seq + 1) & 0xfff;
      if (this.seq === 0) ms += 1;
    } else {
      this.seq = 0;
    }
    this.lastMs = ms;
    return (BigInt(ms) << 22n) | (BigInt(this.workerId) << 12n) | BigInt(this.seq);
  }

  nextBase62(): string {
    return toBase62(this.next());
  }
}

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** 62^6: below 2^53, so a value splits into two Numbers around it for any 64-bit id. */
const P6 = 62n ** 6n;

/**
 * Base62 (0-9, A-Z, a-z), left-padded with '0' to `width` characters. Every
 * accepted payment mints one: the value is split once (BigInt) into a high
 * and a low part that are each converted with Number arithmetic.
 */
export function toBase62(value: bigint, width = 11): string {
  if (value < 0n) throw new RangeError('base62 takes a non-negative integer');
  if (value >= P6 * P6 * P6) return toBase62Slow(value, width);
  const high = value / P6;
  let out = digits62(Number(value - high * P6), high > 0n ? 6 : 1);
  if (high > 0n) {
    const top = high / P6;
    out = digits62(Number(high - top * P6), top > 0n ? 6 : 1) + out;
    if (top > 0n) out = digits62(Number(top), 1) + out;
  }
  return out.padStart(width, '0');
}

/** A Number's base62 digits, zero-padded to at least `width`. */
function digits62(n: number, width: number): string {
  let out = '';
  do {
    out = BASE62[n % 62] + out;
    n = Math.floor(n / 62);
  } while (n > 0);
  return out.padStart(width, '0');
}

function toBase62Slow(value: bigint, width: number): string {
  let out = '';
  let n = value;
  do {
    out = BASE62[Number(n % 62n)] + out;
    n /= 62n;
  } while (n > 0n);
  return out.padStart(width, '0');
}

export function fromBase62(text: string): bigint {
  let n = 0n;
  for (const ch of text) {
    const digit = BASE62.indexOf(ch);
    if (digit < 0) throw new RangeError(`not a base62 digit: ${ch}`);
    n = n * 62n + BigInt(digit);
  }
  return n;
}
