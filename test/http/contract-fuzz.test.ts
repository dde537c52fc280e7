/**
 * The contract, fuzzed from the document itself: for every documented
 * operation, requests are generated from /openapi.json — path and query
 * parameters and bodies valid against their schemas, and arbitrary ones —
 * and every answer must be documented (the instance checks each against the
 * document: an undocumented one is a 500 UNDOCUMENTED_RESPONSE) and never a
 * server error.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../setup/app.js';

type Schema = Record<string, unknown>;
interface Parameter {
  in: string;
  name: string;
  required?: boolean;
  schema?: Schema;
}
interface Operation {
  parameters?: Parameter[];
  requestBody?: { content?: Record<string, { schema?: Schema }> };
  responses: Record<string, unknown>;
}
interface Doc {
  paths: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, Schema> };
}

let t: TestApp;
let doc: Doc;
beforeAll(async () => {
  t = await startTestApp({ 'payment.process.success-rate': 100 });
  // Something to find: a final payment of each contract.
  await t.postPayment({ orderId: 'ORD_FUZZ', amount: 1000 });
  await t.post('/api/payment-process', { midId: 'hamster_dummy_mid_001', userId: 'u', orderId: 'HW_FUZZ', amount: 1000 });
  await t.app.processNow();
  doc = (await (await t.get('/openapi.json')).json()) as Doc;
});
afterAll(async () => {
  await t.close();
});

/** Values valid against a (TypeBox-made) JSON Schema: the subset the document uses. */
function valid(schema: Schema | undefined, depth = 0): fc.Arbitrary<unknown> {
  if (!schema || depth > 6) return fc.constant(null);
  if (typeof schema.$ref === 'string') return valid(doc.components?.schemas?.[schema.$ref.split('/').pop()!], depth + 1);
  if ('const' in schema) return fc.constant(schema.const);
  if (Array.isArray(schema.enum)) return fc.constantFrom(...(schema.enum as unknown[]));
  const branches = (schema.anyOf ?? schema.oneOf) as Schema[] | undefined;
  if (branches) return fc.oneof(...branches.map((b) => valid(b, depth + 1)));
  switch (schema.type) {
    case 'object': {
      const properties = (schema.properties ?? {}) as Record<string, Schema>;
      const required = (schema.required ?? []) as string[];
      const model: Record<string, fc.Arbitrary<unknown>> = {};
      for (const [key, sub] of Object.entries(properties)) model[key] = valid(sub, depth + 1);
      return fc.record(model, { requiredKeys: required.filter((k) => k in properties) });
    }
    case 'array':
      return fc.array(valid(schema.items as Schema, depth + 1), { maxLength: Math.min(Number(schema.maxItems ?? 3), 3) });
    case 'string':
      return fc.string({ minLength: Number(schema.minLength ?? 0), maxLength: Math.min(Number(schema.maxLength ?? 20), 40) });
    case 'integer':
      return fc.integer({ min: Number(schema.minimum ?? -5), max: Number(schema.maximum ?? 1_000_000) });
    case 'number':
      return fc.integer({ min: 1, max: 1_000_000 });
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

const junk = fc.oneof(fc.string({ maxLength: 30 }), fc.constantFrom('', '%', '..', '-1', 'null', '1e999', 'true'));

const operations = () =>
  Object.entries(doc.paths).flatMap(([path, ops]) =>
    Object.entries(ops)
      // The event stream never ends; it has its own tests.
      .filter(([method]) => !(path === '/api/events' && method === 'get'))
      .map(([method, op]) => ({ path, method, op })),
  );

describe('contract fuzz', () => {
  it('every operation, fed valid and arbitrary requests made from the document, answers only what it documents, never a 5xx', async () => {
    const ops = operations();
    expect(ops.length).toBeGreaterThan(30);
    const seen = new Set<string>();
    for (const { path, method, op } of ops) {
      const params = op.parameters ?? [];
      const request = fc.record({
        path: fc.record(
          Object.fromEntries(params.filter((p) => p.in === 'path').map((p) => [p.name, fc.oneof(valid(p.schema), junk, fc.constantFrom('ORD_FUZZ'))])),
        ),
        query: fc.record(
          Object.fromEntries(params.filter((p) => p.in === 'query').map((p) => [p.name, fc.oneof(valid(p.schema), junk)])),
          { requiredKeys: [] },
        ),
        body: fc.oneof(valid(op.requestBody?.content?.['application/json']?.schema), fc.jsonValue({ maxDepth: 3 })),
      });
      await fc.assert(
        fc.asyncProperty(request, async ({ path: pathValues, query, body }) => {
          let url = path.replace(/\{(\w+)\}/g, (_m, name: string) => encodeURIComponent(String(pathValues[name] ?? 'x')));
          const search = new URLSearchParams();
          for (const [k, v] of Object.entries(query)) search.set(k, typeof v === 'string' ? v : JSON.stringify(v));
          if ([...search].length > 0) url += `?${search}`;
          const init: RequestInit = { method: method.toUpperCase() };
          if (op.requestBody) init.body = JSON.stringify(body) ?? 'null';
          if (op.requestBody) init.headers = { 'content-type': 'application/json' };
          const res = await fetch(`${t.url}${url}`, init);
          const text = await res.text();
          seen.add(`${method} ${path} ${res.status}`);
          expect(text, `${method.toUpperCase()} ${url} → ${res.status}`).not.toContain('UNDOCUMENTED_RESPONSE');
          expect(res.status, `${method.toUpperCase()} ${url} → ${res.status} ${text.slice(0, 300)}`).toBeLessThan(500);
          // A rule the fuzz made must not script the next requests' answers.
          if (path.startsWith('/api/admin/scenarios') && method !== 'get') await fetch(`${t.url}/api/admin/scenarios`, { method: 'DELETE' });
        }),
        { numRuns: 12, seed: 20261202 },
      );
    }
    // Both valid and refused requests were made: more than one status per operation on the whole.
    expect(seen.size).toBeGreaterThan(ops.length);
  });
});
