/**
 * Changing a paid or issued payment: `cancelPayment` (whole or a part, with
 * PortOne's checks on the cancellable, tax-free and taxable amounts),
 * `closeVirtualAccount` (an issued account stops taking deposits) and
 * `resendWebhook` (one of its webhooks again, now).
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Delivery } from '../../store/delivery.repository.js';
import { PROFILE, paymentOf, pathParam, queryParam, sendJson, type PortOneContext } from './portone.context.js';
import {
  alreadyCancelled,
  cancelExceeds,
  cancelTaxExceeds,
  cancelTaxFreeExceeds,
  cancellableBroken,
  invalidRequest,
  notWaitingForDeposit,
  paymentNotPaid,
  sumExceedsCancel,
  webhookNotFound,
} from './portone.errors.js';
import { bodyOf, boolean, integer, string } from './portone.input.js';
import { oneAtATime } from './portone.pay.routes.js';
import type { PortOneServer } from './portone.server.js';
import { cancellationView, factsOf, portoneStatus } from './portone.views.js';

export function registerPortOneManage(app: PortOneServer, ctx: PortOneContext): void {
  // Cancels of one payment take turns: each is checked (balance, currentCancellableAmount, tax-free part) against the one before.
  app.post('/payments/:paymentId/cancel', (request, reply) =>
    oneAtATime(ctx, request.portoneStore!.mid, pathParam(request, 'paymentId'), () => cancel(request, reply)),
  );

  async function cancel(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
    const body = bodyOf(request.body);
    const payment = await paymentOf(ctx, request, pathParam(request, 'paymentId'), string(body, 'storeId'));
    const reason = string(body, 'reason', true);
    const amount = integer(body, 'amount', false, 1);
    const taxFreeAmount = integer(body, 'taxFreeAmount', false, 0);
    const vatAmount = integer(body, 'vatAmount', false, 0);
    const current = integer(body, 'currentCancellableAmount', false, 0);
    const skipWebhook = boolean(body, 'skipWebhook') ?? false;

    if (payment.status === 'CANCELLED') throw alreadyCancelled(`Payment ${payment.orderId} is already cancelled`);
    if (payment.status !== 'SUCCESS') throw paymentNotPaid(`Payment ${payment.orderId} is ${portoneStatus(payment)}, not paid`);
    const left = payment.amount - payment.cancelledAmount;
    if (current !== undefined && current !== left) throw cancellableBroken(`The cancellable amount is ${left}, not ${current}`);
    const cancelled = (await ctx.store.cancellations([payment.id])).get(payment.id) ?? [];
    const taxFreeLeft = factsOf(payment).taxFree - cancelled.reduce((sum, c) => sum + c.taxFreeAmount, 0);
    const amt = amount ?? left;
    if (amt > left) throw cancelExceeds(`Only ${left} of payment ${payment.orderId} can be cancelled, not ${amt}`);
    // A whole cancellation takes the tax-free part that is left; a part is all taxable unless it says otherwise.
    const taxFree = taxFreeAmount ?? (amount === undefined ? taxFreeLeft : 0);
    if (taxFree > taxFreeLeft) throw cancelTaxFreeExceeds(`Only ${taxFreeLeft} tax-free can be cancelled, not ${taxFree}`);
    if (amt - taxFree > left - taxFreeLeft) throw cancelTaxExceeds(`Only ${left - taxFreeLeft} taxable can be cancelled, not ${amt - taxFree}`);
    if (taxFree + (vatAmount ?? 0) > amt) throw sumExceedsCancel('taxFreeAmount and vatAmount together exceed the amount cancelled');

    const result = await ctx.services.cancel(payment.tid, (p) => p.profile === PROFILE, {
      amount: amt,
      taxFreeAmount: taxFree,
      vatAmount: vatAmount ?? null,
      reason,
      skipWebhook,
    });
    switch (result.kind) {
      case 'cancelled':
        return sendJson(reply, { cancellation: cancellationView(result.cancellation) });
      case 'exceeds':
        throw cancelExceeds(`Only ${result.left} of payment ${payment.orderId} can be cancelled, not ${amt}`);
      case 'not-cancellable':
        if (result.status === 'CANCELLED') throw alreadyCancelled(`Payment ${payment.orderId} is already cancelled`);
        throw paymentNotPaid(`Payment ${payment.orderId} is not paid`);
      default:
        throw invalidRequest(`Payment ${payment.orderId} cannot be cancelled so`);
    }
  }

  app.post('/payments/:paymentId/virtual-account/close', async (request, reply) => {
    const payment = await paymentOf(ctx, request, pathParam(request, 'paymentId'), queryParam(request, 'storeId'));
    if (portoneStatus(payment) !== 'VIRTUAL_ACCOUNT_ISSUED') {
      throw notWaitingForDeposit(`Payment ${payment.orderId} is ${portoneStatus(payment)}, not waiting for a deposit`);
    }
    // Closed by hand: FAILED, decided by the trigger (its view says "closed", not "expired").
    const closed = await ctx.services.settle(payment, { status: 'FAILED', reason: 'INSUFFICIENT_BALANCE' }, { origin: 'MANUAL' });
    if (closed.status !== 'FAILED' || closed.decidedBy !== 'trigger') {
      throw notWaitingForDeposit(`Payment ${payment.orderId} was ${portoneStatus(closed)} before it could be closed`);
    }
    return sendJson(reply, { closedAt: new Date(closed.processedAt ?? Date.now()).toISOString() });
  });

  app.post('/payments/:paymentId/resend-webhook', async (request, reply) => {
    const body = bodyOf(request.body);
    const payment = await paymentOf(ctx, request, pathParam(request, 'paymentId'), string(body, 'storeId'));
    const webhookId = string(body, 'webhookId');
    const all = await ctx.store.listDeliveries(payment.id);
    const chosen: Delivery | undefined = webhookId === undefined ? all.at(-1) : all.find((d) => d.webhookId === webhookId);
    if (!chosen) throw webhookNotFound(webhookId === undefined ? `Payment ${payment.orderId} has no webhook yet` : `Payment ${payment.orderId} has no webhook ${webhookId}`);
    const { delivery, result } = await ctx.services.resendDelivery(chosen);
    const ok = result.responseCode !== null && result.responseCode >= 200 && result.responseCode < 300;
    const attempts = all.filter((d) => d.webhookId === chosen.webhookId).reduce((n, d) => n + d.attemptCount, 0) + 1;
    const at = new Date(result.attemptedAt).toISOString();
    return sendJson(reply, {
      webhook: {
        id: delivery.webhookId,
        url: delivery.url,
        paymentStatus: portoneStatus((await ctx.services.find(payment.tid)) ?? payment),
        status: ok ? 'SUCCEEDED' : result.responseCode === null ? 'FAILED_UNEXPECTED_ERROR' : 'FAILED_NOT_OK_RESPONSE',
        isAsync: true,
        currentExecutionCount: attempts,
        maxExecutionCount: attempts,
        trigger: 'MANUAL',
        request: { body: delivery.payload, requestedAt: at },
        ...(result.responseCode === null
          ? {}
          : { response: { code: String(result.responseCode), header: '', body: result.responseBody ?? '', respondedAt: new Date(result.attemptedAt + result.durationMs).toISOString() } }),
        triggeredAt: at,
      },
    });
  });
}
