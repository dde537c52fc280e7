/**
 * The webhook inspector's shapes: a delivery (any payment's, or a store
 * event's), its attempts with the exact request sent and the answer, and the
 * views that fill them (pure).
 */
import { Type, type Static } from 'typebox';
import type { DeliveryOutcome } from '../events.js';
import { LocalDateTime, Nullable } from '../profiles/fields.js';
import { PROFILE_NAMES } from '../profiles/registry.js';
import type { Attempt, Delivery } from '../store/store.js';
import { DELIVERY_STATES } from '../store/inspector.repository.js';
import { toLocalDateTime, toLocalDateTimeOrNull } from '../time.js';
import { isDelivered } from '../webhooks/backoff.js';

export const DeliveryStateSchema = Type.Enum([...DELIVERY_STATES]);

const Filters = {
  tid: Type.Optional(Type.String({ maxLength: 100, description: "a payment's tid, or a store event's subject (a billing key)" })),
  mid: Type.Optional(Type.String({ maxLength: 100 })),
  profile: Type.Optional(Type.Enum([...PROFILE_NAMES], { description: 'the contract whose webhook it is' })),
  url: Type.Optional(Type.String({ maxLength: 2048, description: 'sent to exactly this URL' })),
};

export const ListQuery = Type.Object({
  state: Type.Optional(DeliveryStateSchema),
  ...Filters,
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
  before: Type.Optional(Type.Integer({ minimum: 1, description: 'paging: the nextBefore of the previous page' })),
});

export const RequeueQuery = Type.Object({
  state: Type.Enum(['DEAD', 'HELD'], { description: 'which deliveries to requeue' }),
  ...Filters,
});

export const DeliveryParams = Type.Object({ deliveryId: Type.Integer({ minimum: 1 }) });

export const DeliveryView = Type.Object({
  deliveryId: Type.Integer(),
  tid: Type.String({ description: "the payment's tid, or a store event's subject (a billing key)" }),
  forPayment: Type.Boolean({ description: 'false for a store event (a webhook about no payment)' }),
  profile: Nullable(Type.String()),
  mid: Nullable(Type.String()),
  webhookId: Type.String({ description: 'Standard Webhooks webhook-id: the same on every retry and re-send of this event' }),
  eventStatus: Type.String(),
  origin: Type.Enum(['AUTO', 'MANUAL']),
  state: DeliveryStateSchema,
  url: Type.String(),
  attempts: Type.Integer(),
  createdAt: LocalDateTime,
  nextAttemptAt: Nullable(LocalDateTime),
  deliveredAt: Nullable(LocalDateTime),
  lastResponseCode: Nullable(Type.Integer()),
  lastError: Nullable(Type.String()),
});
export type DeliveryView = Static<typeof DeliveryView>;

export const Counts = Type.Record(Type.String(), Type.Integer(), {
  description: 'deliveries matching the filters (all but state), per state: PENDING, HELD, SENDING, DELIVERED, DEAD',
});

export const AttemptView = Type.Object({
  attemptNo: Type.Integer(),
  attemptedAt: LocalDateTime,
  delivered: Type.Boolean({ description: 'the receiver answered 2xx' }),
  durationMs: Type.Integer(),
  request: Type.Object({
    method: Type.Literal('POST'),
    url: Type.String(),
    headers: Nullable(Type.Record(Type.String(), Type.String(), { description: 'every header sent, signature included' })),
    signature: Nullable(Type.String({ description: 'the webhook-signature header (kept also for attempts logged before headers were)' })),
    body: Type.String({ description: "the delivery's payload: the same bytes on every attempt" }),
  }),
  response: Type.Object({
    code: Nullable(Type.Integer()),
    body: Nullable(Type.String({ description: 'the first 4 KB of the answer' })),
    error: Nullable(Type.String({ description: 'why there was no answer (timeout, connection refused, …)' })),
  }),
});
export type AttemptView = Static<typeof AttemptView>;

export const DeliveryDetail = Type.Object({ delivery: DeliveryView, body: Type.String(), attempts: Type.Array(AttemptView) });

export const ResendAnswer = Type.Object({
  resentFrom: Type.Integer({ description: 'the delivery asked for; deliveryId differs when a new MANUAL delivery was made' }),
  delivery: DeliveryView,
  attempt: AttemptView,
});

export const RequeueAnswer = Type.Object({
  requeued: Type.Integer({ description: 'deliveries put back PENDING, due now (at most limit per call)' }),
  remaining: Type.Integer({ description: 'matching deliveries still in that state: call again for them' }),
  limit: Type.Integer(),
});

export function deliveryView(d: Delivery): DeliveryView {
  return {
    deliveryId: d.id,
    tid: d.tid,
    forPayment: d.paymentId !== null,
    profile: d.profile,
    mid: d.mid,
    webhookId: d.webhookId,
    eventStatus: d.eventStatus,
    origin: d.origin,
    state: d.state,
    url: d.url,
    attempts: d.attemptCount,
    createdAt: toLocalDateTime(d.createdAt),
    nextAttemptAt: d.state === 'PENDING' ? toLocalDateTime(d.dueAt) : null,
    deliveredAt: toLocalDateTimeOrNull(d.deliveredAt),
    lastResponseCode: d.lastResponseCode,
    lastError: d.lastError,
  };
}

export function attemptView(a: Pick<Attempt, 'attemptNo' | 'attemptedAt' | 'url' | 'responseCode' | 'error' | 'durationMs' | 'responseBody' | 'signature' | 'requestHeaders'>, body: string): AttemptView {
  return {
    attemptNo: a.attemptNo,
    attemptedAt: toLocalDateTime(a.attemptedAt),
    delivered: isDelivered(a),
    durationMs: a.durationMs,
    request: { method: 'POST', url: a.url, headers: parseHeaders(a.requestHeaders), signature: a.signature, body },
    response: { code: a.responseCode, body: a.responseBody, error: a.error },
  };
}

/** The attempt just made, as the log will show it. */
export function outcomeAttempt({ delivery, result }: DeliveryOutcome): AttemptView {
  return attemptView({ ...result, attemptNo: delivery.attemptCount, requestHeaders: result.requestHeaders ?? null }, delivery.payload);
}

function parseHeaders(text: string | null): Record<string, string> | null {
  if (text === null) return null;
  try {
    return JSON.parse(text) as Record<string, string>;
  } catch {
    return null;
  }
}
