/**
 * The hamster-world payment API: `POST /api/payment-process` (a payment, or
 * with `cancel: "CANCEL"` a cancellation), the process view, the final
 * payments (`/api/payment/…`: one, a list, a Spring page) and a re-send of
 * a payment's notification. Only payments taken through this contract are
 * visible here.
 */
import type { FastifyReply } from 'fastify';
import { Type } from 'typebox';
import { MidNotFound, PaymentNotFound, StatusConflict, ValidationFailed } from '../../errors.js';
import { Problem } from '../../http/problem.js';
import type { HttpServer } from '../../http/server.js';
import type { NewPayment, PaymentProcess } from '../../payments/payment.js';
import { parseInstant } from '../../time.js';
import { acceptOptions, answerAccept } from '../accept.answers.js';
import type { ProfileDeps } from '../profile.js';
import { Page, PaymentSearch, ProcessAck, ProcessDetails, ProcessRequest, TidParams, TransactionResponse } from './hamster-world.schemas.js';
import { engineStatus, isFinalView, page, processAck, processDetails, transactionResponse } from './hamster-world.views.js';

export const PROFILE = 'hamster-world';
const problems = { 400: Problem, 404: Problem, 409: Problem, 413: Problem, 415: Problem };
const ours = (p: PaymentProcess) => p.profile === PROFILE;
const DEFAULT_PAGE_SIZE = 20;

export function registerHamsterWorldPayments(app: HttpServer, deps: ProfileDeps): void {
  const { services, store } = deps;

  app.post(
    '/api/payment-process',
    {
      schema: {
        tags: ['hamster-world'],
        summary: 'Accept a payment (or, with cancel: "CANCEL" and tid, cancel one)',
        description:
          'hamster-world contract. Stores the payment as PENDING and answers 202 with ACK_OK; the result follows as a webhook to the MID’s webhookUrl. ' +
          'With `"cancel": "CANCEL"` and `tid`, cancels that SUCCESS payment instead: 202, then a CANCELLED webhook.',
        body: ProcessRequest,
        // 429, 500, 503: what a scenario rule can script for this call.
        response: { 202: ProcessAck, 403: Problem, 422: Problem, 429: Problem, 500: Problem, 503: Problem, ...problems },
      },
    },
    async (request, reply) => {
      const body = request.body;
      if (body.cancel === 'CANCEL') {
        if (body.tid === undefined) throw new ValidationFailed('tid is required to cancel', [{ field: 'tid', message: 'is required with cancel' }]);
        const result = await services.cancel(body.tid, (p) => ours(p) && p.mid === body.midId);
        if (result.kind === 'not-found') throw new PaymentNotFound(body.tid, `No payment with tid ${body.tid} for midId ${body.midId}`);
        if (result.kind === 'not-cancellable') throw new StatusConflict(`Only a SUCCESS payment can be cancelled; ${body.tid} is ${result.status}`);
        if (result.kind !== 'cancelled') throw new StatusConflict(`Payment ${body.tid} cannot be cancelled so`);
        return reply.code(202).send(processAck(result.payment));
      }
      const input: NewPayment = {
        orderId: body.orderId,
        userPublicId: body.userId ?? null,
        amount: body.amount,
        echo: (body.echo ?? null) as Record<string, unknown> | null,
      };
      const result = await services.accept({ profile: PROFILE, input, mid: body.midId, ...acceptOptions(request.headers, processAck) });
      return answerAccept(result, reply, {
        ack: processAck,
        hangs: deps.hangs,
        unknownMerchant: (mid) => new MidNotFound(mid),
        lostAck: () => processAck(input),
      });
    },
  );

  app.get(
    '/api/payment-process/transaction/:tid',
    {
      schema: {
        tags: ['hamster-world'],
        summary: 'A payment process, as it stands',
        params: TidParams,
        response: { 200: ProcessDetails, 404: Problem },
      },
    },
    async (request) => processDetails(await findOurs(deps, request.params.tid)),
  );

  const listed = async (q: PaymentSearch, paged: { offset: number; limit: number } | null) => {
    const day = (field: 'from' | 'to', text: string | undefined, plusDays: number) => {
      if (text === undefined) return undefined;
      const ms = parseInstant(text);
      if (ms === null) throw new ValidationFailed(`${field} is not a date`, [{ field, message: 'must be a date: yyyy-MM-dd' }]);
      const d = new Date(ms);
      return new Date(d.getFullYear(), d.getMonth(), d.getDate() + plusDays).getTime();
    };
    const processedFrom = day('from', q.from, 0);
    const processedTo = day('to', q.to, 1);
    const { items, total } = await store.pageFinalPayments(
      {
        profile: PROFILE,
        statuses: q.status ? [engineStatus(q.status)] : ['SUCCESS', 'FAILED', 'CANCELLED'],
        ...(q.midId ? { mid: q.midId } : {}),
        ...(q.orderId ? { orderId: q.orderId } : {}),
        ...(processedFrom === undefined ? {} : { processedFrom }),
        ...(processedTo === undefined ? {} : { processedTo }),
      },
      paged ?? { offset: 0, limit: null },
    );
    const notes = await store.attemptSummaries(items.map((p) => p.id));
    const views = items.flatMap((p) => (isFinalView(p.status) ? [transactionResponse({ ...p, status: p.status }, notes.get(p.id))] : []));
    return { views, total };
  };

  app.get(
    '/api/payment/list',
    {
      schema: {
        tags: ['hamster-world'],
        summary: 'Final payments, newest first (filters: midId, orderId, status, from, to)',
        querystring: PaymentSearch,
        response: { 200: Type.Array(TransactionResponse), 400: Problem },
      },
    },
    async (request) => (await listed(request.query, null)).views,
  );

  app.get(
    '/api/payment/page',
    {
      schema: {
        tags: ['hamster-world'],
        summary: 'Final payments, a page at a time (a Spring Page; page from 0, size 20 by default)',
        querystring: PaymentSearch,
        response: { 200: Page(TransactionResponse), 400: Problem },
      },
    },
    async (request) => {
      const number = request.query.page ?? 0;
      const size = request.query.size ?? DEFAULT_PAGE_SIZE;
      const { views, total } = await listed(request.query, { offset: number * size, limit: size });
      return page(views, total, number, size);
    },
  );

  app.get(
    '/api/payment/:tid',
    {
      schema: {
        tags: ['hamster-world'],
        summary: "A payment's final result (404 until it has one)",
        params: TidParams,
        response: { 200: TransactionResponse, 404: Problem },
      },
    },
    async (request) => {
      const payment = await findOurs(deps, request.params.tid);
      if (!isFinalView(payment.status)) throw new PaymentNotFound(payment.tid, `Payment ${payment.tid} has no final result yet (${payment.status})`);
      const notes = await store.attemptSummaries([payment.id]);
      return transactionResponse({ ...payment, status: payment.status }, notes.get(payment.id));
    },
  );

  app.post(
    '/api/payment/:tid/resend-notification',
    {
      schema: {
        tags: ['hamster-world'],
        summary: "Send a payment's notification again (202; the same body, through the outbox)",
        params: TidParams,
        response: { 202: Type.Null({ description: 'no body' }), 404: Problem },
      },
    },
    async (request, reply) => {
      const { tid } = request.params;
      const result = await services.requeue(tid, ours);
      if (result.kind === 'not-found') throw new PaymentNotFound(tid);
      // No final result yet: like the upstream, there is no payment to notify about.
      if (result.kind === 'not-final') throw new PaymentNotFound(tid, `Payment ${tid} has no final result yet (${result.status})`);
      // 202 with no body, as the upstream answers.
      return (reply.code(202) as FastifyReply).send();
    },
  );
}

async function findOurs(deps: ProfileDeps, tid: string): Promise<PaymentProcess> {
  const payment = await deps.services.find(tid);
  if (payment === null || !ours(payment)) throw new PaymentNotFound(tid);
  return payment;
}
