/**
 * The payment API: accept a payment (202 after the row is committed, with
 * Idempotency-Key support), look a transaction and its webhooks up, trigger a
 * webhook by hand, and re-send one.
 */
import type { FastifyReply } from 'fastify';
import { AppError, PaymentNotFound, ValidationFailed } from '../errors.js';
import type { HttpServer } from '../http/server.js';
import type { Logger } from '../log.js';
import type { Store } from '../store/store.js';
import { toLocalDateTime, toLocalDateTimeOrNull } from '../time.js';
import { isDelivered } from '../webhooks/backoff.js';
import type { DeliveryOutcome } from '../worker/dispatcher.js';
import { IDEMPOTENCY_HEADER, checkKey, requestHash } from './idempotency.js';
import type { NewPayment, PaymentProcess } from './payment.js';
import {
  ACK_MESSAGE,
  IdempotencyHeaders,
  PaymentAck,
  PaymentRequest,
  Problem,
  ResendResponse,
  TidParams,
  TransactionView,
  TriggerQuery,
  TriggerResponse,
  WebhookLog,
} from './payment.schemas.js';
import { triggerWebhook, type TriggerDeps } from './trigger.js';
import type { Control } from '../admin/control.js';
import type { Hangs } from '../http/hangs.js';
import { HEADER as SCENARIO_HEADER } from '../scenarios/scenario.js';
import { makeTid, randomTidSuffix } from './ids.js';
import { planIntake } from './intake.js';
import type { RandomFor } from './random.js';
import { StatusConflict } from '../errors.js';

export interface PaymentRouteDeps extends TriggerDeps {
  store: Store;
  control: Control;
  log: Logger;
  /** Where a processing delay drawn from a range comes from. */
  delayRandomFor: RandomFor;
  /** Requests held open by a `timeout` fault (dropped at shutdown). */
  hangs: Hangs;
  /** Asks the dispatcher to look for due webhooks now. */
  wakeDispatcher: () => void;
  /** Told what happened to payments (metrics, the event stream). */
  notify: PaymentNotify;
}

export interface PaymentNotify {
  accepted(payment: PaymentProcess): void;
  finalized(payments: readonly PaymentProcess[]): void;
  cancelled(payment: PaymentProcess): void;
}

const problems = { 400: Problem, 404: Problem, 409: Problem, 413: Problem, 415: Problem, 422: Problem };

export function registerPaymentRoutes(app: HttpServer, deps: PaymentRouteDeps): void {
  const { store } = deps;
  registerCancel(app, deps);

  app.post(
    '/api/payment',
    {
      schema: {
        tags: ['payments'],
        summary: 'Accept a payment',
        description:
          'Stores the payment as PENDING and answers 202 at once; the result follows as a webhook. ' +
          'With an Idempotency-Key header, a repeat of the same request answers the first response again and creates nothing.',
        headers: IdempotencyHeaders,
        body: PaymentRequest,
        response: { 202: PaymentAck, ...problems },
      },
    },
    async (request, reply) => {
      const body = request.body;
      const input: NewPayment = {
        orderId: body.orderId,
        userPublicId: body.userPublicId ?? null,
        amount: body.amount,
        echo: (body.echo ?? null) as Record<string, unknown> | null,
      };
      const ack = (payment: PaymentProcess): PaymentAck => ({
        status: 'PENDING',
        code: 'ACK_OK',
        transactionId: payment.tid,
        amount: body.amount,
        echo: input.echo,
        message: ACK_MESSAGE,
      });
      const checked = checkKey(request.headers[IDEMPOTENCY_HEADER]);
      if ('problem' in checked) {
        throw new ValidationFailed(`Idempotency-Key ${checked.problem}`, [{ field: 'Idempotency-Key', message: checked.problem }]);
      }
      const header = request.headers[SCENARIO_HEADER];
      const intake = planIntake({
        input,
        header: typeof header === 'string' ? header : null,
        rules: deps.control.scenarios(),
        resolve: (mid) => deps.control.resolve(mid),
        delayRandomFor: deps.delayRandomFor,
      });
      if (intake.kind === 'unknown-scenario') {
        throw new AppError(400, 'UNKNOWN_SCENARIO', 'Unknown scenario', `X-Hamster-Scenario names no scenario rule: ${intake.name}`);
      }
      if (intake.kind === 'refused') {
        throw intake.why === 'unknown'
          ? new AppError(422, 'MERCHANT_UNKNOWN', 'Unknown merchant', `No merchant is registered with mid ${intake.mid}`)
          : new AppError(403, 'MERCHANT_INACTIVE', 'Merchant inactive', `Merchant ${intake.mid} is not active`);
      }
      if (intake.kind === 'fault') {
        const { rule, fault } = intake;
        deps.log.info({ scenario: rule.name, fault: fault.kind, orderId: input.orderId }, 'accept call answered by a scripted fault');
        if (fault.kind === 'fail') {
          if (fault.status !== 500) reply.header('retry-after', '1');
          throw new AppError(fault.status, 'SCENARIO_FAULT', 'Scripted fault', `Scenario ${rule.name} makes this call answer ${fault.status}; nothing was stored`);
        }
        if (fault.kind === 'timeout') {
          reply.hijack();
          deps.hangs.hold(reply.raw, fault.ms);
          return reply;
        }
        // lose: a well-formed ACK for a payment that is never stored.
        return reply.code(202).send(ack({ tid: makeTid(Date.now(), randomTidSuffix()) } as PaymentProcess));
      }
      const plan = intake.plan;
      const key = checked.key;
      if (key === null) {
        const payment = await store.acceptPayment(input, plan);
        logAccepted(deps.log, payment);
        deps.notify.accepted(payment);
        return reply.code(202).send(ack(payment));
      }

      const begun = await store.beginIdempotent(key, requestHash(input));
      if (begun.kind === 'replay') {
        reply.header('idempotent-replayed', 'true');
        return sendJsonText(reply, begun.code, begun.body);
      }
      if (begun.kind === 'mismatch') {
        throw new AppError(422, 'IDEMPOTENCY_KEY_REUSED', 'Idempotency key reused', 'This Idempotency-Key was already used with a different request');
      }
      if (begun.kind === 'in-flight') {
        reply.header('retry-after', '1');
        throw new AppError(409, 'IDEMPOTENCY_KEY_IN_USE', 'Idempotency key in use', 'A request with this Idempotency-Key is still being processed; retry shortly');
      }
      let text = '';
      try {
        const payment = await store.acceptPayment(input, plan, {
          key,
          render: (p) => ({ code: 202, body: (text = JSON.stringify(ack(p))) }),
        });
        logAccepted(deps.log, payment);
        deps.notify.accepted(payment);
      } catch (error) {
        await store.releaseIdempotencyKey(key).catch(() => undefined);
        throw error;
      }
      return sendJsonText(reply, 202, text);
    },
  );

  app.get(
    '/api/payment/transaction/:tid',
    {
      schema: {
        tags: ['payments'],
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
        tags: ['payments'],
        summary: 'List the webhook deliveries of a transaction and every attempt',
        params: TidParams,
        response: { 200: WebhookLog, 404: Problem },
      },
    },
    async (request) => {
      const payment = await findOrThrow(store, request.params.tid);
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
      if (result.finalizedNow) deps.notify.finalized([result.payment]);
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
          'A delivery waiting for its next retry is attempted now; otherwise (delivered, or DEAD) a new delivery of the same event (same webhook-id) is made and attempted now. 409 while the payment is not final.',
        params: TidParams,
        response: { 200: ResendResponse, ...problems },
      },
    },
    async (request) => {
      const payment = await findOrThrow(store, request.params.tid);
      const delivery = await store.resendNow(payment);
      const outcome = await deps.deliver(delivery);
      deps.log.info({ tid: payment.tid, deliveryId: delivery.id }, 'webhook re-sent by hand');
      return { tid: payment.tid, status: payment.status, webhook: sentView(outcome) };
    },
  );
}

function registerCancel(app: HttpServer, deps: PaymentRouteDeps): void {
  app.post(
    '/api/payment/:tid/cancel',
    {
      schema: {
        tags: ['payments'],
        summary: 'Cancel a successful payment',
        description:
          'SUCCESS becomes CANCELLED, and a CANCELLED webhook is delivered (through the outbox, with retries). Anything else: 409.',
        params: TidParams,
        response: { 200: TransactionView, ...problems },
      },
    },
    async (request) => {
      const payment = await findOrThrow(deps.store, request.params.tid);
      const done = payment.status === 'SUCCESS' ? await deps.store.cancel(payment) : null;
      if (done === null) {
        const now = (await deps.store.findPayment(payment.tid))!;
        throw new StatusConflict(`Only a SUCCESS payment can be cancelled; ${now.tid} is ${now.status}`);
      }
      deps.log.info({ tid: payment.tid }, 'payment cancelled');
      deps.notify.cancelled(done.payment);
      deps.wakeDispatcher();
      return transactionView(done.payment);
    },
  );
}

/**
 * Sends JSON text exactly as stored, so a replayed response is byte for byte
 * the first one. (Fastify sends a string with a JSON content type unchanged;
 * the cast only tells the type provider so.)
 */
function sendJsonText(reply: FastifyReply, code: number, text: string) {
  return reply.code(code).type('application/json; charset=utf-8').send(text as never);
}

function logAccepted(log: Logger, payment: PaymentProcess): void {
  log.info(
    { tid: payment.tid, orderId: payment.orderId, amount: payment.amount, mid: payment.mid, scenario: payment.scenario },
    'payment accepted',
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
    mid: p.mid,
    scenario: p.scenario,
    cancelledAt: toLocalDateTimeOrNull(p.cancelledAt),
  };
}

function sentView({ delivery, result, next }: DeliveryOutcome) {
  return {
    deliveryId: delivery.id,
    webhookId: delivery.webhookId,
    attemptNo: delivery.attemptCount,
    attemptedAt: toLocalDateTime(result.attemptedAt),
    url: result.url,
    delivered: isDelivered(result),
    responseCode: result.responseCode,
    error: result.error,
    durationMs: result.durationMs,
    responseBody: result.responseBody,
    state: next.state,
    nextAttemptAt: next.state === 'PENDING' ? toLocalDateTime(next.dueAt) : null,
  };
}
