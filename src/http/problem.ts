/**
 * Every error the API answers is an RFC 9457 problem (application/problem+json)
 * with a stable `code`; never an HTML page or a stack trace. A 5xx says only
 * which request failed; the details go to the log.
 */
import type { FastifyError } from 'fastify';
import { Type } from 'typebox';
import { DomainError, ScenarioFault, type ErrorCode, type FieldError } from '../errors.js';

export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  errors?: FieldError[];
}

/** The problem body as a schema: documents (and serializes) every error answer. */
export const Problem = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.String(),
    code: Type.String(),
    errors: Type.Optional(Type.Array(Type.Object({ field: Type.String(), message: Type.String() }))),
  },
  {
    examples: [
      {
        type: '/problems/validation-failed',
        title: 'Request validation failed',
        status: 400,
        detail: 'amount must be > 0',
        code: 'VALIDATION_FAILED',
        errors: [{ field: 'amount', message: 'must be > 0' }],
      },
    ],
  },
);

/** The problem schema, saying which codes an operation answers with this status and when (the OpenAPI response's description). */
export const ProblemWhen = (description: string) => Type.Object(Problem.properties, { description });

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

export function problem(status: number, code: string, title: string, detail: string, errors?: FieldError[]): ProblemBody {
  const body: ProblemBody = { type: `/problems/${code.toLowerCase().replace(/_/g, '-')}`, title, status, detail, code };
  if (errors && errors.length > 0) body.errors = errors;
  return body;
}

/**
 * A refusal at the HTTP edge (an encoding, a charset, the Host header, a
 * method): no domain error, just its status, code and title, and the
 * headers the answer carries (`Accept-Encoding` on a 415, `Allow` on a 405).
 */
export class HttpProblem extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly title: string,
    detail: string,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(detail);
    this.name = 'HttpProblem';
  }
}

interface ValidationIssue {
  instancePath?: string;
  keyword?: string;
  message?: string;
  params?: Record<string, unknown>;
}

/** The HTTP status and title of each domain error's code: the one place codes meet HTTP. */
const PROBLEMS: Readonly<Record<ErrorCode, { status: number; title: string }>> = {
  VALIDATION_FAILED: { status: 400, title: 'Request validation failed' },
  MALFORMED_JSON: { status: 400, title: 'Malformed JSON' },
  FORBIDDEN_PROPERTY: { status: 400, title: 'Forbidden property' },
  UNKNOWN_SCENARIO: { status: 400, title: 'Unknown scenario' },
  ADMIN_TOKEN_REQUIRED: { status: 401, title: 'Admin token required' },
  MERCHANT_INACTIVE: { status: 403, title: 'Merchant inactive' },
  DATA_RESET_DISABLED: { status: 403, title: 'Data reset disabled' },
  CROSS_SITE_REQUEST: { status: 403, title: 'Cross-site request refused' },
  CORS_ORIGIN_NOT_ALLOWED: { status: 403, title: 'Origin not allowed' },
  PAYMENT_NOT_FOUND: { status: 404, title: 'Payment not found' },
  MID_NOT_FOUND: { status: 404, title: 'MID not found' },
  SCENARIO_NOT_FOUND: { status: 404, title: 'Scenario not found' },
  MERCHANT_NOT_FOUND: { status: 404, title: 'Merchant not found' },
  DELIVERY_NOT_FOUND: { status: 404, title: 'Webhook delivery not found' },
  STATUS_CONFLICT: { status: 409, title: 'Payment status conflict' },
  CANCEL_AMOUNT_EXCEEDS_BALANCE: { status: 409, title: 'Cancel amount exceeds balance' },
  IDEMPOTENCY_KEY_IN_USE: { status: 409, title: 'Idempotency key in use' },
  SCENARIO_EXISTS: { status: 409, title: 'Scenario exists' },
  DEFAULT_MERCHANT: { status: 409, title: 'Default merchant' },
  MERCHANT_UNKNOWN: { status: 422, title: 'Unknown merchant' },
  IDEMPOTENCY_KEY_REUSED: { status: 422, title: 'Idempotency key reused' },
  // The status a scenario scripted (500, 503 or 429): see statusOf.
  SCENARIO_FAULT: { status: 500, title: 'Scripted fault' },
  STORE_UNAVAILABLE: { status: 503, title: 'Store unavailable' },
};

export function statusOf(error: DomainError): number {
  return error instanceof ScenarioFault ? error.answer : PROBLEMS[error.code].status;
}

/** Turns a thrown error into the problem to answer; `requestId` names a 5xx in the log. */
export function toProblem(error: unknown, requestId: string): ProblemBody {
  if (error instanceof DomainError) return problem(statusOf(error), error.code, PROBLEMS[error.code].title, error.message, error.errors);
  if (error instanceof HttpProblem) return problem(error.status, error.code, error.title, error.message);
  const e = error as Partial<FastifyError> & { validation?: ValidationIssue[]; validationContext?: string };
  if (Array.isArray(e.validation)) {
    const errors = fieldErrors(e.validation, e.validationContext ?? 'body');
    const detail = errors.map((f) => `${f.field} ${f.message}`).join('; ') || 'The request is not valid';
    return problem(400, 'VALIDATION_FAILED', 'Request validation failed', detail, errors);
  }
  switch (e.code) {
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return problem(415, 'UNSUPPORTED_MEDIA_TYPE', 'Unsupported media type', 'The body must be JSON (Content-Type: application/json)');
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return problem(413, 'PAYLOAD_TOO_LARGE', 'Payload too large', 'The body must be at most 1 MiB');
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return problem(400, 'BAD_REQUEST', 'Bad request', 'Content-Length does not match the body');
  }
  const status = typeof e.statusCode === 'number' ? e.statusCode : 500;
  if (status >= 400 && status < 500) {
    return problem(status, 'BAD_REQUEST', 'Bad request', e.message ?? 'The request could not be understood');
  }
  return problem(500, 'INTERNAL_ERROR', 'Internal error', `Unexpected error; the server log has the details under request id ${requestId}`);
}

/**
 * One entry per offending field, worded for people: `amount must be > 0`,
 * `orderId is required`, `echo must be object or null`.
 */
export function fieldErrors(issues: readonly ValidationIssue[], context: string): FieldError[] {
  const byField = new Map<string, { types: string[]; consts: unknown[]; messages: string[] }>();
  const entry = (field: string) => {
    let e = byField.get(field);
    if (!e) byField.set(field, (e = { types: [], consts: [], messages: [] }));
    return e;
  };
  for (const issue of issues) {
    const path = (issue.instancePath ?? '').split('/').filter(Boolean).join('.');
    const p = issue.params ?? {};
    const missing = (p.requiredProperties as string[] | undefined) ?? (p.missingProperty ? [String(p.missingProperty)] : null);
    if (issue.keyword === 'required' && missing) {
      for (const name of missing) entry(path ? `${path}.${name}` : name).messages.push('is required');
      continue;
    }
    const field = path || context;
    if (issue.keyword === 'anyOf' || issue.keyword === 'oneOf') continue; // summarized by its branches
    if (issue.keyword === 'type' && p.type !== undefined) entry(field).types.push(String(p.type));
    else if (issue.keyword === 'const') entry(field).consts.push(p.allowedValue ?? p.const);
    else if (issue.keyword === 'enum' && Array.isArray(p.allowedValues)) entry(field).consts.push(...p.allowedValues);
    else entry(field).messages.push(issue.message ?? 'is not valid');
  }
  const out: FieldError[] = [];
  for (const [field, e] of byField) {
    if (e.messages.length > 0) out.push({ field, message: [...new Set(e.messages)].join(', ') });
    else if (e.consts.length > 0) out.push({ field, message: `must be one of ${e.consts.map(String).join(', ')}` });
    else if (e.types.length > 0) out.push({ field, message: `must be ${[...new Set(e.types)].join(' or ')}` });
  }
  return out;
}
