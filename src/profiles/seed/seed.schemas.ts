/**
 * The payment API's request and response shapes, declared once (TypeBox):
 * they validate requests, type the handlers, serialize responses, and will
 * document the API (OpenAPI).
 */
import { Type, type Static } from 'typebox';
import { CancellationFields } from '../cancellations.js';
import { Amount, Echo, EchoObject, LocalDateTime, MAX_ORDER_ID, MAX_USER_PUBLIC_ID, Nullable } from '../fields.js';
import { DECIDERS, FAIL_REASONS, PAYMENT_STATUSES } from '../../payments/payment.js';

export const PaymentRequest = Type.Object(
  {
    userPublicId: Type.Optional(Nullable(Type.String({ maxLength: MAX_USER_PUBLIC_ID }))),
    orderId: Type.String({ minLength: 1, maxLength: MAX_ORDER_ID }),
    amount: Amount,
    echo: Type.Optional(Nullable(Echo)),
  },
  {
    additionalProperties: true,
    description: 'Unknown fields are accepted and ignored.',
    examples: [{ orderId: 'ORD_456', userPublicId: 'USR_123', amount: 10000, echo: { mid: 'hamster_dummy_mid_001', cartId: 'CART_9' } }],
  },
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

export const PaymentAck = Type.Object(
  {
    status: Type.Literal('PENDING'),
    code: Type.Literal('ACK_OK'),
    transactionId: Type.String(),
    amount: Type.Number(),
    echo: Nullable(EchoObject),
    message: Type.Literal(ACK_MESSAGE),
  },
  {
    examples: [
      { status: 'PENDING', code: 'ACK_OK', transactionId: 'DUMMY_20261202_48213377', amount: 10000, echo: { mid: 'hamster_dummy_mid_001', cartId: 'CART_9' }, message: ACK_MESSAGE },
    ],
  },
);
export type PaymentAck = Static<typeof PaymentAck>;

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
  decidedBy: Nullable(
    Type.Enum([...DECIDERS], { description: 'who decided the outcome: its scenario rule, the success rate (random), the manual trigger, or a PortOne test card; null until final' }),
  ),
  ...CancellationFields,
});
export type TransactionView = Static<typeof TransactionView>;

export const TidParams = Type.Object({ tid: Type.String({ maxLength: 64 }) });

const MAX_CANCEL_REASON = 500;

/** No body (or an empty one, or null): cancel all that is left. */
export const CancelBody = Nullable(
  Type.Object(
    {
      amount: Type.Optional(
        Type.Integer({
          minimum: 1,
          maximum: Number.MAX_SAFE_INTEGER,
          description: 'How much to cancel: a whole number, at most what is left (remainingAmount). Absent: all that is left.',
        }),
      ),
      reason: Type.Optional(Nullable(Type.String({ maxLength: MAX_CANCEL_REASON, description: 'kept with the cancellation and shown in the views' }))),
    },
    // A mistyped "amount" must not cancel everything: unknown fields are refused.
    { additionalProperties: false },
  ),
);
export type CancelBody = Static<typeof CancelBody>;

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

const WebhookEcho = Nullable(EchoObject);

/** The seed's webhook bodies, as sent (documented under the OpenAPI `webhooks`). */
export const SeedWebhook = Type.Union(
  [
    Type.Object({
      status: Type.Literal('SUCCESS'),
      code: Type.Literal('0000'),
      transactionId: Type.String(),
      approvalNo: Type.String(),
      amount: Type.Number(),
      echo: WebhookEcho,
      message: Type.Literal('Payment approved successfully'),
    }),
    Type.Object({
      status: Type.Literal('FAILED'),
      code: Type.String({ pattern: '^E00[1-5]$', description: 'E001 INSUFFICIENT_BALANCE … E005 SYSTEM_ERROR' }),
      transactionId: Type.String(),
      amount: Type.Number(),
      echo: WebhookEcho,
      message: Type.String({ description: 'Payment failed: <reason>' }),
    }),
    Type.Object({
      status: Type.Literal('CANCELLED'),
      code: Type.Literal('0000'),
      transactionId: Type.String(),
      amount: Type.Number({ description: "the payment's amount" }),
      cancelledAmount: Type.Optional(Type.Number({ description: 'only after partial cancellations: what this last part took' })),
      cancellationId: Type.Optional(Type.String({ description: 'only after partial cancellations: the last part' })),
      echo: WebhookEcho,
      message: Type.Literal('Payment cancelled successfully'),
    }),
    Type.Object({
      status: Type.Literal('PARTIAL_CANCELLED'),
      code: Type.Literal('0000'),
      transactionId: Type.String(),
      amount: Type.Number({ description: 'what this part took off the payment' }),
      remainingAmount: Type.Number({ description: 'what is left of the payment, still approved' }),
      cancellationId: Type.String(),
      echo: WebhookEcho,
      message: Type.Literal('Payment partially cancelled'),
    }),
  ],
  { description: 'Keys in this order, as the seed shows them' },
);
