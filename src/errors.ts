/**
 * Named errors of the domain and of start-up. Each carries one stable code
 * from `ErrorCode` and says what went wrong; none knows HTTP — the problem
 * details (status, title) for each code live in src/http/problem.ts.
 */

export interface FieldError {
  field: string;
  message: string;
}

/** Every code an error answered to a client can carry. */
export type ErrorCode =
  | 'VALIDATION_FAILED'
  | 'MALFORMED_JSON'
  | 'FORBIDDEN_PROPERTY'
  | 'PAYMENT_NOT_FOUND'
  | 'STATUS_CONFLICT'
  | 'CANCEL_AMOUNT_EXCEEDS_BALANCE'
  | 'STORE_UNAVAILABLE'
  | 'UNKNOWN_SCENARIO'
  | 'SCENARIO_FAULT'
  | 'MERCHANT_UNKNOWN'
  | 'MERCHANT_INACTIVE'
  | 'MID_NOT_FOUND'
  | 'IDEMPOTENCY_KEY_REUSED'
  | 'IDEMPOTENCY_KEY_IN_USE'
  | 'ADMIN_TOKEN_REQUIRED'
  | 'DATA_RESET_DISABLED'
  | 'SCENARIO_EXISTS'
  | 'SCENARIO_NOT_FOUND'
  | 'MERCHANT_NOT_FOUND'
  | 'DELIVERY_NOT_FOUND'
  | 'DEFAULT_MERCHANT'
  | 'CROSS_SITE_REQUEST'
  | 'CORS_ORIGIN_NOT_ALLOWED';

/** An error a client caused or can act on, with its stable code. */
export abstract class DomainError extends Error {
  abstract readonly code: ErrorCode;
  constructor(
    detail: string,
    readonly errors?: FieldError[],
  ) {
    super(detail);
    this.name = new.target.name;
  }
}

export class ValidationFailed extends DomainError {
  readonly code = 'VALIDATION_FAILED';
  constructor(detail: string, errors: FieldError[]) {
    super(detail, errors);
  }
}

export class MalformedJson extends DomainError {
  readonly code = 'MALFORMED_JSON';
}

export class ForbiddenProperty extends DomainError {
  readonly code = 'FORBIDDEN_PROPERTY';
}

export class PaymentNotFound extends DomainError {
  readonly code = 'PAYMENT_NOT_FOUND';
  constructor(tid: string, detail = `No payment with tid ${tid}`) {
    super(detail);
  }
}

export class StatusConflict extends DomainError {
  readonly code = 'STATUS_CONFLICT';
}

/** A cancellation asked for more than is left of the payment. */
export class CancelAmountExceedsBalance extends DomainError {
  readonly code = 'CANCEL_AMOUNT_EXCEEDS_BALANCE';
  constructor(tid: string, amount: number, left: number) {
    super(`Cannot cancel ${amount} of ${tid}: only ${left} is left to cancel`);
  }
}

/** The store could not take a request right now (e.g. the tid space is exhausted). */
export class StoreUnavailable extends DomainError {
  readonly code = 'STORE_UNAVAILABLE';
}

export class UnknownScenario extends DomainError {
  readonly code = 'UNKNOWN_SCENARIO';
  constructor(name: string) {
    super(`X-Hamster-Scenario names no scenario rule: ${name}`);
  }
}

/** A scenario rule scripted this answer (500, 503 or 429) to the accept call; nothing was stored. */
export class ScenarioFault extends DomainError {
  readonly code = 'SCENARIO_FAULT';
  constructor(
    readonly rule: string,
    readonly answer: 500 | 503 | 429,
  ) {
    super(`Scenario ${rule} makes this call answer ${answer}; nothing was stored`);
  }
}

export class MerchantUnknown extends DomainError {
  readonly code = 'MERCHANT_UNKNOWN';
  constructor(mid: string) {
    super(`No merchant is registered with mid ${mid}`);
  }
}

export class MerchantInactive extends DomainError {
  readonly code = 'MERCHANT_INACTIVE';
  constructor(mid: string) {
    super(`Merchant ${mid} is not active`);
  }
}

/** The hamster-world contract's word for an unknown merchant: the MID it names does not exist. */
export class MidNotFound extends DomainError {
  readonly code = 'MID_NOT_FOUND';
  constructor(mid: string) {
    super(`PgMid not found: midId=${mid}`);
  }
}

export class IdempotencyKeyReused extends DomainError {
  readonly code = 'IDEMPOTENCY_KEY_REUSED';
  constructor() {
    super('This Idempotency-Key was already used with a different request');
  }
}

export class IdempotencyKeyInUse extends DomainError {
  readonly code = 'IDEMPOTENCY_KEY_IN_USE';
  constructor() {
    super('A request with this Idempotency-Key is still being processed; retry shortly');
  }
}

export class AdminTokenRequired extends DomainError {
  readonly code = 'ADMIN_TOKEN_REQUIRED';
  constructor() {
    super('Send Authorization: Bearer <admin.token> to use /api/admin');
  }
}

export class DataResetDisabled extends DomainError {
  readonly code = 'DATA_RESET_DISABLED';
  constructor() {
    super('Set admin.allow-data-reset: true to allow emptying the store');
  }
}

export class ScenarioExists extends DomainError {
  readonly code = 'SCENARIO_EXISTS';
  constructor(name: string) {
    super(`A scenario rule named ${name} exists; PUT /api/admin/scenarios/${name} replaces it`);
  }
}

export class ScenarioNotFound extends DomainError {
  readonly code = 'SCENARIO_NOT_FOUND';
  constructor(name: string) {
    super(`No scenario rule named ${name}`);
  }
}

export class MerchantNotFound extends DomainError {
  readonly code = 'MERCHANT_NOT_FOUND';
  constructor(mid: string) {
    super(`No merchant with mid ${mid}`);
  }
}

export class DeliveryNotFound extends DomainError {
  readonly code = 'DELIVERY_NOT_FOUND';
  constructor(id: number) {
    super(`No webhook delivery with id ${id}`);
  }
}

export class DefaultMerchant extends DomainError {
  readonly code = 'DEFAULT_MERCHANT';
  constructor(mid: string) {
    super(`${mid} takes every payment without a mid; set it inactive instead`);
  }
}

/** A browser page on another origin tried to change state, and its origin is not allowed. */
export class CrossSiteRequest extends DomainError {
  readonly code = 'CROSS_SITE_REQUEST';
  constructor(origin: string) {
    super(`A browser page on ${origin} may not change anything here; allow its origin in server.cors.origins`);
  }
}

/** A CORS preflight from an origin not in server.cors.origins. */
export class CorsOriginNotAllowed extends DomainError {
  readonly code = 'CORS_ORIGIN_NOT_ALLOWED';
  constructor(origin: string) {
    super(`Cross-origin requests from ${origin} are not allowed; allow it in server.cors.origins`);
  }
}

/**
 * A definition (a scenario rule, a merchant) that does not hold together,
 * with every wrong field named: the admin API answers it as a 400, the
 * configuration as a start-up error.
 */
export class InvalidDefinition extends Error {
  constructor(readonly problems: FieldError[]) {
    super(problems.map((p) => `${p.field} ${p.message}`).join('; '));
    this.name = new.target.name;
  }
}

/** A configuration value is wrong; start-up stops with this message. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}
