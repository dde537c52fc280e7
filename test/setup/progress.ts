/**
 * Load tests wait for progress, not for a length of time: on a slow or busy
 * machine a fixed window may hold little traffic, and a test that kills the
 * service "after a while" must have had traffic to lose.
 */

/** Waits until `count()` reaches `atLeast`; fails, saying what and how far it got, if it has not within `timeoutMs`. */
export async function reached(what: string, count: () => number, atLeast: number, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (count() < atLeast) {
    if (Date.now() > deadline) throw new Error(`${what}: ${count()} after ${timeoutMs} ms, expected at least ${atLeast}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
