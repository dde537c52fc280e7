/**
 * The webhook inspector's API (the dashboard's #/webhooks, `hamster-pg
 * resend`): deliveries across payments by state and filters with counts, one
 * delivery with the exact request and answer of each attempt, a re-send of
 * one, and a bounded requeue of the DEAD or HELD ones matching a filter.
 * Not under /api/admin: like the payment re-send, these are test aids on the
 * sandbox's own outbox.
 */
import { DeliveryNotFound } from '../errors.js';
import type { PaymentServices } from '../payments/payment.services.js';
import { REQUEUE_LIMIT } from '../payments/redeliver.service.js';
import type { DeliveryFilter, Store } from '../store/store.js';
import { Type } from 'typebox';
import { Problem } from './problem.js';
import type { HttpServer } from './server.js';
import {
  Counts,
  DeliveryDetail,
  DeliveryParams,
  DeliveryView,
  ListQuery,
  RequeueAnswer,
  RequeueQuery,
  ResendAnswer,
  attemptView,
  deliveryView,
  outcomeAttempt,
} from './webhooks.schemas.js';

function filterOf(q: DeliveryFilter): DeliveryFilter {
  return {
    ...(q.tid ? { tid: q.tid } : {}),
    ...(q.mid ? { mid: q.mid } : {}),
    ...(q.profile ? { profile: q.profile } : {}),
    ...(q.url ? { url: q.url } : {}),
  };
}

export function registerWebhookRoutes(app: HttpServer, deps: { store: Store; services: PaymentServices }): void {
  const { store, services } = deps;

  app.get(
    '/api/webhooks',
    {
      schema: {
        summary: 'List webhook deliveries, newest first, by state and filters, with counts per state',
        description: "Every delivery across payments (and store events, such as a PortOne billing key's). `counts` covers the filters but not `state`, so it says how many each state tab holds.",
        tags: ['webhooks'],
        querystring: ListQuery,
        response: {
          200: Type.Object({ items: Type.Array(DeliveryView), counts: Counts, nextBefore: Type.Union([Type.Integer(), Type.Null()]) }),
          400: Problem,
        },
      },
    },
    async (request) => {
      const q = request.query;
      const filter = filterOf(q);
      const limit = q.limit ?? 50;
      const [items, counts] = await Promise.all([
        store.listDeliveriesAcross({ ...filter, ...(q.state ? { state: q.state } : {}), ...(q.before === undefined ? {} : { before: q.before }), limit }),
        store.countDeliveriesByState(filter),
      ]);
      return { items: items.map(deliveryView), counts, nextBefore: items.length === limit ? items.at(-1)!.id : null };
    },
  );

  app.get(
    '/api/webhooks/:deliveryId',
    {
      schema: {
        summary: 'One webhook delivery with every attempt: the exact request sent (headers, signature, body) and the answer',
        tags: ['webhooks'],
        params: DeliveryParams,
        response: { 200: DeliveryDetail, 400: Problem, 404: Problem },
      },
    },
    async (request) => {
      const { deliveryId } = request.params;
      const delivery = await store.findDelivery(deliveryId);
      if (delivery === null) throw new DeliveryNotFound(deliveryId);
      const attempts = await store.listDeliveryAttempts(deliveryId);
      return { delivery: deliveryView(delivery), body: delivery.payload, attempts: attempts.map((a) => attemptView(a, delivery.payload)) };
    },
  );

  app.post(
    '/api/webhooks/:deliveryId/resend',
    {
      schema: {
        summary: 'Send one webhook delivery again now, answered with the attempt',
        description:
          'A delivery still waiting (PENDING for a retry, or HELD) is sent now itself; otherwise (DELIVERED, DEAD) a new MANUAL delivery of the same event — the same webhook-id and bytes — is made and sent. The answer names the delivery that was sent.',
        tags: ['webhooks'],
        params: DeliveryParams,
        response: { 200: ResendAnswer, 400: Problem, 404: Problem },
      },
    },
    async (request) => {
      const { deliveryId } = request.params;
      const result = await services.redeliver(deliveryId);
      if (result.kind === 'not-found') throw new DeliveryNotFound(deliveryId);
      const sent = (await store.findDelivery(result.outcome.delivery.id)) ?? result.outcome.delivery;
      return { resentFrom: result.resentFrom, delivery: deliveryView(sent), attempt: outcomeAttempt(result.outcome) };
    },
  );

  app.post(
    '/api/webhooks/resend',
    {
      schema: {
        summary: 'Requeue every DEAD or HELD delivery matching the filters (in the background)',
        description: `Up to ${REQUEUE_LIMIT} matching deliveries, oldest first, go back to PENDING, due now; the dispatcher sends them at its own concurrency, with the same webhook-id and bytes. A DEAD delivery gets one more attempt; a HELD one starts its retry schedule. \`remaining\` says how many still match: call again for them.`,
        tags: ['webhooks'],
        querystring: RequeueQuery,
        response: { 202: RequeueAnswer, 400: Problem },
      },
    },
    async (request, reply) => {
      const { state, ...rest } = request.query;
      const { requeued, remaining } = await services.requeueMatching({ state, filter: filterOf(rest) });
      return reply.code(202).send({ requeued, remaining, limit: REQUEUE_LIMIT });
    },
  );
}
