/**
 * Billing keys: a card kept for later payments. `issueBillingKey` (a card
 * the PG rejects outright — invalid or expired — is refused with
 * PG_PROVIDER; any other is issued, and declines later if its test number
 * says so), `getBillingKeyInfo`, `deleteBillingKey`, and `payWithBillingKey`,
 * which pays like a card payment: decided in the request.
 */
import { randomUUID } from 'node:crypto';
import { PG_FAILURES, testCardOutcome } from './portone.cards.js';
import { PROFILE, pathParam, queryParam, sendJson, type PortOneContext } from './portone.context.js';
import { billingKeyDeleted, billingKeyNotFound, invalidRequest, pgProvider } from './portone.errors.js';
import { readAmount, readCard, readCustomer, readOrder, type PortOneFacts } from './portone.facts.js';
import { bodyOf, integer, object, oneOf, string, type Json } from './portone.input.js';
import { checkPayable, oneAtATime, payByCard } from './portone.pay.routes.js';
import { storeOf, type PortOneServer } from './portone.server.js';
import { CHANNEL } from './portone.views.js';
import { PORTONE_MERCHANT_ID } from './portone.store.js';
import type { CardFacts } from './portone.cards.js';
import type { BillingKeyRecord } from '../../store/store.js';
import type { FastifyReply, FastifyRequest } from 'fastify';

/** What a billing key keeps: the card (masked, and its number for later decisions), the customer, the channel. */
interface BillingDetails {
  card: CardFacts;
  /** The card number, kept so a test number decides every payment made with the key. */
  number: string;
  customer: Json;
  channelKey: string | null;
  customData?: string;
  deleteReason?: string;
}

const iso = (ms: number) => new Date(ms).toISOString();

export function registerPortOneBilling(app: PortOneServer, ctx: PortOneContext): void {
  app.post('/billing-keys', async (request, reply) => {
    const body = bodyOf(request.body);
    const store = storeOf(request, string(body, 'storeId'));
    const method = object(body, 'method', true);
    const card = object(method, 'card');
    if (!card) throw invalidRequest('method.card is required (billing keys are issued for cards)');
    const { number, facts } = readCard(card, 'method.card');
    const fixed = testCardOutcome(number);
    // Issuance checks the card itself: an invalid or expired card gets no key.
    if (fixed?.status === 'FAILED' && (fixed.reason === 'INVALID_CARD' || fixed.reason === 'EXPIRED_CARD')) {
      const pg = PG_FAILURES[fixed.reason];
      throw pgProvider(pg.pgCode, pg.pgMessage);
    }
    const details: BillingDetails = { card: facts, number, customer: readCustomer(object(body, 'customer')), channelKey: string(body, 'channelKey') ?? null };
    const customData = string(body, 'customData');
    if (customData !== undefined) details.customData = customData;
    const issuedAt = Date.now();
    const billingKey = `billing-key-${randomUUID()}`;
    await ctx.store.insertBillingKey({ billingKey, profile: PROFILE, mid: store.mid, details: details as unknown as Json, issuedAt });
    await ctx.announceBillingKey(store.mid, billingKey, 'ISSUED');
    return sendJson(reply, { billingKeyInfo: { billingKey, channels: [channel(details)], issuedAt: iso(issuedAt) } });
  });

  app.get('/billing-keys/:billingKey', async (request, reply) => {
    const key = await billingKeyOf(ctx, request, pathParam(request, 'billingKey'), queryParam(request, 'storeId'));
    return sendJson(reply, billingKeyView(key));
  });

  app.delete('/billing-keys/:billingKey', async (request, reply) => {
    const key = await billingKeyOf(ctx, request, pathParam(request, 'billingKey'), queryParam(request, 'storeId'));
    const requester = queryParam(request, 'requester');
    if (requester !== undefined && !['CUSTOMER', 'ADMIN'].includes(requester)) throw invalidRequest('requester must be CUSTOMER or ADMIN');
    if (key.deletedAt !== null || !(await ctx.store.deleteBillingKey(key.billingKey))) {
      throw billingKeyDeleted(`Billing key ${key.billingKey} is already deleted`);
    }
    const deleted = (await ctx.store.findBillingKey(key.billingKey))!;
    await ctx.announceBillingKey(key.mid, key.billingKey, 'DELETED');
    return sendJson(reply, { deletedAt: iso(deleted.deletedAt!) });
  });

  // One call at a time per paymentId, as payInstantly (the same queue): a race pays it once.
  app.post('/payments/:paymentId/billing-key', (request, reply) =>
    oneAtATime(ctx, request.portoneStore!.mid, pathParam(request, 'paymentId'), () => payWithBillingKey(request, reply)),
  );

  const payWithBillingKey = async (request: FastifyRequest, reply: FastifyReply) => {
    const paymentId = pathParam(request, 'paymentId');
    const body = bodyOf(request.body);
    const store = storeOf(request, string(body, 'storeId'));
    const key = await billingKeyOf(ctx, request, string(body, 'billingKey', true), store.mid);
    if (key.deletedAt !== null) throw billingKeyDeleted(`Billing key ${key.billingKey} is deleted`);
    const details = key.details as unknown as BillingDetails;
    const order = readOrder(body);
    const amounts = readAmount(body);
    await checkPayable(ctx, store.mid, paymentId, amounts, order.currency);
    const { customerId, noticeUrl, ...orderFacts } = order;
    const installmentMonth = integer(body, 'installmentMonth', false, 0) ?? 0;
    oneOf(object(body, 'cashReceipt') ?? {}, 'type', ['PERSONAL', 'CORPORATE', 'NO_RECEIPT'], 'cashReceipt.type');
    const echo: PortOneFacts = {
      method: 'CARD',
      ...orderFacts,
      // A payment's customer is the request's, else the key's.
      customer: Object.keys(orderFacts.customer).length > 0 ? orderFacts.customer : details.customer,
      channelKey: orderFacts.channelKey ?? details.channelKey,
      taxFree: amounts.taxFree,
      vat: amounts.vat,
      card: { ...details.card, installmentMonth },
      billingKey: key.billingKey,
    };
    const customer = echo.customer.id;
    return payByCard(ctx, request, reply, {
      input: {
        orderId: paymentId,
        userPublicId: customerId ?? (typeof customer === 'string' ? customer : null),
        amount: amounts.total,
        echo: echo as unknown as Json,
        orderName: order.orderName,
        cardNumber: details.number,
      },
      mid: store.mid,
      noticeUrl,
      fixed: testCardOutcome(details.number),
    });
  };
}

async function billingKeyOf(ctx: PortOneContext, request: FastifyRequest, billingKey: string, storeId?: string): Promise<BillingKeyRecord> {
  const store = storeOf(request, storeId);
  const key = await ctx.store.findBillingKey(billingKey);
  if (!key || key.profile !== PROFILE || key.mid !== store.mid) throw billingKeyNotFound(`No billing key ${billingKey} in store ${store.mid}`);
  return key;
}

function channel(details: BillingDetails): Record<string, unknown> {
  return { ...CHANNEL, key: details.channelKey ?? CHANNEL.key };
}

function billingKeyView(key: BillingKeyRecord): Record<string, unknown> {
  const details = key.details as unknown as BillingDetails;
  return {
    status: key.deletedAt === null ? 'ISSUED' : 'DELETED',
    billingKey: key.billingKey,
    merchantId: PORTONE_MERCHANT_ID,
    storeId: key.mid,
    methods: [{ type: 'BillingKeyPaymentMethodCard', card: details.card }],
    channels: [channel(details)],
    customer: details.customer,
    ...(details.customData === undefined ? {} : { customData: details.customData }),
    requestedAt: iso(key.issuedAt),
    issuedAt: iso(key.issuedAt),
    ...(key.deletedAt === null ? {} : { deletedAt: iso(key.deletedAt) }),
    pgBillingKeyIssueResponses: [{ type: 'ISSUED', channel: channel(details), pgTxId: `pg_${key.billingKey}` }],
  };
}
