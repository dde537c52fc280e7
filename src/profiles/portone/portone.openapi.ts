/**
 * The PortOne contract's paths for the OpenAPI document. They are served on
 * the PortOne listener, so each path names that server. The bodies are
 * PortOne's own types (see @portone/server-sdk's generated types, which are
 * the contract); they are described here, not repeated field by field.
 */
type Json = Record<string, unknown>;

const ERROR = {
  type: 'object',
  required: ['type'],
  properties: {
    type: { type: 'string', description: 'UNAUTHORIZED, FORBIDDEN, INVALID_REQUEST, PAYMENT_NOT_FOUND, PG_PROVIDER, ALREADY_PAID, …' },
    message: { type: 'string' },
    pgCode: { type: 'string', description: 'PG_PROVIDER only' },
    pgMessage: { type: 'string', description: 'PG_PROVIDER only' },
  },
};
const OBJECT = { type: 'object', additionalProperties: true };
const error = (description: string) => ({ description, content: { 'application/json': { schema: { $ref: '#/components/schemas/PortOneError' } } } });

function op(operationId: string, summary: string, o: { path?: string[]; query?: string[]; body?: string; ok: string; errors: Record<string, string> }): Json {
  return {
    tags: ['portone'],
    operationId,
    summary,
    security: [{ portoneSecret: [] }],
    parameters: [
      ...(o.path ?? []).map((name) => ({ in: 'path', name, required: true, schema: { type: 'string' } })),
      ...(o.query ?? []).map((name) => ({ in: 'query', name, required: false, schema: { type: 'string' } })),
    ],
    ...(o.body
      ? { requestBody: { required: true, description: `${o.body} (sent as JSON; any content type is read as JSON)`, content: { 'application/json': { schema: OBJECT } } } }
      : {}),
    responses: {
      '200': { description: o.ok, content: { 'application/json': { schema: OBJECT } } },
      '401': error('UNAUTHORIZED: no Authorization: PortOne <secret>, or a secret of no store'),
      '403': error('FORBIDDEN: the storeId is not the secret’s store'),
      ...Object.fromEntries(Object.entries(o.errors).map(([status, description]) => [status, error(description)])),
    },
  };
}

const PAYMENT_ID = ['paymentId'];

export function portonePaths(serverUrl: string): Json {
  const servers = [{ url: serverUrl, description: 'the PortOne listener (portone.server.port)' }];
  const at = (item: Json) => ({ servers, ...item });
  return {
    '/payments/{paymentId}': at({
      get: op('portoneGetPayment', 'getPayment: a payment (the Payment union, by status)', { path: PAYMENT_ID, query: ['storeId'], ok: 'Payment', errors: { '404': 'PAYMENT_NOT_FOUND' } }),
    }),
    '/payments': at({
      get: op('portoneGetPayments', 'getPayments: a page of payments with filters', { query: ['requestBody'], ok: 'GetPaymentsResponse: items and page', errors: { '400': 'INVALID_REQUEST' } }),
    }),
    '/payments-by-cursor': at({
      get: op('portoneGetAllPaymentsByCursor', 'getAllPaymentsByCursor: every payment, oldest first, by cursor', { query: ['requestBody'], ok: 'GetAllPaymentsByCursorResponse', errors: { '400': 'INVALID_REQUEST' } }),
    }),
    '/payments/{paymentId}/instant': at({
      post: op('portonePayInstantly', 'payInstantly: a card (decided now) or a virtual account (paid later)', {
        path: PAYMENT_ID,
        body: 'InstantPaymentInput',
        ok: 'PayInstantlyResponse: pgTxId and paidAt (a virtual account: its issue time)',
        errors: { '400': 'INVALID_REQUEST', '409': 'ALREADY_PAID, SUM_OF_PARTS_EXCEEDS_TOTAL_AMOUNT', '502': 'PG_PROVIDER: declined, with pgCode and pgMessage' },
      }),
    }),
    '/payments/{paymentId}/pre-register': at({
      post: op('portonePreRegisterPayment', 'preRegisterPayment: fix what a later payment must be', { path: PAYMENT_ID, body: 'PreRegisterPaymentBody', ok: '{}', errors: { '400': 'INVALID_REQUEST', '409': 'ALREADY_PAID' } }),
    }),
    '/payments/{paymentId}/cancel': at({
      post: op('portoneCancelPayment', 'cancelPayment: all that is left, or a part', {
        path: PAYMENT_ID,
        body: 'CancelPaymentBody',
        ok: 'CancelPaymentResponse: the cancellation',
        errors: {
          '400': 'INVALID_REQUEST',
          '404': 'PAYMENT_NOT_FOUND',
          '409': 'PAYMENT_NOT_PAID, PAYMENT_ALREADY_CANCELLED, CANCEL_AMOUNT_EXCEEDS_CANCELLABLE_AMOUNT, CANCELLABLE_AMOUNT_CONSISTENCY_BROKEN, CANCEL_TAX_FREE_AMOUNT_EXCEEDS_CANCELLABLE_TAX_FREE_AMOUNT, CANCEL_TAX_AMOUNT_EXCEEDS_CANCELLABLE_TAX_AMOUNT, SUM_OF_PARTS_EXCEEDS_CANCEL_AMOUNT',
        },
      }),
    }),
    '/payments/{paymentId}/virtual-account/close': at({
      post: op('portoneCloseVirtualAccount', 'closeVirtualAccount: an issued account stops taking deposits (FAILED)', {
        path: PAYMENT_ID,
        query: ['storeId'],
        ok: 'CloseVirtualAccountResponse: closedAt',
        errors: { '404': 'PAYMENT_NOT_FOUND', '409': 'PAYMENT_NOT_WAITING_FOR_DEPOSIT' },
      }),
    }),
    '/payments/{paymentId}/resend-webhook': at({
      post: op('portoneResendWebhook', 'resendWebhook: one of its webhooks again, now', { path: PAYMENT_ID, body: 'ResendWebhookBody', ok: 'ResendWebhookResponse: the webhook and its attempt', errors: { '404': 'PAYMENT_NOT_FOUND, WEBHOOK_NOT_FOUND' } }),
    }),
    '/payments/{paymentId}/billing-key': at({
      post: op('portonePayWithBillingKey', 'payWithBillingKey: a card payment with a kept card', {
        path: PAYMENT_ID,
        body: 'BillingKeyPaymentInput',
        ok: 'PayWithBillingKeyResponse',
        errors: { '400': 'INVALID_REQUEST', '404': 'BILLING_KEY_NOT_FOUND', '409': 'ALREADY_PAID, BILLING_KEY_ALREADY_DELETED', '502': 'PG_PROVIDER' },
      }),
    }),
    '/billing-keys': at({
      post: op('portoneIssueBillingKey', 'issueBillingKey: keep a card', { body: 'IssueBillingKeyBody', ok: 'IssueBillingKeyResponse', errors: { '400': 'INVALID_REQUEST', '502': 'PG_PROVIDER: an invalid or expired card' } }),
    }),
    '/billing-keys/{billingKey}': at({
      get: op('portoneGetBillingKeyInfo', 'getBillingKeyInfo', { path: ['billingKey'], query: ['storeId'], ok: 'BillingKeyInfo (ISSUED or DELETED)', errors: { '404': 'BILLING_KEY_NOT_FOUND' } }),
      delete: op('portoneDeleteBillingKey', 'deleteBillingKey', {
        path: ['billingKey'],
        query: ['storeId', 'reason', 'requester'],
        ok: 'DeleteBillingKeyResponse: deletedAt',
        errors: { '404': 'BILLING_KEY_NOT_FOUND', '409': 'BILLING_KEY_ALREADY_DELETED' },
      }),
    }),
  };
}

export const PORTONE_COMPONENTS = {
  schemas: { PortOneError: ERROR },
  securitySchemes: { portoneSecret: { type: 'apiKey', in: 'header', name: 'Authorization', description: 'PortOne <API secret> of a store (portone.api-secret)' } },
};
