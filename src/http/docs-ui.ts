/**
 * The interactive API reference at /docs: Swagger UI's browser build, served
 * from this machine (no CDN), reading /openapi.json.
 *
 * The page and the start-up script are ours; the assets are the browser build
 * that @fastify/swagger-ui ships in its `static/` folder (the package is a
 * dependency for that folder only — its plugin code, with @fastify/static and
 * its own YAML library, is not loaded: 35–65 ms of every start). Links are
 * relative, so the reference also works under a proxy's path prefix.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { HttpServer } from './server.js';
import { serveFolder } from './static-files.js';

/** Swagger UI renders with inline style attributes; scripts stay this origin's only; never framed. */
export const DOCS_CSP =
  "default-src 'self'; base-uri 'self'; font-src 'self' data:; frame-ancestors 'none'; img-src 'self' data:; " +
  "object-src 'none'; script-src 'self'; script-src-attr 'none'; style-src 'self' 'unsafe-inline'; connect-src 'self'";

const TITLE = 'hamster-pg API reference';

/** Where the browser build is, without loading the package. */
export function swaggerUiAssets(): string {
  return join(dirname(createRequire(import.meta.url).resolve('@fastify/swagger-ui/package.json')), 'static');
}

/** The page, its assets under `{prefix}` relative to where it is read (`/docs` or `/docs/`). */
function page(assets: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${TITLE}</title>
<link rel="stylesheet" href="${assets}/swagger-ui.css">
<link rel="icon" type="image/png" href="${assets}/favicon-32x32.png" sizes="32x32">
</head>
<body>
<div id="swagger-ui"></div>
<script src="${assets}/swagger-ui-bundle.js"></script>
<script src="${assets}/start.js"></script>
</body>
</html>
`;
}

/**
 * Started from a file, not inline (the CSP allows no inline script). The
 * document is /openapi.json: one level up from /docs/ (and from /docs).
 */
const START = `'use strict';
window.addEventListener('load', function () {
  window.ui = SwaggerUIBundle({
    url: new URL('../openapi.json', location.href.replace(/[?#].*$/, '').replace(/\\/?$/, '/')).href,
    dom_id: '#swagger-ui',
    presets: [SwaggerUIBundle.presets.apis],
    layout: 'BaseLayout',
    docExpansion: 'list',
    deepLinking: true,
    validatorUrl: null,
  });
});
`;

export function registerDocsUi(app: HttpServer, assets = swaggerUiAssets()): void {
  const headers = { 'content-security-policy': DOCS_CSP, 'x-frame-options': 'DENY', 'referrer-policy': 'no-referrer' };
  const html = { ...headers, 'content-type': 'text/html; charset=utf-8' };
  // `/docs/` reads its assets at `static/…`; `/docs` (no slash) at `docs/static/…`.
  const withSlash = page('static');
  const withoutSlash = page('docs/static');
  app.get('/docs', { schema: { hide: true } }, (_request, reply) => reply.headers(html).send(withoutSlash));
  app.get('/docs/', { schema: { hide: true } }, (_request, reply) => reply.headers(html).send(withSlash));
  app.get('/docs/static/start.js', { schema: { hide: true } }, (_request, reply) =>
    reply.headers({ ...headers, 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'no-cache' }).send(START),
  );
  // The document at the paths Swagger UI's plugin used to give it, for anyone who kept them.
  app.get('/docs/json', { schema: { hide: true } }, () => app.swagger());
  app.get('/docs/yaml', { schema: { hide: true } }, (_request, reply) => reply.type('application/yaml').send(app.swagger({ yaml: true })));
  // The package's own page and CSP list are not ours to serve.
  serveFolder(app, { dir: assets, prefix: '/docs/static/', skip: ['index.html', 'csp.json', 'start.js'], headers });
}
