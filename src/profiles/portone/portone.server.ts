/**
 * The PortOne contract's own listener. The SDK resolves its absolute paths
 * (`/payments/…`) against the origin of `baseUrl`, so the API must answer at
 * the root of a port of its own. Bodies are JSON whatever their content type
 * (the SDK sends text/plain), every request must carry a store's secret
 * (`Authorization: PortOne <secret>`), and every refusal is PortOne's
 * `{ type, message }` with its status — never HTML or a problem document,
 * which would make the SDK throw a SyntaxError instead of its error class.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import Fastify, { LogController, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { DomainError } from '../../errors.js';
import { jsonBodyParser } from '../../http/body.js';
import { HttpProblem } from '../../http/problem.js';
import { BODY_LIMIT } from '../../http/server.js';
import type { Logger } from '../../log.js';
import type { MerchantRecord } from '../../merchants/merchant.js';
import { PortOneFailure, forbidden, invalidRequest, serviceUnavailable, unauthorized } from './portone.errors.js';
import { LAZY_SERIALIZERS } from '../../http/lazy-serializers.js';

export type PortOneServer = FastifyInstance<Server, IncomingMessage, ServerResponse, Logger>;

declare module 'fastify' {
  interface FastifyRequest {
    /** The store whose secret the request carries. */
    portoneStore: MerchantRecord | null;
  }
}

const SCHEME = /^PortOne\s+(\S+)\s*$/i;

export function createPortOneServer(log: Logger, storeBySecret: (secret: string) => MerchantRecord | undefined): PortOneServer {
  let seq = 0;
  const app = Fastify({
    loggerInstance: log,
    schemaController: LAZY_SERIALIZERS,
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: BODY_LIMIT,
    genReqId: () => `portone-${(++seq).toString(36)}`,
    return503OnClosing: true,
    forceCloseConnections: 'idle',
  });
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', jsonBodyParser(BODY_LIMIT));
  app.decorateRequest('portoneStore', null);

  app.addHook('onRequest', async (request) => {
    const header = request.headers.authorization;
    const secret = header === undefined ? undefined : SCHEME.exec(header)?.[1];
    if (secret === undefined) throw unauthorized('Authorization: PortOne <API secret> is required');
    const store = storeBySecret(secret);
    if (!store) throw unauthorized('The API secret is not one of any store');
    if (!store.active) throw forbidden(`Store ${store.mid} is inactive`);
    request.portoneStore = store;
  });

  app.setErrorHandler((error, request, reply) => sendFailure(error, request, reply));
  app.setNotFoundHandler((request, reply) => {
    void reply.code(404).send({ type: 'NOT_FOUND', message: `No PortOne API at ${request.method} ${request.url.split('?')[0]}` });
  });
  return app;
}

/** The store the request acts for: the secret's, which a `storeId` in the request may only repeat. */
export function storeOf(request: FastifyRequest, storeId?: string): MerchantRecord {
  const store = request.portoneStore!;
  if (storeId !== undefined && storeId !== store.mid) throw forbidden(`The API secret is not for store ${storeId}`);
  return store;
}

function sendFailure(error: unknown, request: FastifyRequest, reply: FastifyReply): void {
  const failure = asFailure(error);
  if (failure.status >= 500 && failure.type !== 'PG_PROVIDER') request.log.error({ err: error, reqId: request.id }, 'PortOne request failed');
  void reply.code(failure.status).send(failure.body());
}

function asFailure(error: unknown): PortOneFailure {
  if (error instanceof PortOneFailure) return error;
  if (error instanceof HttpProblem || (error instanceof DomainError && !(error.code === 'STORE_UNAVAILABLE'))) {
    return invalidRequest(error.message);
  }
  if (error instanceof DomainError) return serviceUnavailable(error.message);
  const e = error as { statusCode?: number; message?: string };
  if (typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) return invalidRequest(e.message ?? 'Bad request');
  return new PortOneFailure(500, 'INTERNAL_SERVER_ERROR', 'hamster-pg could not handle the request');
}
