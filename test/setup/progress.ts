/**
 * Waiting in tests for something to happen, not for a length of time: on a
 * slow or busy machine a fixed window may hold little traffic, and a test
 * that kills the service "after a while" must have had traffic to lose.
 */

/** Waits until `check()` holds; fails, naming `what`, if it has not within `timeoutMs`. */
export async function until(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 60_000, everyMs = 25): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`not within ${timeoutMs} ms: ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** Waits until `count()` reaches `atLeast`; fails, saying what and how far it got, if it has not within `timeoutMs`. */
export async function reached(what: string, count: () => number, atLeast: number, timeoutMs = 30_000): Promise<void> {
  try {
    await until(what, () => count() >= atLeast, timeoutMs, 20);
  } catch {
    throw new Error(`${what}: ${count()} after ${timeoutMs} ms, expected at least ${atLeast}`);
  }
}
