/**
 * The hamster-world payment API: `POST /api/payment-process` (a payment, or
 * with `cancel: "CANCEL"` a cancellation), the process view, the final
 * payments (`/api/payment/…`: one, a list, a Spring page) and a re-send of
 * a payment's notification. Only payments taken through this contract are
 * visible here.
 */
import type { FastifyReply } from 'fastify';
import { Type } from 'typebox';
import { MidNotFound, PaymentNotFound, ValidationFailed } from '../../errors.js';
import { Problem, ProblemWhen } from '../../http/problem.js';
import type { HttpServer } from '../../http/server.js';
import { roundAmount, type NewPayment, type PaymentProcess } from '../../payments/payment.js';
import { parseInstant } from '../../time.js';
import { acceptOptions, answerAccept } from '../accept.answers.js';
import { CANCEL_CONFLICTS, cancellationsOf, cancelRefusal } from '../cancellations.js';
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
          'With `"cancel": "CANCEL"` and `tid`, cancels `amount` of that SUCCESS payment instead: 202 (the ACK says the amount cancelled), then a webhook — ' +
          'CANCELLED when nothing is left, PARTIAL_CANCELLED for a part (a whole number, less than what is left; the payment stays COMPLETED).',
        body: ProcessRequest,
        // 429, 500, 503: what a scenario rule can script for this call.
        response: { 202: ProcessAck, 403: Problem, 422: Problem, 429: Problem, 500: Problem, 503: Problem, ...problems, 409: ProblemWhen(`With cancel: ${CANCEL_CONFLICTS}`) },
      },
    },
    async (request, reply) => {
      const body = request.body;
      if (body.cancel === 'CANCEL') {
        const tid = body.tid;
        if (tid === undefined) throw new ValidationFailed('tid is required to cancel', [{ field: 'tid', message: 'is required with cancel' }]);
        // The request's amount (the Cash Gateway sends the amount it cancels) is the amount to cancel.
        const result = await services.cancel(tid, (p) => ours(p) && p.mid === body.midId, { amount: body.amount });
        if (result.kind !== 'cancelled') throw cancelRefusal(result, tid, () => new PaymentNotFound(tid, `No payment with tid ${tid} for midId ${body.midId}`));
        return reply.code(202).send(processAck({ amount: roundAmount(result.cancellation.amount) }));
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
    async (request) => {
      const payment = await findOurs(deps, request.params.tid);
      const cancellations = await cancellationsOf(store, [payment]);
      return processDetails(payment, cancellations.get(payment.id) ?? []);
    },
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
    const [notes, cancellations] = await Promise.all([store.attemptSummaries(items.map((p) => p.id)), cancellationsOf(store, items)]);
    const views = items.flatMap((p) =>
      isFinalView(p.status) ? [transactionResponse({ ...p, status: p.status }, notes.get(p.id), cancellations.get(p.id) ?? [])] : [],
    );
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
      const [notes, cancellations] = await Promise.all([store.attemptSummaries([payment.id]), cancellationsOf(store, [payment])]);
      return transactionResponse({ ...payment, status: payment.status }, notes.get(payment.id), cancellations.get(payment.id) ?? []);
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
