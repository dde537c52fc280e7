import { describe, expect, it } from 'vitest';
import {
  APPROVAL_NO_PATTERN,
  ApprovalNumbers,
  SNOWFLAKE_EPOCH_MS,
  Snowflake,
  TID_PATTERN,
  fromBase62,
  makeTid,
  randomTidSuffix,
  toBase62,
} from '../../src/payments/ids.js';

describe('tid', () => {
  it('is DUMMY_{yyyyMMdd}_{8 digits} with the server-local date', () => {
    const ms = new Date(2026, 1, 5, 10, 0, 0).getTime();
    expect(makeTid(ms, 12345678)).toBe('DUMMY_20260205_12345678');
    expect(makeTid(ms, 42)).toBe('DUMMY_20260205_00000042');
    expect(makeTid(ms, randomTidSuffix())).toMatch(TID_PATTERN);
  });

  it('draws suffixes over the whole 8-digit range', () => {
    const seen = new Set(Array.from({ length: 2000 }, () => randomTidSuffix()));
    expect(seen.size).toBeGreaterThan(1990);
    for (const s of seen) expect(s >= 0 && s < 100_000_000).toBe(true);
  });
});

describe('approvalNo', () => {
  it('is AP + epoch millis (as the seed) + the worker id + a 3-digit sequence', () => {
    const approvals = new ApprovalNumbers();
    expect(approvals.next(1738742800000)).toBe('AP17387428000000000000');
    expect(approvals.next(1738742800000)).toBe('AP17387428000000000001');
    expect(approvals.next(1738742800001)).toBe('AP17387428000010000000');
    approvals.setWorkerId(42);
    expect(approvals.next(1738742800002)).toBe('AP17387428000020042000');
  });

  it('differs between processes with different worker ids in the same millisecond', () => {
    const a = new ApprovalNumbers();
    const b = new ApprovalNumbers();
    a.setWorkerId(1);
    b.setWorkerId(2);
    expect(a.next(1738742800000)).not.toBe(b.next(1738742800000));
  });

  it('stays unique and increasing for thousands issued in one millisecond, and when the clock steps back', () => {
    const approvals = new ApprovalNumbers();
    const issued = Array.from({ length: 5000 }, (_, i) => approvals.next(i < 4000 ? 1_800_000_000_000 : 1_799_999_999_000));
    expect(new Set(issued).size).toBe(issued.length);
    for (const n of issued) expect(n).toMatch(APPROVAL_NO_PATTERN);
    expect([...issued].sort()).toEqual(issued);
  });
});

describe('snowflake publicId', () => {
  it('packs time, worker and sequence, and round-trips through Base62', () => {
    let now = SNOWFLAKE_EPOCH_MS + 1000;
    const flake = new Snowflake(7, () => now);
    const a = flake.next();
    const b = flake.next();
    expect(a >> 22n).toBe(1000n);
    expect((a >> 12n) & 0x3ffn).toBe(7n);
    expect(b - a).toBe(1n);
    now += 1;
    expect(flake.next() >> 22n).toBe(1001n);
    expect(fromBase62(toBase62(a))).toBe(a);
  });

  it('never repeats, even past 4096 ids in one millisecond or with a clock going back', () => {
    let now = SNOWFLAKE_EPOCH_MS + 5000;
    const flake = new Snowflake(1, () => now);
    const ids: string[] = [];
    for (let i = 0; i < 10_000; i++) {
      if (i === 6000) now -= 3; // clock stepped back
      ids.push(flake.nextBase62());
    }
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(ids); // fixed width: string order is id order
    for (const id of ids) expect(id).toMatch(/^[0-9A-Za-z]{11}$/);
  });

  it('refuses a worker id outside 0..1023', () => {
    expect(() => new Snowflake(1024, Date.now)).toThrow(RangeError);
    expect(() => new Snowflake(-1, Date.now)).toThrow(RangeError);
  });

  it('writes base62 as digit-by-digit division would, across the split points of its fast path', () => {
    const DIGITS = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
    const byDivision = (v: bigint) => {
      let out = '';
      let n = v;
      do {
        out = DIGITS[Number(n % 62n)] + out;
        n /= 62n;
      } while (n > 0n);
      return out.padStart(11, '0');
    };
    const p6 = 62n ** 6n;
    const values = [0n, 1n, 61n, 62n, p6 - 1n, p6, p6 + 1n, p6 * p6 - 1n, p6 * p6, p6 * p6 + 1n, 2n ** 63n - 1n, p6 ** 3n - 1n, p6 ** 3n, 2n ** 80n];
    for (let i = 0; i < 2000; i++) values.push((BigInt(Math.floor(Math.random() * 2 ** 31)) << 32n) | BigInt(Math.floor(Math.random() * 2 ** 32)));
    for (const v of values) {
      expect(toBase62(v)).toBe(byDivision(v));
      expect(fromBase62(toBase62(v))).toBe(v);
    }
  });
});
