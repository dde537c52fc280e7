/**
 * What a browser may do here. hamster-pg's writes are meant for services
 * (no cookies, no browser), its own dashboard (same origin), and pages the
 * operator names in `server.cors.origins`. So:
 * - a state-changing request (POST, PUT, PATCH, DELETE) that a browser sends
 *   from another origin — `Sec-Fetch-Site: cross-site | same-site`, or an
 *   `Origin` that is not this host — is refused (403) unless its origin is
 *   allowed; a "simple" cross-site form or fetch can change nothing;
 * - CORS is off unless origins are allowed: a preflight from anywhere else
 *   is refused (403); an allowed origin gets the CORS headers;
 * - requests without those headers (curl, your service, the Cash Gateway)
 *   are not browsers and are not affected.
 * The dashboard's page and the API docs carry a strict CSP and frame
 * protection; every answer says `X-Content-Type-Options: nosniff`.
 */
import { CorsOriginNotAllowed, CrossSiteRequest } from '../errors.js';
import type { HttpServer } from './server.js';

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);
const ALLOW_METHODS = 'GET, HEAD, POST, PUT, DELETE';
const ALLOW_HEADERS = 'content-type, authorization, idempotency-key, x-hamster-scenario, x-admin-token, x-request-id';
const EXPOSE_HEADERS = 'idempotent-replayed, retry-after, x-request-id, allow';

/** The dashboard's page: everything from this origin, nothing inline, never framed. */
export const DASHBOARD_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
  "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

export function registerBrowserSafety(app: HttpServer, corsOrigins: readonly string[]): void {
  const any = corsOrigins.includes('*');
  const allowed = new Set(corsOrigins);
  const isAllowed = (origin: string) => any || allowed.has(origin);

  app.addHook('onRequest', (request, reply, done) => {
    const origin = request.headers.origin;
    if (request.method === 'OPTIONS' && origin !== undefined && request.headers['access-control-request-method'] !== undefined) {
      // A CORS preflight.
      if (!isAllowed(origin)) return done(new CorsOriginNotAllowed(origin));
      void reply
        .code(204)
        .headers({
          'access-control-allow-origin': origin,
          'access-control-allow-methods': ALLOW_METHODS,
          'access-control-allow-headers': ALLOW_HEADERS,
          'access-control-max-age': '600',
          vary: 'Origin',
        })
        .send();
      return;
    }
    if (SAFE.has(request.method)) return done();
    const site = request.headers['sec-fetch-site'];
    // Not a browser (or one too old to say): services and test suites.
    if (site === undefined && origin === undefined) return done();
    if (origin !== undefined && origin !== 'null' && isAllowed(origin)) return done();
    if (site === 'same-origin' || site === 'none') return done();
    if (site === undefined && origin !== undefined && sameHost(origin, request.headers.host)) return done();
    done(new CrossSiteRequest(origin ?? `a ${site} page`));
  });

  app.addHook('onSend', (request, reply, payload, done) => {
    void reply.header('x-content-type-options', 'nosniff');
    const origin = request.headers.origin;
    if (origin !== undefined && corsOrigins.length > 0 && isAllowed(origin)) {
      void reply.headers({ 'access-control-allow-origin': origin, 'access-control-expose-headers': EXPOSE_HEADERS, vary: 'Origin' });
    }
    const type = reply.getHeader('content-type');
    if (typeof type === 'string' && type.startsWith('text/html') && !reply.hasHeader('content-security-policy')) {
      void reply.headers({ 'content-security-policy': DASHBOARD_CSP, 'x-frame-options': 'DENY', 'referrer-policy': 'no-referrer' });
    }
    done(null, payload);
  });
}

/** `Origin: http://127.0.0.1:8083` against `Host: 127.0.0.1:8083`. */
function sameHost(origin: string, host: string | undefined): boolean {
  if (host === undefined) return false;
  try {
    return new URL(origin).host === host.toLowerCase();
  } catch {
    return false;
  }
}
