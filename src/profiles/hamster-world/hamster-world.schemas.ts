/**
 * The upstream hamster-pg service's later contract, as the hamster-world
 * Cash Gateway speaks it: request and response shapes (TypeBox), field names
 * and order as the upstream Kotlin DTOs declare them.
 */
import { Type, type Static, type TSchema } from 'typebox';
import { FAIL_REASONS } from '../../payments/payment.js';
import { CancellationFields } from '../cancellations.js';
import { Amount, Echo, LocalDateTime, MAX_ORDER_ID, MAX_USER_PUBLIC_ID, Nullable } from '../fields.js';

const MID = Type.String({ minLength: 1, maxLength: 100, description: 'the merchant (MID) the payment is for' });

/** `DummyPaymentRequest`, and with `tid` + `cancel: "CANCEL"` the Cash Gateway's `DummyPaymentCancelRequest`. */
export const ProcessRequest = Type.Object(
  {
    midId: MID,
    userId: Type.Optional(Nullable(Type.String({ maxLength: MAX_USER_PUBLIC_ID }))),
    orderId: Type.String({ minLength: 1, maxLength: MAX_ORDER_ID }),
    amount: Amount,
    echo: Type.Optional(Nullable(Echo)),
    tid: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'with cancel: the payment to cancel' })),
    cancel: Type.Optional(
      Type.Literal('CANCEL', {
        description: 'makes this a cancellation of `tid`, of `amount`: all that is left (the whole payment, before any part was cancelled), or a whole-number part of it',
      }),
    ),
  },
  { additionalProperties: true, description: 'Unknown fields (mid, requestType, pgTransaction, …) are accepted and ignored.' },
);
export type ProcessRequest = Static<typeof ProcessRequest>;

export const ACK_MESSAGE = 'Payment request accepted';

/** `ProcessPaymentResponse`: no tid — the Cash Gateway learns it from the webhook. */
export const ProcessAck = Type.Object({
  code: Type.Literal('ACK_OK'),
  amount: Type.Number(),
  message: Type.Literal(ACK_MESSAGE),
});
export type ProcessAck = Static<typeof ProcessAck>;

/** The payment process's statuses in this contract (CANCELLED: a cancellation this contract added). */
export const PROCESS_STATUSES = ['PENDING', 'PROCESSING', 'SUCCESS', 'FAILED', 'CANCELLED'] as const;
/** The final payment's statuses: `/api/payment`'s words, and the webhook's (which adds PARTIAL_CANCELLED). */
export const PAYMENT_STATUSES = ['COMPLETED', 'FAILED', 'CANCELLED'] as const;
export type HwPaymentStatus = (typeof PAYMENT_STATUSES)[number];
/** The webhook's statuses: a payment's, or a part of it cancelled (see webhookBody). */
export const WEBHOOK_STATUSES = [...PAYMENT_STATUSES, 'PARTIAL_CANCELLED'] as const;
export type HwWebhookStatus = (typeof WEBHOOK_STATUSES)[number];
export const NOTIFICATION_STATUSES = ['NOT_SENT', 'SENT', 'FAILED'] as const;

const Reason = Nullable(Type.Enum([...FAIL_REASONS]));

/** `PaymentProcessDetailsResponse`. */
export const ProcessDetails = Type.Object({
  tid: Type.String(),
  midId: Type.String(),
  orderId: Type.String(),
  amount: Type.Number(),
  status: Type.Enum([...PROCESS_STATUSES]),
  approvalNo: Nullable(Type.String()),
  failReason: Reason,
  requestedAt: LocalDateTime,
  processingStartedAt: Nullable(LocalDateTime),
  processedAt: Nullable(LocalDateTime),
  // Added by this contract (after the upstream's fields, which stay as they are).
  ...CancellationFields,
});
export type ProcessDetails = Static<typeof ProcessDetails>;

/** `TransactionResponse`: a payment's final result. */
export const TransactionResponse = Type.Object({
  tid: Type.String(),
  orderId: Type.String(),
  amount: Type.Number(),
  status: Type.Enum([...PAYMENT_STATUSES]),
  approvalNo: Nullable(Type.String()),
  failureReason: Reason,
  notificationStatus: Type.Enum([...NOTIFICATION_STATUSES], {
    description: 'NOT_SENT: no attempt yet; SENT: the receiver answered 2xx; FAILED: attempted, not (yet) delivered',
  }),
  notificationAttemptCount: Type.Integer(),
  lastNotificationAt: Nullable(LocalDateTime),
  processedAt: LocalDateTime,
  createdAt: LocalDateTime,
  modifiedAt: Nullable(LocalDateTime),
  // Added by this contract (after the upstream's fields, which stay as they are).
  ...CancellationFields,
});
export type TransactionResponse = Static<typeof TransactionResponse>;

export const CreateMidRequest = Type.Object(
  {
    merchantName: Type.String({ maxLength: 200, pattern: '\\S' }),
    webhookUrl: Type.String({ maxLength: 2000, pattern: '\\S' }),
  },
  { additionalProperties: true },
);

/** `MidResponse`. */
export const MidResponse = Type.Object({
  midId: Type.String(),
  merchantName: Type.String(),
  apiKey: Type.String({ format: 'uuid' }),
  webhookUrl: Type.String(),
  isActive: Type.Boolean(),
  createdAt: LocalDateTime,
  modifiedAt: Nullable(LocalDateTime),
});
export type MidResponse = Static<typeof MidResponse>;

const Sort = Type.Object({ empty: Type.Boolean(), sorted: Type.Boolean(), unsorted: Type.Boolean() });

/** A Spring Data `Page`, as Jackson writes a `PageImpl`. */
export function Page<T extends TSchema>(item: T) {
  return Type.Object({
    content: Type.Array(item),
    pageable: Type.Object({
      pageNumber: Type.Integer(),
      pageSize: Type.Integer(),
      sort: Sort,
      offset: Type.Integer(),
      paged: Type.Boolean(),
      unpaged: Type.Boolean(),
    }),
    last: Type.Boolean(),
    totalElements: Type.Integer(),
    totalPages: Type.Integer(),
    size: Type.Integer(),
    number: Type.Integer(),
    sort: Sort,
    first: Type.Boolean(),
    numberOfElements: Type.Integer(),
    empty: Type.Boolean(),
  });
}

const PageParams = {
  page: Type.Optional(Type.Integer({ minimum: 0, default: 0 })),
  size: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
};

const LocalDate = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'yyyy-MM-dd (server time)' });

export const PaymentSearch = Type.Object({
  midId: Type.Optional(Type.String({ maxLength: 100 })),
  orderId: Type.Optional(Type.String({ maxLength: MAX_ORDER_ID, description: 'order ids containing this' })),
  status: Type.Optional(Type.Enum([...PAYMENT_STATUSES])),
  from: Type.Optional(LocalDate),
  to: Type.Optional(LocalDate),
  ...PageParams,
});
export type PaymentSearch = Static<typeof PaymentSearch>;

export const MidSearch = Type.Object({
  midId: Type.Optional(Type.String({ maxLength: 100, description: 'MIDs containing this' })),
  merchantName: Type.Optional(Type.String({ maxLength: 200, description: 'names containing this' })),
  isActive: Type.Optional(Type.Boolean()),
  ...PageParams,
});
export type MidSearch = Static<typeof MidSearch>;

export const TidParams = Type.Object({ tid: Type.String({ maxLength: 64 }) });
export const MidParams = Type.Object({ midId: Type.String({ maxLength: 100 }) });

/** The webhook, as the upstream NotificationService sends it (documented under the OpenAPI `webhooks`). */
export const HamsterWorldWebhook = Type.Object(
  {
    tid: Type.String(),
    midId: Type.String(),
    userId: Type.String({ description: '"" when the payment had none (the Cash Gateway reads it as non-null)' }),
    orderId: Type.String(),
    amount: Type.Number({ description: "the payment's amount; with PARTIAL_CANCELLED, what that part took" }),
    status: Type.Enum([...WEBHOOK_STATUSES]),
    approvalNo: Nullable(Type.String()),
    failureReason: Reason,
    echo: Type.String({ description: "the request's echo as JSON text; \"{}\" without one" }),
    // Added by this contract, after the upstream's keys:
    remainingAmount: Type.Optional(Type.Number({ description: 'PARTIAL_CANCELLED: what is left of the payment, still approved' })),
    cancelledAmount: Type.Optional(Type.Number({ description: 'CANCELLED after partial cancellations: what this last part took' })),
    cancellationId: Type.Optional(Type.String({ description: 'PARTIAL_CANCELLED, and CANCELLED after partial cancellations: the cancellation announced' })),
  },
  { description: 'Keys in this order; tid, midId, userId, orderId, amount and status are never null' },
);
