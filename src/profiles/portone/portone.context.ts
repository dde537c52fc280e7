/** What the PortOne routes are given: the engine's services and stores, and the profile's own settings. */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Outcome, PaymentProcess } from '../../payments/payment.js';
import type { ProfileDeps } from '../profile.js';
import { paymentNotFound } from './portone.errors.js';
import { storeOf } from './portone.server.js';
import { paymentView } from './portone.views.js';

export const PROFILE = 'portone';

export interface PortOneContext extends ProfileDeps {
  /** How long after issue the scheduler decides a virtual account's deposit. */
  depositAfterMs: number;
  /** The engine's decision for a payment no test card fixes (its rule, else the success rate). */
  decide: (payment: PaymentProcess) => Outcome;
  /** The dashboard's page for a payment (its receipt), when the main listener is up. */
  receiptUrl: (payment: PaymentProcess) => string | undefined;
  /** Sends BillingKey.Issued / BillingKey.Deleted to the store, through the outbox. */
  announceBillingKey: (mid: string, billingKey: string, event: 'ISSUED' | 'DELETED') => Promise<void>;
}

/** The payment `paymentId` names in the request's store, or PAYMENT_NOT_FOUND. */
export async function paymentOf(ctx: PortOneContext, request: FastifyRequest, paymentId: string, storeId?: string): Promise<PaymentProcess> {
  const store = storeOf(request, storeId);
  const payment = await ctx.store.findByOrder({ profile: PROFILE, mid: store.mid, orderId: paymentId });
  if (payment === null) throw paymentNotFound(`No payment ${paymentId} in store ${store.mid}`);
  return payment;
}

/** Views of many payments, their cancellations read in one query. */
export async function viewsOf(ctx: PortOneContext, payments: readonly PaymentProcess[]): Promise<Array<Record<string, unknown>>> {
  const cancellations = await ctx.store.cancellations(payments.filter((p) => p.cancelledAmount > 0).map((p) => p.id));
  return payments.map((p) => {
    const url = ctx.receiptUrl(p);
    return paymentView(p, { cancellations: cancellations.get(p.id) ?? [], ...(url ? { receiptUrl: url } : {}) });
  });
}

export function sendJson(reply: FastifyReply, body: unknown): FastifyReply {
  return reply.code(200).send(body);
}

export function pathParam(request: FastifyRequest, name: string): string {
  return (request.params as Record<string, string>)[name]!;
}

export function queryParam(request: FastifyRequest, name: string): string | undefined {
  const v = (request.query as Record<string, unknown>)[name];
  return typeof v === 'string' ? v : undefined;
}
