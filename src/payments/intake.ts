/**
 * How an incoming payment is to be taken, decided before anything is stored:
 * which scenario rule applies (the one the X-Hamster-Scenario header names,
 * or the first that matches), whether that rule scripts a fault of the accept
 * call itself, and which merchant the payment is for. Pure.
 */
import type { Resolution } from '../merchants/merchant.js';
import { selectScenario, type AcceptBehaviour, type Scenario } from '../scenarios/scenario.js';
import type { AcceptPlan } from '../store/store.js';
import type { NewPayment } from './payment.js';

export type Intake =
  | { kind: 'unknown-scenario'; name: string }
  | { kind: 'fault'; rule: Scenario; fault: Exclude<AcceptBehaviour, { kind: 'normal' }> }
  | { kind: 'refused'; why: 'unknown' | 'inactive'; mid: string }
  | { kind: 'accept'; plan: AcceptPlan; rule: Scenario | null };

export function planIntake(args: {
  /** The wire contract (profile) the payment came through. */
  profile: string;
  input: NewPayment;
  /** The merchant the request names (the contract says where: the seed's echo.mid, hamster-world's midId). */
  mid: string | null;
  header: string | null;
  rules: readonly Scenario[];
  /** Where its webhooks go instead of the merchant's URL (PortOne's noticeUrls). */
  webhookUrl?: string | null;
  /** Keep it from the scheduler this long when no rule delays it (a contract that settles it itself, or later). */
  holdMs?: number;
  resolve: (mid: string | null) => Resolution;
}): Intake {
  const { input } = args;
  const { mid } = args;
  const selected = selectScenario(args.rules, { ...input, mid }, args.header);
  if ('unknownName' in selected) return { kind: 'unknown-scenario', name: selected.unknownName };
  const rule = selected.rule;
  if (rule && rule.effect.accept.kind !== 'normal') return { kind: 'fault', rule, fault: rule.effect.accept };

  const merchant = args.resolve(mid);
  if ('refused' in merchant) return { kind: 'refused', why: merchant.refused, mid: merchant.mid };

  const plan: AcceptPlan = {
    profile: args.profile,
    webhookUrl: args.webhookUrl ?? merchant.merchant.webhookUrl,
    mid: merchant.merchant.mid,
    scenario: rule?.name ?? null,
    effect: rule?.effect ?? null,
  };
  const delay = rule?.effect.delay;
  if (delay) plan.delay = { minMs: delay.minMs, maxMs: delay.maxMs };
  else if (args.holdMs !== undefined) plan.delay = { minMs: args.holdMs, maxMs: args.holdMs };
  return { kind: 'accept', plan, rule };
}
