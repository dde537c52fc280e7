/**
 * The dashboard's files and the API reference's assets, as a browser (and
 * curl) gets them: the right type, a validator that answers 304 while the
 * file is unchanged and a new body once it changes, HEAD without a body, and
 * nothing but the folder's own files.
 */
import { mkdirSync, readFileSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { swaggerUiAssets } from '../../src/http/docs-ui.js';
import type { HttpServer } from '../../src/http/server.js';
import { contentTypeOf, serveFolder } from '../../src/http/static-files.js';
import { DASHBOARD_DIR } from '../../src/paths.js';
import { startTestApp, type TestApp } from '../setup/app.js';
import { tempDir } from '../setup/tmp.js';

describe('the service’s static files', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('serves every dashboard file with its type, and / as index.html', async () => {
    const files = readdirSync(DASHBOARD_DIR);
    expect(files).toContain('index.html');
    for (const name of files) {
      const res = await t.get(`/${name}`);
      expect(res.status, name).toBe(200);
      expect(res.headers.get('content-type'), name).toBe(contentTypeOf(name));
      expect(Buffer.from(await res.arrayBuffer()).equals(readFileSync(join(DASHBOARD_DIR, name))), name).toBe(true);
    }
    const root = await t.get('/');
    expect(root.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await root.text()).toBe(readFileSync(join(DASHBOARD_DIR, 'index.html'), 'utf8'));
  });

  it('answers 304 to a browser that has the file, and HEAD with the length and no body', async () => {
    const first = await t.get('/app.js');
    const etag = first.headers.get('etag');
    expect(etag).toMatch(/^W\/"[0-9a-f]+-[0-9a-f]+"$/);
    expect(first.headers.get('cache-control')).toBe('no-cache');
    expect(first.headers.get('last-modified')).toBe(new Date(first.headers.get('last-modified')!).toUTCString());
    const again = await fetch(`${t.url}/app.js`, { headers: { 'if-none-match': etag! } });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe('');
    const other = await fetch(`${t.url}/app.js`, { headers: { 'if-none-match': 'W/"0-0", "nope"' } });
    expect(other.status).toBe(200);
    const head = await fetch(`${t.url}/app.js`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe(String(readFileSync(join(DASHBOARD_DIR, 'app.js')).length));
    expect(await head.text()).toBe('');
  });

  it('serves nothing outside the folder: other paths are 404 problems', async () => {
    for (const path of ['/package.json', '/../package.json', '/%2e%2e/package.json', '/dashboard/app.js', '/docs/static/csp.json', '/docs/static/index.html']) {
      const res = await t.get(path);
      expect(res.status, path).toBe(404);
      expect(res.headers.get('content-type'), path).toMatch(/^application\/problem\+json/);
    }
    // A file's path with a method it does not answer: 405 with Allow.
    const post = await fetch(`${t.url}/app.js`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toContain('GET');
  });

  it('/docs and /docs/ both load every asset they name, under the reference’s CSP', async () => {
    for (const page of ['/docs', '/docs/']) {
      const res = await t.get(page);
      expect(res.status, page).toBe(200);
      expect(res.headers.get('content-security-policy'), page).toMatch(/script-src 'self';/);
      expect(res.headers.get('x-frame-options'), page).toBe('DENY');
      const html = await res.text();
      const refs = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
      expect(refs.length, page).toBeGreaterThanOrEqual(4);
      for (const ref of refs) {
        expect(ref, page).not.toMatch(/^(https?:)?\/\//);
        const url = new URL(ref, `${t.url}${page}`);
        const asset = await t.get(url.pathname);
        expect(asset.status, `${page} → ${url.pathname}`).toBe(200);
        expect(asset.headers.get('content-type'), url.pathname).toBe(contentTypeOf(url.pathname));
        expect((await asset.arrayBuffer()).byteLength, url.pathname).toBeGreaterThan(0);
      }
    }
    // The document at the reference's own paths too.
    const json = (await (await t.get('/docs/json')).json()) as { openapi: string };
    expect(json.openapi).toBe('3.1.0');
    const yaml = await t.get('/docs/yaml');
    expect(yaml.headers.get('content-type')).toMatch(/^application\/yaml/);
    expect(await yaml.text()).toMatch(/^openapi: 3\.1\.0$/m);
  });
});

describe('serveFolder', () => {
  let app: HttpServer;
  let dir: ReturnType<typeof tempDir>;
  let url: string;
  beforeAll(async () => {
    dir = tempDir();
    writeFileSync(join(dir.path, 'page.html'), '<p>one</p>');
    writeFileSync(join(dir.path, 'data.bin'), Buffer.from([0, 1, 2]));
    mkdirSync(join(dir.path, 'inner'));
    writeFileSync(join(dir.path, 'inner', 'hidden.txt'), 'no');
    app = Fastify() as unknown as HttpServer;
    serveFolder(app, { dir: dir.path, prefix: '/files/', headers: { 'x-extra': 'yes' } });
    url = await app.listen({ host: '127.0.0.1', port: 0 });
  });
  afterAll(async () => {
    await app.close();
    dir.remove();
  });

  it('gives an edited file a new validator and its new body, and a removed one a 404', async () => {
    const page = join(dir.path, 'page.html');
    const before = await fetch(`${url}/files/page.html`);
    expect(await before.text()).toBe('<p>one</p>');
    expect(before.headers.get('x-extra')).toBe('yes');
    writeFileSync(page, '<p>two, longer</p>');
    utimesSync(page, new Date(), new Date(Date.now() + 5000));
    const after = await fetch(`${url}/files/page.html`, { headers: { 'if-none-match': before.headers.get('etag')! } });
    expect(after.status).toBe(200);
    expect(after.headers.get('etag')).not.toBe(before.headers.get('etag'));
    expect(await after.text()).toBe('<p>two, longer</p>');
    expect((await fetch(`${url}/files/data.bin`)).headers.get('content-type')).toBe('application/octet-stream');
    expect((await fetch(`${url}/files/inner/hidden.txt`)).status).toBe(404);
    rmSync(page);
    expect((await fetch(`${url}/files/page.html`)).status).toBe(404);
  });

  it('finds Swagger UI’s browser build where the package ships it', () => {
    const files = readdirSync(swaggerUiAssets());
    expect(files).toEqual(expect.arrayContaining(['swagger-ui-bundle.js', 'swagger-ui.css', 'favicon-32x32.png']));
  });
});
