/**
 * The seed's payment API: accept a payment (202 after the row is committed,
 * with Idempotency-Key support) and look a transaction up.
 */
import { MerchantUnknown, PaymentNotFound } from '../../errors.js';
import { Problem } from '../../http/problem.js';
import type { HttpServer } from '../../http/server.js';
import type { NewPayment } from '../../payments/payment.js';
import { acceptOptions, answerAccept } from '../accept.answers.js';
import { cancellationsOf } from '../cancellations.js';
import type { ProfileDeps } from '../profile.js';
import { IdempotencyHeaders, PaymentAck, PaymentRequest, TidParams, TransactionView } from './seed.schemas.js';
import { seedAck, transactionView } from './seed.views.js';

export const SEED_PROBLEMS = { 400: Problem, 404: Problem, 409: Problem, 413: Problem, 415: Problem, 422: Problem };

export function registerSeedRoutes(app: HttpServer, deps: ProfileDeps): void {
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
        // 429, 500, 503: what a scenario rule can script for this call.
        response: { 202: PaymentAck, ...SEED_PROBLEMS, 403: Problem, 429: Problem, 500: Problem, 503: Problem },
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
      const result = await deps.services.accept({
        profile: 'seed',
        input,
        // The seed's merchant is the echo's `mid` (absent: the default merchant).
        mid: typeof input.echo?.mid === 'string' ? input.echo.mid : null,
        ...acceptOptions(request.headers, seedAck),
      });
      return answerAccept(result, reply, {
        ack: seedAck,
        hangs: deps.hangs,
        unknownMerchant: (mid) => new MerchantUnknown(mid),
        lostAck: (tid) => seedAck({ ...input, tid }),
      });
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
    async (request) => {
      const payment = await deps.services.find(request.params.tid);
      if (payment === null) throw new PaymentNotFound(request.params.tid);
      const cancellations = await cancellationsOf(deps.store, [payment]);
      return transactionView(payment, cancellations.get(payment.id) ?? []);
    },
  );
}
