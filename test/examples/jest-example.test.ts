/**
 * examples/jest/checkout.test.mjs uses only Jest's globals; here Vitest's
 * functions of the same names stand in for them (what `globals: true` would
 * do), and the file's tests run as part of this suite.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

Object.assign(globalThis, { afterAll, beforeAll, describe, expect, it });
// A URL, not a literal: the example is plain JavaScript, with no types to check here.
await import(new URL('../../examples/jest/checkout.test.mjs', import.meta.url).href);
