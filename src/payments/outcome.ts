/**
 * Decides how a payment ends, as the seed does: success with probability
 * `successRate` percent, otherwise one of the five failure reasons, each
 * equally likely. Pure: the randomness is passed in.
 */
import { FAIL_REASONS, type Outcome } from './payment.js';
import type { ScenarioEffect } from '../scenarios/scenario.js';
import type { Random } from './random.js';

export function decideOutcome(random: Random, successRatePercent: number): Outcome {
  if (random() * 100 < successRatePercent) return { status: 'SUCCESS' };
  const index = Math.min(Math.floor(random() * FAIL_REASONS.length), FAIL_REASONS.length - 1);
  return { status: 'FAILED', reason: FAIL_REASONS[index]! };
}

/**
 * The outcome of a payment whose scenario rule may have decided it already:
 * the rule's outcome (and reason, or one of the five at random), else the
 * success rate.
 */
export function decidePayment(effect: ScenarioEffect | null, random: Random, successRatePercent: number): Outcome {
  if (effect?.outcome === 'SUCCESS') return { status: 'SUCCESS' };
  if (effect?.outcome === 'FAILED') {
    if (effect.reason) return { status: 'FAILED', reason: effect.reason };
    return decideOutcome(random, 0);
  }
  return decideOutcome(random, successRatePercent);
}
