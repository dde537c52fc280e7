/**
 * The OpenAPI document is generated from the route schemas and is valid
 * OpenAPI 3.1 (checked by an independent validator); /docs serves the
 * interactive reference from the npm package, offline.
 */
import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../setup/app.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t.close();
});

describe('API documentation', () => {
  it('/openapi.json is a valid OpenAPI 3.1 document describing every endpoint', async () => {
    const res = await t.get('/openapi.json');
    expect(res.status).toBe(200);
    const spec = (await res.json()) as { openapi: string; paths: Record<string, Record<string, { tags?: string[] }>> };
    expect(spec.openapi).toBe('3.1.0');
    const validator = new Validator();
    const result = await validator.validate(spec as unknown as Parameters<Validator["validate"]>[0]);
    expect(result.errors ?? [], JSON.stringify(result.errors, null, 2)).toEqual([]);
    expect(result.valid).toBe(true);
    const operations = Object.entries(spec.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`));
    expect(operations).toEqual(
      expect.arrayContaining([
        'POST /api/payment',
        'GET /api/payment/transaction/{tid}',
        'GET /api/payment/transaction/{tid}/webhooks',
        'POST /api/payment/webhook/trigger/{tid}',
        'POST /api/payment/{tid}/webhook/resend',
        'POST /api/payment/{tid}/cancel',
        'GET /api/payments',
        'GET /api/stats',
        'GET /api/events',
        'GET /api/admin/scenarios',
        'PUT /api/admin/merchants/{mid}',
        'POST /api/admin/process',
        'GET /health',
        'GET /ready',
        'GET /metrics',
      ]),
    );
    // Every documented operation is tagged, so the reference groups it.
    for (const ops of Object.values(spec.paths)) for (const op of Object.values(ops)) expect(op.tags?.length).toBeGreaterThan(0);
    expect(JSON.stringify(spec)).not.toContain('~refine');
  });

  it('/docs serves the interactive reference without any CDN', async () => {
    const res = await t.get('/docs/');
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toMatch(/swagger-ui/i);
    const scripts = [...html.matchAll(/src="([^"]+)"/g)].map((m) => m[1]!);
    expect(scripts.length).toBeGreaterThan(0);
    for (const src of scripts) {
      expect(src).not.toMatch(/^https?:/);
      const asset = await t.get(new URL(src, `${t.url}/docs/`).pathname);
      expect(asset.status, src).toBe(200);
      expect((await asset.arrayBuffer()).byteLength).toBeGreaterThan(0);
    }
  });
});
