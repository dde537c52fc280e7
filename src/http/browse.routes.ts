/**
 * What the dashboard (and `hamster-pg tail`/`pay`) read: a filtered, paged
 * list of payments, the overview's counts, and a live stream of events
 * (Server-Sent Events).
 */
import { Type, type Static } from 'typebox';
import { ValidationFailed } from '../errors.js';
import { parseInstant } from '../time.js';
import type { EventBus, Streams } from './event-stream.js';
import type { HttpServer } from './server.js';
import type { Store } from '../store/store.js';
import { PAYMENT_STATUSES } from '../payments/payment.js';
import type { Cancellation, PaymentProcess } from '../payments/payment.js';
import { cancellationsOf } from '../profiles/cancellations.js';
import { PROFILE_NAMES } from '../profiles/registry.js';
import { TransactionView } from '../profiles/seed/seed.schemas.js';
import { transactionView } from '../profiles/seed/seed.views.js';
import { Problem } from './problem.js';

/** The operator's view of any payment: the seed's transaction view, and the contract it came through. */
export const PaymentView = Type.Object({
  ...TransactionView.properties,
  profile: Type.String({ description: 'the wire contract (profile) it was taken through' }),
});
export type PaymentView = Static<typeof PaymentView>;

export function paymentView(p: PaymentProcess, cancellations: readonly Cancellation[]): PaymentView {
  return { ...transactionView(p, cancellations), profile: p.profile };
}

const ListQuery = Type.Object({
  profile: Type.Optional(Type.Enum([...PROFILE_NAMES])),
  status: Type.Optional(Type.Enum([...PAYMENT_STATUSES])),
  from: Type.Optional(Type.String({ description: 'requested at or after: 2026-02-05 or 2026-02-05T10:00 (server time), or ISO-8601 with a zone' })),
  to: Type.Optional(Type.String({ description: 'requested before (same forms as from)' })),
  orderId: Type.Optional(Type.String({ maxLength: 255, description: 'order ids starting with this' })),
  tid: Type.Optional(Type.String({ maxLength: 64 })),
  mid: Type.Optional(Type.String({ maxLength: 100 })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
  before: Type.Optional(Type.Integer({ minimum: 1, description: 'paging: the nextBefore of the previous page' })),
});

const Stats = Type.Object({
  counts: Type.Record(Type.String(), Type.Integer(), { description: 'payments by status' }),
  webhooks: Type.Object({
    deliveries: Type.Record(Type.String(), Type.Integer(), { description: 'deliveries by state' }),
    attempts: Type.Integer(),
    deliveredAttempts: Type.Integer(),
    successRate: Type.Union([Type.Number(), Type.Null()], { description: 'delivered attempts / attempts' }),
  }),
  backlog: Type.Object({ pendingPayments: Type.Integer(), dueDeliveries: Type.Integer() }),
  throughput: Type.Array(
    Type.Object({ minute: Type.String({ description: 'local date-time of the minute' }), accepted: Type.Integer(), finalized: Type.Integer() }),
    { description: 'the last 15 minutes, oldest first' },
  ),
});

const MINUTES = 15;

export function registerBrowseRoutes(app: HttpServer, deps: { store: Store; events: EventBus; streams: Streams }): void {
  app.get(
    '/api/payments',
    {
      schema: {
        summary: 'List payments, newest first, with filters and paging',
        tags: ['dashboard'],
        querystring: ListQuery,
        response: { 200: Type.Object({ items: Type.Array(PaymentView), nextBefore: Type.Union([Type.Integer(), Type.Null()]) }), 400: Problem },
      },
    },
    async (request) => {
      const q = request.query;
      const instant = (field: 'from' | 'to') => {
        const text = q[field];
        if (text === undefined || text === '') return undefined;
        const ms = parseInstant(text);
        if (ms === null) {
          throw new ValidationFailed(`${field} is not a date`, [{ field, message: 'must be 2026-02-05, 2026-02-05T10:00 or ISO-8601 with a zone' }]);
        }
        return ms;
      };
      const limit = q.limit ?? 50;
      const items = await deps.store.listPayments({
        ...(q.status ? { status: q.status } : {}),
        ...(q.profile ? { profile: q.profile } : {}),
        ...(instant('from') === undefined ? {} : { from: instant('from')! }),
        ...(instant('to') === undefined ? {} : { to: instant('to')! }),
        ...(q.orderId ? { orderId: q.orderId } : {}),
        ...(q.tid ? { tid: q.tid } : {}),
        ...(q.mid ? { mid: q.mid } : {}),
        ...(q.before === undefined ? {} : { before: q.before }),
        limit,
      });
      const cancellations = await cancellationsOf(deps.store, items);
      return { items: items.map((p) => paymentView(p, cancellations.get(p.id) ?? [])), nextBefore: items.length === limit ? items.at(-1)!.id : null };
    },
  );

  app.get(
    '/api/stats',
    { schema: { summary: 'Counts for the overview: statuses, webhooks, backlog, throughput', tags: ['dashboard'], response: { 200: Stats } } },
    async () => {
      const o = await deps.store.overview(MINUTES);
      const byMinute = new Map(o.perMinute.map((m) => [m.minute, m]));
      const last = Math.floor(o.now / 60_000);
      const throughput = Array.from({ length: MINUTES }, (_, i) => {
        const minute = last - MINUTES + 1 + i;
        const m = byMinute.get(minute);
        return { minute: minuteText(minute * 60_000), accepted: m?.accepted ?? 0, finalized: m?.finalized ?? 0 };
      });
      return {
        counts: Object.fromEntries(PAYMENT_STATUSES.map((s) => [s, o.counts[s] ?? 0])),
        webhooks: {
          deliveries: o.deliveries,
          attempts: o.attempts.total,
          deliveredAttempts: o.attempts.delivered,
          successRate: o.attempts.total === 0 ? null : o.attempts.delivered / o.attempts.total,
        },
        backlog: o.backlog,
        throughput,
      };
    },
  );

  app.get(
    '/api/events',
    {
      schema: {
        summary: 'Live events (Server-Sent Events): payment (accepted, finalized, cancelled) and webhook (each attempt)',
        description: 'text/event-stream. `event: payment` data: {change, at, payment: <transaction view>}; `event: webhook` data: {tid, attemptNo, delivered, responseCode, state, …}. A `resync` event means events were dropped for a slow reader.',
        tags: ['dashboard'],
      },
    },
    async (request, reply) => {
      reply.hijack();
      deps.streams.open(reply.raw, deps.events);
      request.log.debug('event stream opened');
    },
  );
}

function minuteText(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}
