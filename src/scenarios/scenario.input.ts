/**
 * A scenario rule as it is written — in application.yml, sent to
 * /api/admin/scenarios or given to startHamsterPg({ scenarios }) — for
 * TypeScript users. parseScenario (scenario.ts) reads this shape and says
 * which field is wrong; these types only let an editor say it first.
 */
import type { FailReason } from '../payments/payment.js';

/** Milliseconds, or text such as '1500ms', '2s', '5m' (up to 24h). */
export type Duration = number | string;

/** Exact text, or a glob with * and ?; or one of the explicit forms. */
export type TextMatchInput = string | { exact: string } | { prefix: string } | { glob: string };

/** Exactly this amount, or a range (inclusive; either end may be left out). */
export type AmountMatchInput = number | { min?: number; max?: number };

export interface ScenarioMatchInput {
  orderId?: TextMatchInput;
  userPublicId?: TextMatchInput;
  amount?: AmountMatchInput;
  /** echo.mid (hamster-world's midId, PortOne's storeId). */
  mid?: string;
  /** PortOne's orderName. */
  orderName?: TextMatchInput;
  /** PortOne's card number, digits only. */
  cardNumber?: TextMatchInput;
}

export type WebhookBehaviourInput = 'normal' | 'none' | 'reorder' | 'bad-signature' | { delay: Duration } | { duplicate: number };

export type AcceptBehaviourInput = 'normal' | 500 | 503 | 429 | '500' | '503' | '429' | 'timeout' | { timeout: Duration } | 'lose';

export interface ScenarioEffectInput {
  /** Left out: the success rate decides. */
  outcome?: 'SUCCESS' | 'FAILED';
  /** Only with outcome FAILED; left out: one of the reasons at random. */
  reason?: FailReason;
  /** Processing delay: fixed, or a range. */
  delay?: Duration | { min: Duration; max: Duration };
  webhook?: WebhookBehaviourInput;
  accept?: AcceptBehaviourInput;
}

/** One rule: every `match` field given must match (none: every payment); the first rule that matches applies. */
export interface ScenarioRule {
  /** 1-64 letters, digits, _ . - ; also what the X-Hamster-Scenario header names. */
  name: string;
  match?: ScenarioMatchInput;
  effect?: ScenarioEffectInput;
}
