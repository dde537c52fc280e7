/**
 * Reading payments: `getPayment`, `getPayments` (a page, with PortOne's
 * filters and exact counts) and `getAllPaymentsByCursor` (oldest first; the
 * next call passes the last item's cursor; an empty page is the end).
 */
import type { ContractFilter, StatusCondition } from '../../store/store.js';
import { PROFILE, paymentOf, pathParam, queryParam, sendJson, viewsOf, type PortOneContext } from './portone.context.js';
import { invalidRequest } from './portone.errors.js';
import { echoPrefix, type MethodType } from './portone.facts.js';
import { instant, integer, object, oneOf, queryBody, string, type Json } from './portone.input.js';
import { storeOf, type PortOneServer } from './portone.server.js';

const DAY = 24 * 3_600_000;

/** The filter's statuses (note PENDING here where a Payment says PAY_PENDING) as engine conditions. */
const STATUS_CONDITIONS: Readonly<Record<string, readonly StatusCondition[]>> = {
  READY: [],
  PENDING: [],
  VIRTUAL_ACCOUNT_ISSUED: ['PENDING', 'PROCESSING'],
  PAID: ['SUCCESS_UNCANCELLED'],
  FAILED: ['FAILED'],
  PARTIAL_CANCELLED: ['SUCCESS_PART_CANCELLED'],
  CANCELLED: ['CANCELLED'],
};
const METHODS: Readonly<Record<string, MethodType | null>> = {
  CARD: 'CARD',
  VIRTUAL_ACCOUNT: 'VIRTUAL_ACCOUNT',
  TRANSFER: null,
  MOBILE: null,
  EASY_PAY: null,
  GIFT_CERTIFICATE: null,
  CONVENIENCE_STORE: null,
  CRYPTO: null,
};

export function registerPortOneReads(app: PortOneServer, ctx: PortOneContext): void {
  app.get('/payments/:paymentId', async (request, reply) => {
    const payment = await paymentOf(ctx, request, pathParam(request, 'paymentId'), queryParam(request, 'storeId'));
    const [view] = await viewsOf(ctx, [payment]);
    return sendJson(reply, view);
  });

  app.get('/payments', async (request, reply) => {
    const body = queryBody(request.query);
    const page = object(body, 'page') ?? {};
    const number = integer(page, 'number', false, 0, 'page.number') ?? 0;
    const size = integer(page, 'size', false, 1, 'page.size') ?? 10;
    if (size > 1000) throw invalidRequest('page.size must be at most 1000');
    const filter = object(body, 'filter') ?? {};
    const store = storeOf(request, string(filter, 'storeId', false, 'filter.storeId'));
    const f = contractFilter(store.mid, filter);
    const sortBy = oneOf(filter, 'sortBy', ['REQUESTED_AT', 'STATUS_CHANGED_AT'], 'filter.sortBy') ?? 'STATUS_CHANGED_AT';
    const order = oneOf(filter, 'sortOrder', ['DESC', 'ASC'], 'filter.sortOrder') ?? 'DESC';
    const { items, total } =
      f === null
        ? { items: [], total: 0 }
        : await ctx.store.pageContractPayments(f, {
            offset: number * size,
            limit: size,
            order: order === 'ASC' ? 'asc' : 'desc',
            sortBy: sortBy === 'REQUESTED_AT' ? 'requested' : 'status',
          });
    return sendJson(reply, { items: await viewsOf(ctx, items), page: { number, size, totalCount: total } });
  });

  app.get('/payments-by-cursor', async (request, reply) => {
    const body = queryBody(request.query);
    const store = storeOf(request, string(body, 'storeId'));
    const size = integer(body, 'size', false, 1) ?? 10;
    if (size > 1000) throw invalidRequest('size must be at most 1000');
    const until = instant(body, 'until') ?? Date.now();
    const from = instant(body, 'from') ?? until - 90 * DAY;
    const cursor = string(body, 'cursor');
    const after = cursor === undefined ? 0 : cursorId(cursor);
    const items = await ctx.store.contractPaymentsAfter({ profile: PROFILE, mid: store.mid, timeField: 'requested', from, until }, after, size);
    const views = await viewsOf(ctx, items);
    return sendJson(reply, { items: items.map((p, i) => ({ payment: views[i], cursor: Buffer.from(`p:${p.id}`).toString('base64url') })) });
  });
}

function cursorId(cursor: string): number {
  const m = /^p:(\d+)$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!m) throw invalidRequest('cursor is not one this API gave');
  return Number(m[1]);
}

/** PortOne's PaymentFilterInput as the engine's filter; null when nothing can match (a status or method this emulation never has). */
function contractFilter(mid: string, filter: Json): ContractFilter | null {
  const timeType = oneOf(filter, 'timestampType', ['CREATED_AT', 'STATUS_CHANGED_AT'], 'filter.timestampType') ?? 'STATUS_CHANGED_AT';
  const until = instant(filter, 'until', 'filter.until') ?? Date.now() + 1;
  const from = instant(filter, 'from', 'filter.from') ?? until - 90 * DAY;
  const f: ContractFilter = { profile: PROFILE, mid, timeField: timeType === 'CREATED_AT' ? 'requested' : 'status', from, until };
  const statuses = listOf(filter, 'status', Object.keys(STATUS_CONDITIONS));
  if (statuses) {
    f.statuses = statuses.flatMap((s) => STATUS_CONDITIONS[s]!);
    if (f.statuses.length === 0) return null;
  }
  const methods = listOf(filter, 'methods', Object.keys(METHODS));
  if (methods) {
    const known = methods.map((m) => METHODS[m]).filter((m): m is MethodType => m !== null);
    if (known.length === 0) return null;
    f.echoPrefixes = known.map(echoPrefix);
  }
  if (filter.isTest === false) return null; // every payment here is a test payment
  return f;
}

function listOf(o: Json, field: string, allowed: readonly string[]): string[] | undefined {
  const v = o[field];
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string' || !allowed.includes(x))) {
    throw invalidRequest(`filter.${field} must be a list of ${allowed.join(', ')}`);
  }
  return v as string[];
}

