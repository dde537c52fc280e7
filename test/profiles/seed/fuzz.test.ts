/**
 * Property-based: whatever body arrives, the answer is a 202 or a 4xx
 * problem — never a 5xx — and a refused request stores nothing.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../setup/app.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t.close();
});

const stored = () => t.count('payment_processes');

/** Bodies that look like payments, with every field sometimes wrong. */
const paymentLike = fc.record(
  {
    orderId: fc.oneof(fc.string({ maxLength: 300 }), fc.integer(), fc.constant(null), fc.jsonValue({ maxDepth: 2 })),
    amount: fc.oneof(
      fc.double({ noNaN: true }),
      fc.integer({ min: -10, max: 2_000_000_000_000 }),
      fc.string(),
      fc.constant(null),
      fc.constantFrom(0.001, 1.0001, 999_999_999_999.999, 1e-7),
    ),
    userPublicId: fc.oneof(fc.string({ maxLength: 120 }), fc.constant(null), fc.integer()),
    echo: fc.oneof(fc.jsonValue({ maxDepth: 12 }), fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 4 }))),
    __proto__: fc.jsonValue({ maxDepth: 1 }),
  },
  { requiredKeys: [] },
);

async function send(body: string, contentType = 'application/json') {
  const res = await fetch(`${t.url}/api/payment`, { method: 'POST', headers: { 'content-type': contentType }, body });
  const text = await res.text();
  return { status: res.status, text, type: res.headers.get('content-type') ?? '' };
}

function checkAnswer(a: { status: number; text: string; type: string }): boolean {
  if (a.status === 202) return a.type.startsWith('application/json');
  return a.status >= 400 && a.status < 500 && a.type.startsWith('application/problem+json') && JSON.parse(a.text).status === a.status;
}

describe('any request body', () => {
  it('payment-like JSON: 202 or a 4xx problem, and only a 202 stores a row', async () => {
    await fc.assert(
      fc.asyncProperty(paymentLike, async (body) => {
        const before = await stored();
        const answer = await send(JSON.stringify(body));
        expect(checkAnswer(answer), `${answer.status} ${answer.text}`).toBe(true);
        expect(await stored()).toBe(before + (answer.status === 202 ? 1 : 0));
      }),
      { numRuns: 300 },
    );
  });

  it('any JSON value at all: never a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(fc.jsonValue({ maxDepth: 30 }), async (value) => {
        const answer = await send(JSON.stringify(value));
        expect(checkAnswer(answer), `${answer.status} ${answer.text}`).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('arbitrary text under any content type: never a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ unit: 'binary', maxLength: 400 }),
        fc.constantFrom('application/json', 'application/json; charset=latin1', 'text/plain', 'application/vnd.x+json', 'multipart/form-data; boundary=x', 'application/octet-stream'),
        async (text, contentType) => {
          const answer = await send(text, contentType);
          expect(checkAnswer(answer), `${answer.status} ${answer.text}`).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('deeply nested JSON (100,000 levels) is refused, not a crash', async () => {
    const depth = 100_000;
    const answer = await send(`{"orderId":"A","amount":1,"echo":${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}}`);
    expect(answer.status).toBe(400);
    const arrays = await send(`${'['.repeat(depth)}${']'.repeat(depth)}`);
    expect(checkAnswer(arrays)).toBe(true);
  });
});
