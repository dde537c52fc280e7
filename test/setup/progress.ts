/**
 * Waiting in tests for something to happen, not for a length of time: on a
 * slow or busy machine a fixed window may hold little traffic, and a test
 * that kills the service "after a while" must have had traffic to lose.
 */

/** Waits until `check()` holds; fails, saying `what` (read when it fails), if it has not within `timeoutMs`. */
export async function until(what: string | (() => string), check: () => Promise<boolean> | boolean, timeoutMs = 60_000, everyMs = 25): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`not within ${timeoutMs} ms: ${typeof what === 'string' ? what : what()}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** Waits until `count()` reaches `atLeast`; fails, saying what and how far it got, if it has not within `timeoutMs`. */
export function reached(what: string, count: () => number, atLeast: number, timeoutMs = 30_000): Promise<void> {
  return until(() => `${what}: ${count()}, expected at least ${atLeast}`, () => count() >= atLeast, timeoutMs, 20);
}
