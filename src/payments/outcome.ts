/**
 * Decides how a payment ends, as the seed does: success with probability
 * `successRate` percent, otherwise one of the five failure reasons, each
 * equally likely. Pure: the randomness is passed in.
 */
import { FAIL_REASONS, type Outcome } from './payment.js';
import type { Random } from './random.js';

export function decideOutcome(random: Random, successRatePercent: number): Outcome {
  if (random() * 100 < successRatePercent) return { status: 'SUCCESS' };
  const index = Math.min(Math.floor(random() * FAIL_REASONS.length), FAIL_REASONS.length - 1);
  return { status: 'FAILED', reason: FAIL_REASONS[index]! };
}
