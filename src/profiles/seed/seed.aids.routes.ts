/**
 * The test aids under the seed's paths: the webhook log of a transaction,
 * the manual trigger, a re-send, and cancellation. They work for a payment
 * taken through any profile (the tid is enough); the webhook they send is
 * the one that payment's own contract rendered.
 */
import { PaymentNotFound, StatusConflict, ValidationFailed } from '../../errors.js';
import { Problem, ProblemWhen } from '../../http/problem.js';
import type { HttpServer } from '../../http/server.js';
import { toLocalDateTime, toLocalDateTimeOrNull } from '../../time.js';
import { isDelivered } from '../../webhooks/backoff.js';
import { CANCEL_CONFLICTS, cancelRefusal } from '../cancellations.js';
import type { ProfileDeps } from '../profile.js';
import { SEED_PROBLEMS } from './seed.routes.js';
import { CancelBody, ResendResponse, TidParams, TransactionView, TriggerQuery, TriggerResponse, WebhookLog } from './seed.schemas.js';
import { sentView, transactionView } from './seed.views.js';

export function registerSeedAids(app: HttpServer, deps: ProfileDeps): void {
  const { services, store } = deps;

  app.get(
    '/api/payment/transaction/:tid/webhooks',
    {
      schema: {
        tags: ['payments'],
        summary: 'List the webhook deliveries of a transaction and every attempt',
        params: TidParams,
        response: { 200: WebhookLog, 404: Problem },
      },
    },
    async (request) => {
      const payment = await services.find(request.params.tid);
      if (payment === null) throw new PaymentNotFound(request.params.tid);
      const [deliveries, attempts] = await Promise.all([store.listDeliveries(payment.id), store.listAttempts(payment.id)]);
      return {
        tid: payment.tid,
        deliveries: deliveries.map((d) => ({
          deliveryId: d.id,
          webhookId: d.webhookId,
          eventStatus: d.eventStatus,
          origin: d.origin,
          state: d.state,
          attempts: d.attemptCount,
          nextAttemptAt: d.state === 'PENDING' ? toLocalDateTime(d.dueAt) : null,
          deliveredAt: toLocalDateTimeOrNull(d.deliveredAt),
          createdAt: toLocalDateTime(d.createdAt),
        })),
        attempts: attempts.map((a) => ({
          deliveryId: a.deliveryId,
          attemptNo: a.attemptNo,
          attemptedAt: toLocalDateTime(a.attemptedAt),
          url: a.url,
          delivered: isDelivered(a),
          responseCode: a.responseCode,
          error: a.error,
          durationMs: a.durationMs,
          responseBody: a.responseBody,
          signature: a.signature,
        })),
      };
    },
  );

  app.post(
    '/api/payment/webhook/trigger/:tid',
    {
      schema: {
        tags: ['payments'],
        summary: 'Finalize a payment now and send its webhook (test aid)',
        description:
          'PENDING or PROCESSING: finalized to `status` and its webhook sent now. Already final with that status: its webhook is sent again. Final with the other status: 409.',
        params: TidParams,
        querystring: TriggerQuery,
        response: { 200: TriggerResponse, ...SEED_PROBLEMS },
      },
    },
    async (request) => {
      const { status, reason } = request.query;
      if (reason !== undefined && status !== 'FAILED') {
        throw new ValidationFailed('reason applies only to status=FAILED', [{ field: 'reason', message: 'applies only to status=FAILED' }]);
      }
      const result = await services.trigger({ tid: request.params.tid, status, reason: reason ?? null });
      if (result.kind === 'not-found') throw new PaymentNotFound(request.params.tid);
      if (result.kind === 'conflict') throw new StatusConflict(result.detail);
      return {
        tid: result.payment.tid,
        status: result.payment.status,
        approvalNo: result.payment.approvalNo,
        failReason: result.payment.failReason,
        finalizedNow: result.finalizedNow,
        webhook: sentView(result.webhook),
      };
    },
  );

  app.post(
    '/api/payment/:tid/webhook/resend',
    {
      schema: {
        tags: ['payments'],
        summary: "Send a final payment's webhook again now",
        description:
          'A delivery waiting for its next retry is attempted now; otherwise (delivered, or DEAD) a new delivery of the same event (same webhook-id, same body) is made and attempted now. 409 while the payment is not final.',
        params: TidParams,
        response: { 200: ResendResponse, ...SEED_PROBLEMS },
      },
    },
    async (request) => {
      const { tid } = request.params;
      const result = await services.resend(tid);
      if (result.kind === 'not-found') throw new PaymentNotFound(tid);
      if (result.kind === 'not-final') throw new StatusConflict(`Payment ${tid} is ${result.status}; it has no final state to announce yet`);
      return { tid: result.payment.tid, status: result.payment.status, webhook: sentView(result.outcome) };
    },
  );

  app.post(
    '/api/payment/:tid/cancel',
    {
      schema: {
        tags: ['payments'],
        summary: 'Cancel a successful payment, whole or in part',
        description:
          'Without a body, all that is left is cancelled: SUCCESS becomes CANCELLED and a CANCELLED webhook is delivered (through the outbox, with retries). ' +
          'With `amount` less than what is left, that part is cancelled: the payment stays SUCCESS with a smaller remainingAmount, and a PARTIAL_CANCELLED webhook is delivered. ' +
          'Answers the transaction view with its cancellations.',
        params: TidParams,
        body: CancelBody,
        response: { 200: TransactionView, ...SEED_PROBLEMS, 409: ProblemWhen(CANCEL_CONFLICTS) },
      },
    },
    async (request) => {
      const { tid } = request.params;
      const body = request.body ?? {};
      const result = await services.cancel(tid, undefined, { amount: body.amount ?? null, reason: body.reason ?? null });
      if (result.kind !== 'cancelled') throw cancelRefusal(result, tid);
      return transactionView(result.payment, result.cancellations);
    },
  );
}
