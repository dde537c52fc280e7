/**
 * The OpenAPI document is generated from the route schemas and is valid
 * OpenAPI 3.1 (checked by an independent validator); /docs serves the
 * interactive reference from the npm package, offline.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../setup/app.js';
import { tempDir } from '../setup/tmp.js';

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
    const operations = Object.entries(spec.paths).flatMap(([path, ops]) => Object.keys(ops).filter((m) => m !== 'servers').map((m) => `${m.toUpperCase()} ${path}`));
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
        'POST /payments/{paymentId}/instant',
        'GET /payments/{paymentId}',
        'POST /api/portone/payments/{tid}/deposit',
      ]),
    );
    // Every documented operation is tagged, so the reference groups it.
    for (const item of Object.values(spec.paths)) for (const op of operationsOf(item)) expect(op.tags?.length).toBeGreaterThan(0);
    // PortOne's paths are documented on the PortOne listener, which is where they answer.
    const portone = spec.paths['/payments/{paymentId}/instant'] as unknown as { servers: Array<{ url: string }>; post: { tags: string[] } };
    expect(portone.servers[0]!.url).toBe(t.app.profileUrl('portone'));
    expect(portone.post.tags).toEqual(['portone']);
    expect(JSON.stringify(spec)).not.toContain('~refine');
  });

  it('/docs serves the interactive reference without any CDN', async () => {
    const res = await t.get('/docs/');
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toMatch(/swagger-ui/i);
    // The project's own title and examples, not the stock ones.
    expect(html).toContain('<title>hamster-pg API reference</title>');
    const spec = (await (await t.get('/openapi.json')).json()) as {
      paths: Record<string, { post: { requestBody: { content: Record<string, { example?: unknown }> }; responses: Record<string, { content: Record<string, { example?: unknown }> }> } }>;
      components: { schemas: { Problem: { examples?: Array<{ code: string }> } } };
    };
    const accept = spec.paths['/api/payment']!.post;
    expect(accept.requestBody.content['application/json']!.example).toMatchObject({ orderId: 'ORD_456', amount: 10000 });
    expect(accept.responses['202']!.content['application/json']!.example).toMatchObject({ code: 'ACK_OK', transactionId: 'DUMMY_20261202_48213377' });
    expect(spec.components.schemas.Problem.examples?.[0]).toMatchObject({ code: 'VALIDATION_FAILED', status: 400 });
    const scripts = [...html.matchAll(/src="([^"]+)"/g)].map((m) => m[1]!);
    expect(scripts.length).toBeGreaterThan(0);
    for (const src of scripts) {
      expect(src).not.toMatch(/^https?:/);
      const asset = await t.get(new URL(src, `${t.url}/docs/`).pathname);
      expect(asset.status, src).toBe(200);
      expect((await asset.arrayBuffer()).byteLength).toBeGreaterThan(0);
    }
  });

  it('passes redocly lint (recommended rules) with no error, and says what it really answers', async () => {
    const spec = (await (await t.get('/openapi.json')).json()) as {
      paths: Record<string, Record<string, { requestBody?: unknown; responses: Record<string, { description?: string; content?: Record<string, unknown>; headers?: Record<string, unknown> }>; security?: unknown[] }>>;
      webhooks: Record<string, unknown>;
      components: { securitySchemes: Record<string, unknown> };
    };
    const dir = tempDir();
    try {
      const file = join(dir.path, 'openapi.json');
      writeFileSync(file, JSON.stringify(spec));
      const lint = spawnSync(process.execPath, [join('node_modules', '@redocly', 'cli', 'bin', 'cli.js'), 'lint', file], { encoding: 'utf8' });
      expect(lint.status, lint.stdout + lint.stderr).toBe(0);
      expect(lint.stdout + lint.stderr).toMatch(/valid/);
    } finally {
      dir.remove();
    }
    // Every error is a problem document, as served (but /ready's 503, its own readiness body, and
    // the PortOne listener's paths, whose errors are PortOne's { type, message }).
    for (const [path, ops] of Object.entries(spec.paths)) {
      if (path === '/ready' || 'servers' in ops) continue;
      for (const op of operationsOf(ops)) {
        for (const [status, response] of Object.entries(op.responses)) {
          if (Number(status) >= 400) expect(Object.keys(response.content ?? {}), status).toEqual(['application/problem+json']);
        }
      }
    }
    const accept = spec.paths['/api/payment']!.post!;
    expect(Object.keys(accept.responses)).toEqual(expect.arrayContaining(['202', '400', '403', '409', '413', '415', '422', '429', '500', '503']));
    expect(accept.responses['202']!.headers).toHaveProperty('Idempotent-Replayed');
    expect(spec.paths['/api/admin/process']!.post!.security).toEqual([{ adminBearer: [] }, { adminHeader: [] }]);
    expect(Object.keys(spec.paths['/metrics']!.get!.responses['200']!.content!)).toEqual(['text/plain; version=0.0.4']);
    expect(Object.keys(spec.webhooks)).toEqual(['seed.payment', 'hamster-world.payment', 'portone.payment']);
    // Every write documents its request body (a validating proxy would refuse calls otherwise).
    const ops = spec.paths as unknown as Record<string, Record<string, { requestBody?: unknown }>>;
    for (const [path, method] of [
      ['/api/admin/scenarios', 'put'],
      ['/api/admin/scenarios', 'post'],
      ['/api/admin/scenarios/{name}', 'put'],
      ['/api/admin/merchants/{mid}', 'put'],
      ['/api/payment', 'post'],
      ['/api/payment-process', 'post'],
      ['/api/mid', 'post'],
    ] as const) {
      expect(ops[path]?.[method]?.requestBody, `${method} ${path}`).toBeDefined();
    }
    // The cancel's body may be left out (all that is left), and its 409 says which codes mean what.
    const cancel = spec.paths['/api/payment/{tid}/cancel']!.post!;
    expect(cancel.requestBody).toMatchObject({ required: false });
    expect(cancel.responses['409']!.description).toContain('CANCEL_AMOUNT_EXCEEDS_BALANCE');
    expect(accept.requestBody).toMatchObject({ required: true });
  });
});

/** The operations of a path item (not its `servers` or `parameters`). */
function operationsOf<T>(item: Record<string, T>): T[] {
  return Object.entries(item)
    .filter(([key]) => ['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace'].includes(key))
    .map(([, op]) => op);
}
