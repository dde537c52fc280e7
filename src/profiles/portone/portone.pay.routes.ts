/**
 * Paying: `payInstantly` with a card (decided in the request: PAID, or
 * PG_PROVIDER with the PG's code) or a virtual account (issued now; the
 * deposit is decided later by the scheduler, a rule or the trigger), and
 * `preRegisterPayment`, which fixes what a later payment must be.
 */
import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AcceptResult } from '../../payments/accept.service.js';
import type { DecidedBy, NewPayment, Outcome, PaymentProcess } from '../../payments/payment.js';
import { HEADER as SCENARIO_HEADER, pickDelay } from '../../scenarios/scenario.js';
import { PG_FAILURES, testCardOutcome } from './portone.cards.js';
import { PROFILE, pathParam, sendJson, type PortOneContext } from './portone.context.js';
import { PortOneFailure, alreadyPaid, forbidden, invalidRequest, pgProvider } from './portone.errors.js';
import { readAmount, readCard, readExpiry, readOrder, type Amounts, type PortOneFacts } from './portone.facts.js';
import { bodyOf, integer, object, oneOf, string, type Json } from './portone.input.js';
import { storeOf, type PortOneServer } from './portone.server.js';
import { pgTxId } from './portone.views.js';

/** A card payment is settled in the request; should that never happen (a crash), the scheduler settles it after this. */
const CARD_HOLD_MS = 5 * 60_000;
/** A scripted processing delay holds a card payment's answer at most this long. */
const MAX_CARD_DELAY_MS = 30_000;

export function registerPortOnePay(app: PortOneServer, ctx: PortOneContext): void {
  // Calls for one paymentId take turns: a second one sees the first's payment (ALREADY_PAID), never pays twice.
  app.post('/payments/:paymentId/instant', (request, reply) =>
    oneAtATime(ctx, request.portoneStore!.mid, pathParam(request, 'paymentId'), () => payInstantly(request, reply)),
  );

  async function payInstantly(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
    const paymentId = pathParam(request, 'paymentId');
    const body = bodyOf(request.body);
    const store = storeOf(request, string(body, 'storeId'));
    const method = object(body, 'method', true);
    const card = object(method, 'card');
    const va = object(method, 'virtualAccount');
    if ((card ? 1 : 0) + (va ? 1 : 0) !== 1) throw invalidRequest('method must have exactly one of card, virtualAccount');
    const order = readOrder(body);
    const amounts = readAmount(body);
    await checkPayable(ctx, store.mid, paymentId, amounts, order.currency);
    const { customerId, noticeUrl, ...orderFacts } = order;
    const base = { orderId: paymentId, userPublicId: customerId, amount: amounts.total, orderName: order.orderName };

    if (card) {
      const { number, facts } = readCard(card, 'method.card');
      const installmentMonth = integer(card, 'installmentMonth', false, 0, 'method.card.installmentMonth') ?? 0;
      const echo: PortOneFacts = { method: 'CARD', ...orderFacts, taxFree: amounts.taxFree, vat: amounts.vat, card: { ...facts, installmentMonth } };
      const input: NewPayment = { ...base, echo: echo as unknown as Json, cardNumber: number };
      return payByCard(ctx, request, reply, { input, mid: store.mid, noticeUrl, fixed: testCardOutcome(number) });
    }

    const now = Date.now();
    const option = object(va!, 'option');
    const accountType = (option && oneOf(option, 'type', ['NORMAL', 'FIXED'], 'method.virtualAccount.option.type')) ?? 'NORMAL';
    const fixed = option && object(option, 'fixed');
    const echo: PortOneFacts = {
      method: 'VIRTUAL_ACCOUNT',
      ...orderFacts,
      taxFree: amounts.taxFree,
      vat: amounts.vat,
      virtualAccount: {
        bank: string(va!, 'bank', true, 'method.virtualAccount.bank'),
        accountNumber: (fixed && string(fixed, 'accountNumber', false, 'method.virtualAccount.option.fixed.accountNumber')) ?? accountNumber(store.mid, paymentId, now),
        accountType,
        remitteeName: string(va!, 'remitteeName', false, 'method.virtualAccount.remitteeName') ?? null,
        issuedAt: now,
        expiredAt: readExpiry(va!, now),
      },
    };
    const result = await ctx.services.accept({
      profile: PROFILE,
      input: { ...base, echo: echo as unknown as Json },
      mid: store.mid,
      scenario: scenarioHeader(request),
      webhookUrl: noticeUrl,
      // The deposit is decided after deposit-after — or at the expiry, if that comes first (then it expired unpaid).
      holdMs: Math.max(0, Math.min(ctx.depositAfterMs, echo.virtualAccount!.expiredAt - now)),
    });
    const payment = accepted(result, ctx, reply);
    if (!payment) return reply;
    await ctx.services.announce(payment, 'ISSUED');
    // A virtual account's paidAt is when it was issued: the instant its view (method.issuedAt) and webhook show.
    return sendJson(reply, { payment: { pgTxId: pgTxId(payment), paidAt: new Date(echo.virtualAccount!.issuedAt).toISOString() } });
  }

  app.post('/payments/:paymentId/pre-register', async (request, reply) => {
    const paymentId = pathParam(request, 'paymentId');
    const body = bodyOf(request.body);
    const store = storeOf(request, string(body, 'storeId'));
    const existing = await ctx.store.findByOrder({ profile: PROFILE, mid: store.mid, orderId: paymentId });
    if (existing && existing.status !== 'FAILED') throw alreadyPaid(`Payment ${paymentId} was already made`);
    const currency = string(body, 'currency');
    if (currency !== undefined && !/^[A-Z]{3}$/.test(currency)) throw invalidRequest('currency must be an ISO 4217 code such as KRW');
    await ctx.store.putPreRegistration(
      { profile: PROFILE, mid: store.mid, orderId: paymentId },
      {
        amount: integer(body, 'totalAmount', false, 1) ?? null,
        taxFreeAmount: integer(body, 'taxFreeAmount', false, 0) ?? null,
        currency: currency ?? null,
      },
    );
    return sendJson(reply, {});
  });
}

const turns = new WeakMap<PortOneContext, Map<string, Promise<unknown>>>();

/**
 * Runs `fn` after every earlier call for the same store and paymentId in
 * this instance has finished: checkPayable and the accept that stores the
 * payment are not raced by a concurrent call for the same id.
 */
export async function oneAtATime<T>(ctx: PortOneContext, mid: string, paymentId: string, fn: () => Promise<T>): Promise<T> {
  let queues = turns.get(ctx);
  if (!queues) turns.set(ctx, (queues = new Map()));
  const key = `${mid}\n${paymentId}`;
  const run = (queues.get(key) ?? Promise.resolve()).then(fn);
  const done = run.then(
    () => undefined,
    () => undefined,
  );
  queues.set(key, done);
  try {
    return await run;
  } finally {
    if (queues.get(key) === done) queues.delete(key);
  }
}

/** A payment id may be paid again only after a failure; a pre-registered one only as registered. */
export async function checkPayable(ctx: PortOneContext, mid: string, paymentId: string, amounts: Amounts, currency: string): Promise<void> {
  const key = { profile: PROFILE, mid, orderId: paymentId };
  const existing = await ctx.store.findByOrder(key);
  if (existing && existing.status !== 'FAILED') throw alreadyPaid(`Payment ${paymentId} was already made (transaction ${existing.tid})`);
  const pre = await ctx.store.findPreRegistration(key);
  if (!pre) return;
  const differs = (what: string, registered: unknown, given: unknown) => {
    throw invalidRequest(`Payment ${paymentId} was pre-registered with ${what} ${String(registered)}, not ${String(given)}`);
  };
  if (pre.amount !== null && pre.amount !== amounts.total) differs('amount.total', pre.amount, amounts.total);
  if (pre.taxFreeAmount !== null && pre.taxFreeAmount !== amounts.taxFree) differs('amount.taxFree', pre.taxFreeAmount, amounts.taxFree);
  if (pre.currency !== null && pre.currency !== currency) differs('currency', pre.currency, currency);
}

/**
 * Takes a card payment and settles it now: a test card's fixed outcome,
 * else the engine's (rule, else success rate). PAID answers 200; FAILED
 * answers PG_PROVIDER — and is announced by webhook either way.
 */
export async function payByCard(
  ctx: PortOneContext,
  request: FastifyRequest,
  reply: FastifyReply,
  args: { input: NewPayment; mid: string; noticeUrl: string | null; fixed: Outcome | undefined },
): Promise<FastifyReply> {
  const result = await ctx.services.accept({
    profile: PROFILE,
    input: args.input,
    mid: args.mid,
    scenario: scenarioHeader(request),
    webhookUrl: args.noticeUrl,
    holdMs: CARD_HOLD_MS,
  });
  const payment = accepted(result, ctx, reply);
  if (!payment) return reply;
  const delay = payment.effect?.delay;
  if (delay) await new Promise((r) => setTimeout(r, Math.min(pickDelay(delay, Math.random), MAX_CARD_DELAY_MS)));
  const decidedBy: DecidedBy | undefined = args.fixed ? 'test-card' : undefined;
  const settled = await ctx.services.settle(payment, args.fixed ?? ctx.decide(payment), decidedBy ? { decidedBy } : {});
  if (settled.status === 'FAILED') {
    const pg = PG_FAILURES[settled.failReason ?? 'SYSTEM_ERROR'];
    throw pgProvider(pg.pgCode, pg.pgMessage);
  }
  return sendJson(reply, { payment: { pgTxId: pgTxId(settled), paidAt: new Date(settled.processedAt ?? settled.requestedAt).toISOString() } });
}

/** The stored payment, or the answer a refusal or a scripted fault gives (then null: the reply is under way). */
function accepted(result: AcceptResult, ctx: PortOneContext, reply: FastifyReply): PaymentProcess | null {
  switch (result.kind) {
    case 'accepted':
    case 'accepted-with-key':
      return result.payment;
    case 'unknown-scenario':
      throw invalidRequest(`No scenario rule is named ${result.name}`);
    case 'refused':
      throw forbidden(`Store ${result.mid} is ${result.why}`);
    case 'fault': {
      const { fault } = result;
      if (fault.kind === 'fail') throw new PortOneFailure(fault.status, fault.status === 429 ? 'TOO_MANY_REQUESTS' : 'INTERNAL_SERVER_ERROR', `Scenario ${result.rule} answers ${fault.status}`);
      if (fault.kind === 'timeout') {
        reply.hijack();
        ctx.hangs.hold(reply.raw, fault.ms);
        return null;
      }
      // lose: PortOne says it was paid; nothing is stored.
      void reply.code(200).send({ payment: { pgTxId: `pg_lost_${Date.now().toString(36)}`, paidAt: new Date().toISOString() } });
      return null;
    }
    default:
      throw invalidRequest('The request could not be taken');
  }
}

function scenarioHeader(request: FastifyRequest): string | null {
  const v = request.headers[SCENARIO_HEADER];
  return typeof v === 'string' ? v : null;
}

/** A 14-digit account number, the same for the same store, payment and instant. */
function accountNumber(mid: string, paymentId: string, now: number): string {
  const hash = createHash('sha256').update(`${mid}\n${paymentId}\n${now}`).digest();
  let digits = '';
  for (const byte of hash) if (digits.length < 10) digits += String(byte % 10);
  return `5621${digits}`;
}
