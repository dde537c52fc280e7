/**
 * The HTTP edges Node's server would otherwise answer with an empty body:
 * `Host` exactly once (missing on HTTP/1.1 or repeated is 400), an `Expect`
 * other than 100-continue is 417, each as a problem. The common request
 * pays a scan of its raw header names, nothing more. (The JSON body reader
 * is body.ts; which methods a path has, for 405, route-methods.ts.)
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { printable } from './body.js';
import { PROBLEM_CONTENT_TYPE, problem } from './problem.js';
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
