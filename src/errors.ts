/**
 * Named errors of the domain and of start-up. HTTP mapping (problem details)
 * lives in src/http/problem.ts; here an error only says what went wrong and
 * carries a stable code.
 */

export interface FieldError {
  field: string;
  message: string;
}

/** An error a client caused or can act on; carries its HTTP status and stable code. */
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly title: string,
    detail: string,
    readonly errors?: FieldError[],
  ) {
    super(detail);
    this.name = new.target.name;
  }
}

export class ValidationFailed extends AppError {
  constructor(detail: string, errors: FieldError[]) {
    super(400, 'VALIDATION_FAILED', 'Request validation failed', detail, errors);
  }
}

export class PaymentNotFound extends AppError {
  constructor(tid: string) {
    super(404, 'PAYMENT_NOT_FOUND', 'Payment not found', `No payment with tid ${tid}`);
  }
}

export class StatusConflict extends AppError {
  constructor(detail: string) {
    super(409, 'STATUS_CONFLICT', 'Payment status conflict', detail);
  }
}

/** The store could not take a request right now (e.g. the tid space is exhausted). */
export class StoreUnavailable extends AppError {
  constructor(detail: string) {
    super(503, 'STORE_UNAVAILABLE', 'Store unavailable', detail);
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
