/**
 * Which deliveries a final state owes, shaped by the payment's scenario rule
 * (`effect.webhook`): none yet (HELD), later (delay), several of the same
 * event (duplicate), held behind a later one (reorder), or signed with a key
 * nobody has (bad-signature). Pure: the store only writes what this plans.
 */
import { REORDER_MAX_HOLD_MS, type ScenarioEffect } from '../scenarios/scenario.js';
import type { NewDeliveryArgs } from '../store/delivery.repository.js';
import { firstAttemptAt, type RetryPolicy } from './backoff.js';

export function scriptedDeliveries(
  base: NewDeliveryArgs,
  effect: ScenarioEffect | null,
  retry: RetryPolicy,
): NewDeliveryArgs[] {
  const { now } = base;
  const due = firstAttemptAt(now, retry);
  const behaviour = effect?.webhook ?? { kind: 'normal' as const };
  switch (behaviour.kind) {
    case 'none':
      return [{ ...base, held: true }];
    case 'delay':
      return [{ ...base, dueAt: due + behaviour.ms }];
    case 'duplicate':
      return Array.from({ length: behaviour.copies }, () => ({ ...base, dueAt: due }));
    case 'reorder':
      return [{ ...base, dueAt: now + REORDER_MAX_HOLD_MS, reorder: true }];
    case 'bad-signature':
      return [{ ...base, dueAt: due, badSignature: true }];
    case 'normal':
      return [{ ...base, dueAt: due }];
  }
}
