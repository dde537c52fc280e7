/**
 * PortOne's error answers: `{ "type": "...", "message": "..." }` with the
 * HTTP status its API gives each type. The SDK throws its method's error
 * class with this body as `error.data`, so `type` is what a caller's code
 * branches on.
 */
export class PortOneFailure extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
    /** Fields the type requires besides its message (PG_PROVIDER: pgCode, pgMessage). */
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'PortOneFailure';
  }

  body(): Record<string, unknown> {
    return { type: this.type, message: this.message, ...this.extra };
  }
}

const failure = (status: number, type: string) => (message: string) => new PortOneFailure(status, type, message);

export const invalidRequest = failure(400, 'INVALID_REQUEST');
export const unauthorized = failure(401, 'UNAUTHORIZED');
export const forbidden = failure(403, 'FORBIDDEN');
export const paymentNotFound = failure(404, 'PAYMENT_NOT_FOUND');
export const billingKeyNotFound = failure(404, 'BILLING_KEY_NOT_FOUND');
export const webhookNotFound = failure(404, 'WEBHOOK_NOT_FOUND');
export const alreadyPaid = failure(409, 'ALREADY_PAID');
export const paymentNotPaid = failure(409, 'PAYMENT_NOT_PAID');
export const alreadyCancelled = failure(409, 'PAYMENT_ALREADY_CANCELLED');
export const cancelExceeds = failure(409, 'CANCEL_AMOUNT_EXCEEDS_CANCELLABLE_AMOUNT');
export const cancelTaxFreeExceeds = failure(409, 'CANCEL_TAX_FREE_AMOUNT_EXCEEDS_CANCELLABLE_TAX_FREE_AMOUNT');
export const cancelTaxExceeds = failure(409, 'CANCEL_TAX_AMOUNT_EXCEEDS_CANCELLABLE_TAX_AMOUNT');
export const cancellableBroken = failure(409, 'CANCELLABLE_AMOUNT_CONSISTENCY_BROKEN');
export const sumExceedsCancel = failure(409, 'SUM_OF_PARTS_EXCEEDS_CANCEL_AMOUNT');
export const sumExceedsTotal = failure(409, 'SUM_OF_PARTS_EXCEEDS_TOTAL_AMOUNT');
export const notWaitingForDeposit = failure(409, 'PAYMENT_NOT_WAITING_FOR_DEPOSIT');
export const billingKeyDeleted = failure(409, 'BILLING_KEY_ALREADY_DELETED');
export const serviceUnavailable = failure(503, 'SERVICE_UNAVAILABLE');

/** The PG declined: 502 with its code and message, as PortOne relays them. */
export function pgProvider(pgCode: string, pgMessage: string): PortOneFailure {
  return new PortOneFailure(502, 'PG_PROVIDER', `PG사에서 오류를 전달했습니다: ${pgMessage}`, { pgCode, pgMessage });
}
