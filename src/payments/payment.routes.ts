/**
 * The seed's API: accept a payment (202 after the row is committed), look a
 * transaction up, and trigger its webhook by hand.
 */
import { ValidationFailed } from '../errors.js';
import type { HttpServer } from '../http/server.js';
import type { Logger } from '../log.js';
import type { Store } from '../store.js';
import { toLocalDateTime, toLocalDateTimeOrNull } from '../time.js';
import { isDelivered } from '../webhooks/backoff.js';
import type { DeliveryOutcome } from '../worker/dispatcher.js';
import type { PaymentProcess } from './payment.js';
import {
  ACK_MESSAGE,
  AttemptList,
  PaymentAck,
  PaymentRequest,
  Problem,
  TidParams,
  TransactionView,
  TriggerQuery,
  TriggerResponse,
} from './payment.schemas.js';
import { PaymentNotFound } from '../errors.js';
import { triggerWebhook, type TriggerDeps } from './trigger.js';

export interface PaymentRouteDeps extends TriggerDeps {
  store: Store;
  webhookUrl: string;
  log: Logger;
}

const problems = { 400: Problem, 404: Problem, 409: Problem, 413: Problem, 415: Problem };

export function registerPaymentRoutes(app: HttpServer, deps: PaymentRouteDeps): void {
  const { store } = deps;

  app.post(
    '/api/payment',
    {
      schema: {
        summary: 'Accept a payment',
        description: 'Stores the payment as PENDING and answers 202 at once; the result follows as a webhook.',
        body: PaymentRequest,
        response: { 202: PaymentAck, ...problems },
      },
    },
    async (request, reply) => {
      const body = request.body;
      const payment = await store.acceptPayment(
        {
          orderId: body.orderId,
          userPublicId: body.userPublicId ?? null,
          amount: body.amount,
          echo: (body.echo ?? null) as Record<string, unknown> | null,
        },
        deps.webhookUrl,
      );
      deps.log.info({ tid: payment.tid, orderId: payment.orderId, amount: payment.amount }, 'payment accepted');
      return reply.code(202).send({
        status: 'PENDING',
        code: 'ACK_OK',
        transactionId: payment.tid,
        amount: body.amount,
        echo: body.echo ?? null,
        message: ACK_MESSAGE,
      } satisfies PaymentAck);
    },
  );

  app.get(
    '/api/payment/transaction/:tid',
    {
      schema: {
        summary: 'Look a transaction up',
        params: TidParams,
        response: { 200: TransactionView, 404: Problem },
      },
    },
    async (request) => transactionView(await findOrThrow(store, request.params.tid)),
  );

  app.get(
    '/api/payment/transaction/:tid/webhooks',
    {
      schema: {
        summary: 'List every webhook attempt of a transaction',
        params: TidParams,
        response: { 200: AttemptList, 404: Problem },
      },
    },
    async (request) => {
      const payment = await findOrThrow(store, request.params.tid);
      const [deliveries, attempts] = await Promise.all([store.listDeliveries(payment.id), store.listAttempts(payment.id)]);
      const byId = new Map(deliveries.map((d) => [d.id, d]));
      return {
        tid: payment.tid,
        attempts: attempts.map((a) => ({
          deliveryId: a.deliveryId,
          origin: byId.get(a.deliveryId)?.origin ?? 'AUTO',
          eventStatus: byId.get(a.deliveryId)?.eventStatus ?? payment.status,
          attemptNo: a.attemptNo,
          attemptedAt: toLocalDateTime(a.attemptedAt),
          url: a.url,
          delivered: isDelivered(a),
          responseCode: a.responseCode,
          error: a.error,
          durationMs: a.durationMs,
          responseBody: a.responseBody,
        })),
      };
    },
  );

  app.post(
    '/api/payment/webhook/trigger/:tid',
    {
      schema: {
        summary: 'Finalize a payment now and send its webhook (test aid)',
        description:
          'PENDING or PROCESSING: finalized to `status` and its webhook sent now. Already final with that status: its webhook is sent again. Final with the other status: 409.',
        params: TidParams,
        querystring: TriggerQuery,
        response: { 200: TriggerResponse, ...problems },
      },
    },
    async (request) => {
      const { status, reason } = request.query;
      if (reason !== undefined && status !== 'FAILED') {
        throw new ValidationFailed('reason applies only to status=FAILED', [
          { field: 'reason', message: 'applies only to status=FAILED' },
        ]);
      }
      const result = await triggerWebhook(deps, { tid: request.params.tid, status, reason: reason ?? null });
      deps.log.info(
        { tid: result.payment.tid, status: result.payment.status, finalizedNow: result.finalizedNow },
        'webhook triggered by hand',
      );
      return {
        tid: result.payment.tid,
        status: result.payment.status,
        approvalNo: result.payment.approvalNo,
        failReason: result.payment.failReason,
        finalizedNow: result.finalizedNow,
        webhook: attemptView(result.webhook),
      };
    },
  );
}

async function findOrThrow(store: Store, tid: string): Promise<PaymentProcess> {
  const payment = await store.findPayment(tid);
  if (payment === null) throw new PaymentNotFound(tid);
  return payment;
}

export function transactionView(p: PaymentProcess): TransactionView {
  return {
    tid: p.tid,
    orderId: p.orderId,
    amount: p.amount,
    status: p.status,
    approvalNo: p.approvalNo,
    failReason: p.failReason,
    requestedAt: toLocalDateTime(p.requestedAt),
    processedAt: toLocalDateTimeOrNull(p.processedAt),
    webhookSentAt: toLocalDateTimeOrNull(p.webhookSentAt),
    publicId: p.publicId,
    userPublicId: p.userPublicId,
    echo: p.echo,
    processingStartedAt: toLocalDateTimeOrNull(p.processingStartedAt),
    webhookResponseCode: p.webhookResponseCode,
  };
}

function attemptView({ delivery, result }: DeliveryOutcome) {
  return {
    attemptNo: delivery.attemptCount,
    attemptedAt: toLocalDateTime(result.attemptedAt),
    url: result.url,
    delivered: isDelivered(result),
    responseCode: result.responseCode,
    error: result.error,
    durationMs: result.durationMs,
    responseBody: result.responseBody,
  };
}
