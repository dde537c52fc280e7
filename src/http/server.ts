/**
 * The Fastify instance: JSON only (anything else is 415), in UTF-8, plain or
 * gzip/deflate/br (edges.ts), bodies up to 1 MiB after decoding (413 beyond),
 * request validation by the routes' TypeBox schemas (bodies are never
 * coerced: "10000" is not a number), a wrong method on a known path 405 with
 * `Allow`, and every error answered as a problem+json document — those Node's
 * HTTP server raises before Fastify sees the request too.
 */
import { STATUS_CODES, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import Fastify, { LogController, type FastifyInstance, type FastifyReply, type FastifyRequest, type FastifySchemaCompiler } from 'fastify';
import { TypeBoxValidatorCompiler, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { TSchema } from 'typebox';
import { Compile } from 'typebox/compile';
import { DomainError } from '../errors.js';
import type { Logger } from '../log.js';
import { registerDocs, type DocumentedWebhooks } from './docs.js';
import type { DocumentedPaths } from './openapi.js';
import { jsonBodyParser } from './body.js';
import { LAZY_SERIALIZERS } from './lazy-serializers.js';
import { createEdgeServer } from './edges.js';
import { RouteMethods } from './route-methods.js';
import { HttpProblem, PROBLEM_CONTENT_TYPE, problem, toProblem } from './problem.js';

export type HttpServer = FastifyInstance<Server, IncomingMessage, ServerResponse, Logger, TypeBoxTypeProvider>;

export const BODY_LIMIT = 1024 * 1024;

/** application/json, and the structured-syntax variants (application/*+json). */
const JSON_CONTENT_TYPE = /^application\/([a-z0-9.!#$&^_-]+\+)?json(\s*;.*)?$/i;

/** The server, with the OpenAPI document and /docs registered before any route (so they see them all). */
export async function createHttpServer(
  logger: Logger,
  version: string,
  webhooks: DocumentedWebhooks = {},
  extraPaths?: () => DocumentedPaths,
): Promise<HttpServer> {
  let seq = 0;
  const app = Fastify({
    loggerInstance: logger,
    schemaController: LAZY_SERIALIZERS,
    // Per-request lines would drown the per-payment ones (which carry the tid).
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: BODY_LIMIT,
    requestIdHeader: 'x-request-id',
    genReqId: () => `req-${(++seq).toString(36)}`,
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    frameworkErrors: (error, request, reply) => sendProblem(error, request, reply),
    clientErrorHandler: answerUnparsableRequest,
    // Node's server with our Host and Expect answers (edges.ts).
    serverFactory: createEdgeServer,
  }).withTypeProvider<TypeBoxTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);

  app.removeAllContentTypeParsers();
  app.addContentTypeParser(JSON_CONTENT_TYPE, jsonBodyParser(BODY_LIMIT));

  app.setErrorHandler((error, request, reply) => sendProblem(error, request, reply));
  // Every route's methods by path, for 405 (hooked before any route is added).
  const routes = new RouteMethods();
  app.addHook('onRoute', (route) => routes.add(route.method, route.url));
  await registerDocs(app, version, webhooks, extraPaths);
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0]!;
    const allow = routes.allowed(path);
    if (allow.length === 0) {
      void reply.code(404).type(PROBLEM_CONTENT_TYPE).send(problem(404, 'NOT_FOUND', 'Not found', `No route for ${request.method} ${path}`));
      return;
    }
    void reply
      .code(405)
      .header('allow', allow.join(', '))
      .type(PROBLEM_CONTENT_TYPE)
      .send(problem(405, 'METHOD_NOT_ALLOWED', 'Method not allowed', `${path} does not answer ${request.method}; it answers ${allow.join(', ')}`));
  });
  return app;
}

function sendProblem(error: unknown, request: FastifyRequest, reply: FastifyReply): void {
  const body = toProblem(error, request.id);
  // A 5xx a scenario scripted (a DomainError) is the service doing its job, not an error.
  if (body.status >= 500 && !(error instanceof DomainError)) request.log.error({ err: error, reqId: request.id }, 'request failed');
  else request.log.debug({ code: body.code, detail: body.detail }, 'request refused');
  if (error instanceof HttpProblem) void reply.headers(error.headers);
  void reply.code(body.status).type(PROBLEM_CONTENT_TYPE).send(body);
}

/** What Node's HTTP server says for each error it raises before a request exists (see its socketOnError). */
function parserProblem(code: string | undefined) {
  switch (code) {
    case 'HPE_HEADER_OVERFLOW':
      return problem(431, 'HEADERS_TOO_LARGE', 'Request headers too large', 'The request headers are larger than the server accepts');
    case 'HPE_CHUNK_EXTENSIONS_OVERFLOW':
      return problem(413, 'PAYLOAD_TOO_LARGE', 'Payload too large', 'The chunk extensions of the body are larger than the server accepts');
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return problem(408, 'REQUEST_TIMEOUT', 'Request timeout', 'The request did not arrive in time');
    default:
      return problem(400, 'BAD_REQUEST', 'Bad request', 'The HTTP request could not be parsed');
  }
}

/**
 * A request Node's HTTP parser rejects (bad framing, oversized headers or
 * chunk extensions, too slow) still gets a problem — unless an answer has
 * already begun on the connection, which a write would corrupt.
 */
function answerUnparsableRequest(error: Error & { code?: string }, socket: Socket): void {
  const inFlight = (socket as Socket & { _httpMessage?: { headersSent?: boolean } | null })._httpMessage;
  if (error.code === 'ECONNRESET' || !socket.writable || inFlight?.headersSent === true) {
    socket.destroy(error);
    return;
  }
  const body = parserProblem(error.code);
  const text = JSON.stringify(body);
  socket.end(
    `HTTP/1.1 ${body.status} ${STATUS_CODES[body.status]}\r\nConnection: close\r\nContent-Type: ${PROBLEM_CONTENT_TYPE}\r\n` +
      `Content-Length: ${Buffer.byteLength(text)}\r\n\r\n${text}`,
  );
}

/**
 * TypeBox's validators, with one shortcut: headers that already pass their
 * schema are taken as they are. (The stock compiler converts headers,
 * querystrings and params before checking; for headers — strings already —
 * that conversion was a visible share of every accepted payment.) Headers
 * that fail the check go through the stock path, conversion included.
 */
const validatorCompiler: FastifySchemaCompiler<TSchema> = (route) => {
  const stock = TypeBoxValidatorCompiler(route);
  if (route.httpPart !== 'headers') return stock;
  const check = Compile(route.schema);
  return (value) => (check.Check(value) ? { value } : stock(value));
};
