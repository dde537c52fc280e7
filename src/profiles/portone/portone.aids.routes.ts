/**
 * The PortOne contract's test aid on the main listener: deposit into an
 * issued virtual account now (what the customer's bank transfer would do),
 * instead of waiting for portone.virtual-account.deposit-after. The same
 * compare-and-set as the scheduler; Transaction.Paid is sent at once.
 */
import { PaymentNotFound, StatusConflict } from '../../errors.js';
import type { HttpServer } from '../../http/server.js';
import type { ProfileDeps } from '../profile.js';
import { SEED_PROBLEMS } from '../seed/seed.routes.js';
import { TidParams, TriggerResponse } from '../seed/seed.schemas.js';
import { sentView } from '../seed/seed.views.js';
import { PROFILE } from './portone.context.js';
import { portoneStatus } from './portone.views.js';

export function registerPortOneAids(app: HttpServer, deps: ProfileDeps): void {
  app.post(
    '/api/portone/payments/:tid/deposit',
    {
      schema: {
        tags: ['portone'],
        summary: 'Deposit into an issued PortOne virtual account now (test aid)',
        description:
          'A PortOne payment waiting in VIRTUAL_ACCOUNT_ISSUED becomes PAID now and its Transaction.Paid webhook is sent now. `tid` is the payment’s transactionId. Any other payment: 409.',
        params: TidParams,
        response: { 200: TriggerResponse, ...SEED_PROBLEMS },
      },
    },
    async (request) => {
      const { tid } = request.params;
      const payment = await deps.services.find(tid);
      if (payment === null || payment.profile !== PROFILE) throw new PaymentNotFound(tid, `No PortOne payment with transactionId ${tid}`);
      if (portoneStatus(payment) !== 'VIRTUAL_ACCOUNT_ISSUED') throw new StatusConflict(`Payment ${tid} is ${portoneStatus(payment)}, not a virtual account waiting for its deposit`);
      const result = await deps.services.trigger({ tid, status: 'SUCCESS', reason: null });
      if (result.kind === 'not-found') throw new PaymentNotFound(tid);
      if (result.kind === 'conflict' || !result.finalizedNow) {
        const now = result.kind === 'triggered' ? result.payment : ((await deps.services.find(tid)) ?? payment);
        throw new StatusConflict(`Payment ${tid} became ${portoneStatus(now)} before the deposit`);
      }
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
}
