/**
 * The payment API's request and response shapes, declared once (TypeBox):
 * they validate requests, type the handlers, serialize responses, and will
 * document the API (OpenAPI).
 */
import { Type, type Static, type TSchema } from 'typebox';
import { FAIL_REASONS, PAYMENT_STATUSES } from './payment.js';

export const MAX_AMOUNT = 999_999_999_999.999;
export const MAX_ORDER_ID = 255;
export const MAX_USER_PUBLIC_ID = 100;
export const MAX_ECHO_BYTES = 16 * 1024;
export const MAX_ECHO_DEPTH = 10;

const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

/** True when the number's shortest decimal form has at most 3 digits after the point. */
export function hasAtMost3Decimals(value: number): boolean {
  const text = String(value);
  if (text.includes('e')) return false; // only tiny (< 1e-6) or huge numbers print with an exponent
  const point = text.indexOf('.');
  return point < 0 || text.length - point - 1 <= 3;
}

/** Nesting depth of a JSON value (an object holding only scalars is 1), computed without recursion. */
export function jsonDepth(value: unknown, stopAbove = Infinity): number {
  let max = 0;
  const stack: Array<[unknown, number]> = [[value, 1]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (typeof node !== 'object' || node === null) continue;
    if (depth > max) max = depth;
    if (max > stopAbove) return max;
    for (const child of Object.values(node)) stack.push([child, depth + 1]);
  }
  return max;
}

function echoProblem(value: unknown): string | null {
  if (jsonDepth(value, MAX_ECHO_DEPTH) > MAX_ECHO_DEPTH) return `must be nested at most ${MAX_ECHO_DEPTH} levels deep`;
  if (Buffer.byteLength(JSON.stringify(value)) > MAX_ECHO_BYTES) return `must be at most ${MAX_ECHO_BYTES} bytes as JSON`;
  return null;
}

export const Amount = Type.Refine(
  Type.Number({
    exclusiveMinimum: 0,
    maximum: MAX_AMOUNT,
    description: 'Positive, at most 3 decimal places, at most 999,999,999,999.999. Echoed as sent.',
  }),
  hasAtMost3Decimals,
  () => 'must have at most 3 decimal places',
);

export const EchoObject = Type.Object(
  {},
  {
    additionalProperties: true,
    description: 'Cash Gateway metadata (e.g. mid, orderNumber, gatewayReferenceId), returned as sent in the ACK and the webhook.',
  },
);

const Echo = Type.Refine(EchoObject, (v) => echoProblem(v) === null, (v) => echoProblem(v) ?? 'is not allowed');

export const PaymentRequest = Type.Object(
  {
    userPublicId: Type.Optional(Nullable(Type.String({ maxLength: MAX_USER_PUBLIC_ID }))),
    orderId: Type.String({ minLength: 1, maxLength: MAX_ORDER_ID }),
    amount: Amount,
    echo: Type.Optional(Nullable(Echo)),
  },
  { additionalProperties: true, description: 'Unknown fields are accepted and ignored.' },
);
export type PaymentRequest = Static<typeof PaymentRequest>;

export const IdempotencyHeaders = Type.Object({
  'idempotency-key': Type.Optional(
    Type.String({
      maxLength: 255,
      description: 'Makes the request safe to repeat: the same key with the same body answers the first response again (kept 24 h by default).',
    }),
  ),
});

export const ACK_MESSAGE = 'Payment request received and processing';

export const PaymentAck = Type.Object({
  status: Type.Literal('PENDING'),
  code: Type.Literal('ACK_OK'),
  transactionId: Type.String(),
  amount: Type.Number(),
  echo: Nullable(EchoObject),
  message: Type.Literal(ACK_MESSAGE),
});
export type PaymentAck = Static<typeof PaymentAck>;

const LocalDateTime = Type.String({
  description: 'ISO-8601 local date-time without zone, in the server time zone',
  examples: ['2026-02-05T10:00:05'],
});
const Status = Type.Enum([...PAYMENT_STATUSES]);
const Reason = Type.Enum([...FAIL_REASONS]);

export const TransactionView = Type.Object({
  tid: Type.String(),
  orderId: Type.String(),
  amount: Type.Number(),
  status: Status,
  approvalNo: Nullable(Type.String()),
  failReason: Nullable(Reason),
  requestedAt: LocalDateTime,
  processedAt: Nullable(LocalDateTime),
  webhookSentAt: Nullable(LocalDateTime),
  publicId: Type.String(),
  userPublicId: Nullable(Type.String()),
  echo: Nullable(EchoObject),
  processingStartedAt: Nullable(LocalDateTime),
  webhookResponseCode: Nullable(Type.Integer()),
  mid: Nullable(Type.String({ description: 'the merchant (echo.mid) it was taken for' })),
  scenario: Nullable(Type.String({ description: 'the scenario rule that decided it; null: the success rate did' })),
  cancelledAt: Nullable(LocalDateTime),
});
export type TransactionView = Static<typeof TransactionView>;

export const TidParams = Type.Object({ tid: Type.String({ maxLength: 64 }) });

export const TriggerQuery = Type.Object({
  status: Type.Enum(['SUCCESS', 'FAILED']),
  reason: Type.Optional(Reason),
});

const DeliveryState = Type.Enum(['PENDING', 'HELD', 'SENDING', 'DELIVERED', 'DEAD'], {
  description:
    'PENDING: waiting for its next attempt; HELD: kept back by a scenario until re-sent or triggered; SENDING: being sent; DELIVERED: a 2xx was received; DEAD: no attempt left',
});

const AttemptFields = {
  attemptNo: Type.Integer(),
  attemptedAt: LocalDateTime,
  url: Type.String(),
  delivered: Type.Boolean({ description: 'the receiver answered 2xx' }),
  responseCode: Nullable(Type.Integer()),
  error: Nullable(Type.String({ description: 'why there was no answer (timeout, connection refused, …)' })),
  durationMs: Type.Integer(),
  responseBody: Nullable(Type.String({ description: 'the first 4 KB of the answer' })),
};

/** One attempt made just now (trigger, re-send), with where its delivery stands after it. */
export const SentWebhookView = Type.Object({
  deliveryId: Type.Integer(),
  webhookId: Type.String({ description: 'Standard Webhooks webhook-id: the same on every retry and re-send of this event' }),
  ...AttemptFields,
  state: DeliveryState,
  nextAttemptAt: Nullable(LocalDateTime),
});

export const TriggerResponse = Type.Object({
  tid: Type.String(),
  status: Status,
  approvalNo: Nullable(Type.String()),
  failReason: Nullable(Reason),
  finalizedNow: Type.Boolean({ description: 'true when this call moved the payment to its final status' }),
  webhook: SentWebhookView,
});

export const ResendResponse = Type.Object({
  tid: Type.String(),
  status: Status,
  webhook: SentWebhookView,
});

export const WebhookLog = Type.Object({
  tid: Type.String(),
  deliveries: Type.Array(
    Type.Object({
      deliveryId: Type.Integer(),
      webhookId: Type.String(),
      eventStatus: Type.String({ description: 'the payment status the webhook announces' }),
      origin: Type.String({ description: 'AUTO (the scheduler) or MANUAL (trigger or re-send)' }),
      state: DeliveryState,
      attempts: Type.Integer(),
      nextAttemptAt: Nullable(LocalDateTime),
      deliveredAt: Nullable(LocalDateTime),
      createdAt: LocalDateTime,
    }),
  ),
  attempts: Type.Array(
    Type.Object({
      deliveryId: Type.Integer(),
      ...AttemptFields,
      signature: Nullable(Type.String({ description: 'the webhook-signature header sent, when signing' })),
    }),
  ),
});

export const Problem = Type.Object({
  type: Type.String(),
  title: Type.String(),
  status: Type.Integer(),
  detail: Type.String(),
  code: Type.String(),
  errors: Type.Optional(Type.Array(Type.Object({ field: Type.String(), message: Type.String() }))),
});
