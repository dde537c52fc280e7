/**
 * The HTTP edges: the answers Node's HTTP server would otherwise give with an
 * empty body, and what a path answers.
 *
 * - The server: `Host` exactly once (missing on HTTP/1.1 or repeated is 400),
 *   an `Expect` other than 100-continue is 417, each as a problem.
 * - Routes by path: which methods a path has, for 405 and its `Allow`.
 *
 * The common request (one Host) pays a scan of its raw header names, nothing more.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { PROBLEM_CONTENT_TYPE, problem } from './problem.js';

/** A header may hold anything: control characters, U+FFFD and surrogates become escapes. */
function printable(message: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are what it looks for
  return message.replace(/[\x00-\x1f\x7f-\x9f\ufffd\ud800-\udfff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

// ---------------------------------------------------------------------------
// The server: Host and Expect, answered before Fastify sees the request.

const answers = {
  missingHost: JSON.stringify(problem(400, 'MISSING_HOST', 'Missing Host', 'An HTTP/1.1 request must have a Host header (RFC 9112 §3.2)')),
  duplicateHost: JSON.stringify(problem(400, 'DUPLICATE_HOST', 'Duplicate Host', 'The request has more than one Host header (RFC 9112 §3.2)')),
};

function expectationFailed(expect: string): string {
  return JSON.stringify(
    problem(417, 'EXPECTATION_FAILED', 'Expectation failed', `Expect: ${printable(expect)} is not supported; the only expectation is 100-continue`),
  );
}

/** Answers a request with a problem and closes the connection (its body, if any, is not read). */
function answer(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, {
    'content-type': PROBLEM_CONTENT_TYPE,
    'content-length': Buffer.byteLength(body),
    connection: 'close',
  });
  res.end(body);
}

/** The refusal of a request's Host headers: none on HTTP/1.1, or more than one. Allocates nothing. */
function hostRefusal(req: IncomingMessage): string | null {
  const raw = req.rawHeaders;
  let hosts = 0;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    if (
      name.length === 4 &&
      (name.charCodeAt(0) | 0x20) === 0x68 && // h
      (name.charCodeAt(1) | 0x20) === 0x6f && // o
      (name.charCodeAt(2) | 0x20) === 0x73 && // s
      (name.charCodeAt(3) | 0x20) === 0x74 // t
    ) {
      hosts++;
    }
  }
  if (hosts === 1) return null;
  if (hosts > 1) return answers.duplicateHost;
  return req.httpVersionMajor === 1 && req.httpVersionMinor === 1 ? answers.missingHost : null;
}

/**
 * Fastify's serverFactory: Node's own server with the settings Fastify
 * gives its own (timeouts), but the Host rule is ours (Node's answers a
 * missing Host with an empty 400 and lets a second one through), and an
 * Expect Node does not meet is answered with a problem, not an empty 417.
 */
export function createEdgeServer(
  handler: (req: IncomingMessage, res: ServerResponse) => void,
  options: Record<string, unknown>,
): Server {
  const server = createServer({ requireHostHeader: false }, (req, res) => {
    const refusal = hostRefusal(req);
    if (refusal === null) handler(req, res);
    else answer(res, 400, refusal);
  });
  server.on('checkExpectation', (req: IncomingMessage, res: ServerResponse) => {
    const refusal = hostRefusal(req);
    if (refusal !== null) answer(res, 400, refusal);
    else answer(res, 417, expectationFailed(req.headers.expect ?? ''));
  });
  server.keepAliveTimeout = options.keepAliveTimeout as number;
  server.requestTimeout = options.requestTimeout as number;
  server.setTimeout(options.connectionTimeout as number);
  const perSocket = options.maxRequestsPerSocket;
  if (typeof perSocket === 'number' && perSocket > 0) server.maxRequestsPerSocket = perSocket;
  return server;
}

// ---------------------------------------------------------------------------
// Routes by path: the methods a path answers, for 405 Method Not Allowed.

/** The order methods are listed in `Allow`. */
const METHOD_ORDER = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];

/**
 * Every route's method and path pattern (find-my-way's syntax: `:param`,
 * `:param(regex)`, a trailing `*`), to say which methods a concrete path has.
 * Only the not-found answer asks, so matching is a plain scan.
 */
export class RouteMethods {
  private readonly routes: Array<{ method: string; pattern: RegExp }> = [];

  add(method: string | string[], url: string): void {
    const pattern = compile(url);
    for (const m of Array.isArray(method) ? method : [method]) this.routes.push({ method: m.toUpperCase(), pattern });
  }

  /** The methods some route answers `path` (no query) with, in `Allow` order; GET brings HEAD. */
  allowed(path: string): string[] {
    const methods = new Set<string>();
    for (const r of this.routes) if (r.pattern.test(path)) methods.add(r.method);
    if (methods.has('GET')) methods.add('HEAD');
    const rank = (m: string) => (METHOD_ORDER.indexOf(m) + 1 || METHOD_ORDER.length + 1);
    return [...methods].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
  }
}

function compile(url: string): RegExp {
  let source = '';
  for (let i = 0; i < url.length; ) {
    const c = url[i]!;
    if (c === ':' && url[i + 1] === ':') {
      source += ':';
      i += 2;
    } else if (c === ':') {
      let j = i + 1;
      while (j < url.length && /[\w$]/.test(url[j]!)) j++;
      if (url[j] === '(') {
        let depth = 0;
        let k = j;
        for (; k < url.length; k++) {
          if (url[k] === '\\') k++;
          else if (url[k] === '(') depth++;
          else if (url[k] === ')' && --depth === 0) break;
        }
        source += `(?:${url.slice(j + 1, k).replace(/^\^/, '').replace(/\$$/, '')})`;
        j = k + 1;
      } else {
        source += '[^/]+';
      }
      i = j;
    } else if (c === '*') {
      source += '.*';
      i++;
    } else {
      source += c.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
      i++;
    }
  }
  return new RegExp(`^${source}$`);
}
