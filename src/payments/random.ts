/**
 * Randomness for decisions. Unseeded runs use Math.random. Seeded runs give
 * every payment its own generator derived from (seed, payment id), so a
 * payment's outcome depends only on the seed and on its place in the order of
 * acceptance — not on how the scheduler happened to batch or time its work.
 * Pure: no I/O.
 */

/** A source of uniform numbers in [0, 1). */
export type Random = () => number;

/** Gives the generator to use for one payment (by its sequential id). */
export type RandomFor = (paymentId: number) => Random;

/** 32-bit FNV-1a over the UTF-16 code units of a string. */
export function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** mulberry32: small, fast, and good enough for test outcomes (not for secrets). */
export function mulberry32(seed: number): Random {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function randomForPayments(seed: string | null): RandomFor {
  if (seed === null) return () => Math.random;
  return (paymentId) => mulberry32(hash32(`${seed}:${paymentId}`));
}
