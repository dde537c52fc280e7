/**
 * Scenario rules: an ordered list of *match* → *effect*, so a test can say
 * "orders ORD_LIMIT_* fail with LIMIT_EXCEEDED", "this webhook arrives twice",
 * "this one never arrives until I trigger it". Parsing (with errors that name
 * the field), matching and the effect's meaning. Pure.
 *
 * A rule, as written in application.yml or sent to /api/admin/scenarios:
 *
 *   name: limit-exceeded
 *   match:                       # every field given must match; none: every payment
 *     orderId: ORD_LIMIT_*       # exact text, or a glob (* and ?); or {prefix: …} / {glob: …} / {exact: …}
 *     userPublicId: USR_9        # the same forms
 *     amount: 50000              # exact; or {min: 1000, max: 2000} (inclusive, either may be left out)
 *     mid: hamster_dummy_mid_001 # echo.mid (hamster-world's midId, PortOne's storeId)
 *     orderName: Gift*           # PortOne's orderName (text forms as orderId)
 *     cardNumber: '4111*'        # PortOne's card number, digits only (text forms as orderId)
 *   effect:
 *     outcome: FAILED            # SUCCESS | FAILED; left out: the success rate decides
 *     reason: LIMIT_EXCEEDED     # with FAILED; left out: one of the five at random
 *     delay: 2s                  # processing delay; or {min: 1s, max: 5s}
 *     webhook: normal            # normal | none | reorder | bad-signature | {delay: 10s} | {duplicate: 3}
 *     accept: normal             # normal | 500 | 503 | 429 | timeout | {timeout: 10s} | lose
 *
 * A request may also name its rule in the header `X-Hamster-Scenario: <name>`;
 * that rule then applies whatever its match says.
 */
import { InvalidDefinition, type FieldError } from '../errors.js';
import { FAIL_REASONS, isFailReason, type FailReason } from '../payments/payment.js';
import { parseDuration } from '../time.js';
import { MATCH_FIELDS } from './scenario.match.js';

export * from './scenario.match.js';

export type TextMatch = { exact: string } | { prefix: string } | { glob: string };
export interface AmountMatch {
  min?: number;
  max?: number;
}

export interface ScenarioMatch {
  orderId?: TextMatch;
  userPublicId?: TextMatch;
  amount?: AmountMatch;
  mid?: string;
  orderName?: TextMatch;
  cardNumber?: TextMatch;
}

export type WebhookBehaviour =
  | { kind: 'normal' }
  /** Held: not sent until triggered or re-sent. */
  | { kind: 'none' }
  /** The first attempt waits this much longer. */
  | { kind: 'delay'; ms: number }
  /** Sent as `copies` deliveries with the same webhook-id. */
  | { kind: 'duplicate'; copies: number }
  /** Held until a later webhook to the same URL has been delivered (or a minute passed). */
  | { kind: 'reorder' }
  /** Signed with a key the receiver does not have. */
  | { kind: 'bad-signature' };

export type AcceptBehaviour =
  | { kind: 'normal' }
  /** Answer this status; store nothing. */
  | { kind: 'fail'; status: 429 | 500 | 503 }
  /** Answer nothing for `ms`, then drop the connection; store nothing. */
  | { kind: 'timeout'; ms: number }
  /** Answer 202 with a transaction id, store nothing: the merchant must reconcile. */
  | { kind: 'lose' };

export interface ScenarioEffect {
  outcome?: 'SUCCESS' | 'FAILED';
  reason?: FailReason;
  delay?: { minMs: number; maxMs: number };
  webhook: WebhookBehaviour;
  accept: AcceptBehaviour;
}

export interface Scenario {
  name: string;
  match: ScenarioMatch;
  effect: ScenarioEffect;
  /** The definition as it was given (what the admin API shows). */
  source: Record<string, unknown>;
}

export class ScenarioError extends InvalidDefinition {}

export const HEADER = 'x-hamster-scenario';
export const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
/** How long a `timeout` fault holds the request when no time is given. */
export const DEFAULT_ACCEPT_TIMEOUT_MS = 30_000;
/** A `reorder` webhook is sent after this long even if no later webhook came. */
export const REORDER_MAX_HOLD_MS = 60_000;
const MAX_COPIES = 10;
const MAX_DELAY_MS = 24 * 3_600_000;

/** Parses and checks a list of rules; names must be unique. */
export function parseScenarios(raw: unknown, at = 'scenarios'): Scenario[] {
  if (!Array.isArray(raw)) throw new ScenarioError([{ field: at, message: 'must be a list of rules' }]);
  const problems: FieldError[] = [];
  const rules: Scenario[] = [];
  const names = new Set<string>();
  raw.forEach((item, i) => {
    try {
      const rule = parseScenario(item, `${at}[${i}]`);
      if (names.has(rule.name)) problems.push({ field: `${at}[${i}].name`, message: `repeats the name ${rule.name}` });
      names.add(rule.name);
      rules.push(rule);
    } catch (error) {
      if (!(error instanceof ScenarioError)) throw error;
      problems.push(...error.problems);
    }
  });
  if (problems.length > 0) throw new ScenarioError(problems);
  return rules;
}

export function parseScenario(raw: unknown, at = 'scenario'): Scenario {
  const problems: FieldError[] = [];
  const bad = (field: string, message: string) => problems.push({ field: `${at}.${field}`, message });
  if (!isObject(raw)) throw new ScenarioError([{ field: at, message: 'must be an object with name, match and effect' }]);
  for (const key of Object.keys(raw)) if (!['name', 'match', 'effect'].includes(key)) bad(key, 'is not a rule field (name, match, effect)');

  const name = raw.name;
  if (typeof name !== 'string' || !NAME_PATTERN.test(name)) bad('name', 'must be 1-64 letters, digits, _ . - (starting with a letter or digit)');

  const match: ScenarioMatch = {};
  const m = raw.match ?? {};
  if (!isObject(m)) bad('match', 'must be an object');
  else {
    for (const key of Object.keys(m)) {
      if (!MATCH_FIELDS.includes(key)) bad(`match.${key}`, `is not a match field (${MATCH_FIELDS.join(', ')})`);
    }
    if (m.orderName !== undefined) match.orderName = textMatch(m.orderName, `match.orderName`, bad);
    if (m.cardNumber !== undefined) match.cardNumber = textMatch(m.cardNumber, `match.cardNumber`, bad);
    if (m.orderId !== undefined) match.orderId = textMatch(m.orderId, `match.orderId`, bad);
    if (m.userPublicId !== undefined) match.userPublicId = textMatch(m.userPublicId, `match.userPublicId`, bad);
    if (m.amount !== undefined) match.amount = amountMatch(m.amount, bad);
    if (m.mid !== undefined) {
      if (typeof m.mid === 'string' && m.mid !== '') match.mid = m.mid;
      else bad('match.mid', 'must be a merchant id (text)');
    }
  }

  const effect: ScenarioEffect = { webhook: { kind: 'normal' }, accept: { kind: 'normal' } };
  const e = raw.effect ?? {};
  if (!isObject(e)) bad('effect', 'must be an object');
  else {
    for (const key of Object.keys(e)) {
      if (!['outcome', 'reason', 'delay', 'webhook', 'accept'].includes(key)) {
        bad(`effect.${key}`, 'is not an effect field (outcome, reason, delay, webhook, accept)');
      }
    }
    if (e.outcome !== undefined) {
      if (e.outcome === 'SUCCESS' || e.outcome === 'FAILED') effect.outcome = e.outcome;
      else bad('effect.outcome', 'must be SUCCESS or FAILED');
    }
    if (e.reason !== undefined) {
      if (typeof e.reason === 'string' && isFailReason(e.reason)) effect.reason = e.reason;
      else bad('effect.reason', `must be one of ${FAIL_REASONS.join(', ')}`);
      if (e.outcome !== 'FAILED') bad('effect.reason', 'goes only with outcome FAILED');
    }
    if (e.delay !== undefined) {
      const d = durationRange(e.delay);
      if (d) effect.delay = d;
      else bad('effect.delay', 'must be a duration (e.g. 2s) or {min, max} up to 24h');
    }
    if (e.webhook !== undefined) {
      const w = webhookBehaviour(e.webhook);
      if (w) effect.webhook = w;
      else bad('effect.webhook', `must be normal, none, reorder, bad-signature, {delay: <duration>} or {duplicate: 2..${MAX_COPIES}}`);
    }
    if (e.accept !== undefined) {
      const a = acceptBehaviour(e.accept);
      if (a) effect.accept = a;
      else bad('effect.accept', 'must be normal, 500, 503, 429, timeout, {timeout: <duration>} or lose');
    }
  }
  if (problems.length > 0) throw new ScenarioError(problems);
  return { name: name as string, match, effect, source: raw };
}

/** A processing delay within the rule's range; `random` makes a range land somewhere in it. */
export function pickDelay(delay: { minMs: number; maxMs: number }, random: () => number): number {
  return delay.minMs + Math.floor(random() * (delay.maxMs - delay.minMs + 1));
}

type Bad = (field: string, message: string) => void;

function textMatch(raw: unknown, field: string, bad: Bad): TextMatch | undefined {
  if (typeof raw === 'string') return /[*?]/.test(raw) ? { glob: raw } : { exact: raw };
  if (isObject(raw) && Object.keys(raw).length === 1) {
    const [kind, value] = Object.entries(raw)[0]!;
    if (typeof value === 'string' && (kind === 'exact' || kind === 'prefix' || kind === 'glob')) {
      return { [kind]: value } as TextMatch;
    }
  }
  bad(field, 'must be text (exact, or a glob with * and ?) or one of {exact: …}, {prefix: …}, {glob: …}');
  return undefined;
}

function amountMatch(raw: unknown, bad: Bad): AmountMatch | undefined {
  if (typeof raw === 'number' && Number.isFinite(raw)) return { min: raw, max: raw };
  if (isObject(raw)) {
    const { min, max, ...rest } = raw;
    const ok = (v: unknown) => v === undefined || (typeof v === 'number' && Number.isFinite(v));
    if (Object.keys(rest).length === 0 && ok(min) && ok(max) && (min !== undefined || max !== undefined)) {
      if (typeof min === 'number' && typeof max === 'number' && min > max) {
        bad('match.amount', 'has min above max');
        return undefined;
      }
      return { ...(min === undefined ? {} : { min: min as number }), ...(max === undefined ? {} : { max: max as number }) };
    }
  }
  bad('match.amount', 'must be a number or {min, max}');
  return undefined;
}

/** A duration (see parseDuration) a rule may script: up to 24 h. */
export function durationMs(raw: unknown): number | undefined {
  const ms = parseDuration(raw);
  return ms !== undefined && ms <= MAX_DELAY_MS ? ms : undefined;
}

function durationRange(raw: unknown): { minMs: number; maxMs: number } | undefined {
  const fixed = durationMs(raw);
  if (fixed !== undefined) return { minMs: fixed, maxMs: fixed };
  if (isObject(raw) && Object.keys(raw).every((k) => k === 'min' || k === 'max')) {
    const min = durationMs(raw.min);
    const max = durationMs(raw.max);
    if (min !== undefined && max !== undefined && min <= max) return { minMs: min, maxMs: max };
  }
  return undefined;
}

function webhookBehaviour(raw: unknown): WebhookBehaviour | undefined {
  if (raw === 'normal' || raw === 'none' || raw === 'reorder' || raw === 'bad-signature') return { kind: raw };
  if (isObject(raw) && Object.keys(raw).length === 1) {
    if ('delay' in raw) {
      const ms = durationMs(raw.delay);
      return ms === undefined ? undefined : { kind: 'delay', ms };
    }
    if ('duplicate' in raw) {
      const n = raw.duplicate;
      return typeof n === 'number' && Number.isInteger(n) && n >= 2 && n <= MAX_COPIES ? { kind: 'duplicate', copies: n } : undefined;
    }
  }
  return undefined;
}

function acceptBehaviour(raw: unknown): AcceptBehaviour | undefined {
  if (raw === 'normal' || raw === 'lose') return { kind: raw };
  if (raw === 'timeout') return { kind: 'timeout', ms: DEFAULT_ACCEPT_TIMEOUT_MS };
  if (raw === 500 || raw === 503 || raw === 429 || raw === '500' || raw === '503' || raw === '429') {
    return { kind: 'fail', status: Number(raw) as 429 | 500 | 503 };
  }
  if (isObject(raw) && Object.keys(raw).length === 1 && 'timeout' in raw) {
    const ms = durationMs(raw.timeout);
    return ms === undefined ? undefined : { kind: 'timeout', ms };
  }
  return undefined;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
