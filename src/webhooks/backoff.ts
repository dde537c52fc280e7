/**
 * What happens to a delivery after an attempt. Pure.
 * `scheduleMs[i]` is the delay before attempt i+1 (the first is normally 0:
 * immediately). A 2xx answer delivers; anything else waits for the next slot
 * of the schedule, and after the last slot the delivery is DEAD.
 */
import type { NextState } from './delivery.repository.js';
import type { SendResult } from './sender.js';

/** The seed's behaviour: one attempt, no retry. */
export const SINGLE_ATTEMPT: readonly number[] = [0];

export function isDelivered(result: Pick<SendResult, 'responseCode'>): boolean {
  return result.responseCode !== null && result.responseCode >= 200 && result.responseCode < 300;
}

export function afterAttempt(args: {
  attemptNo: number;
  result: Pick<SendResult, 'responseCode'>;
  now: number;
  scheduleMs: readonly number[];
}): NextState {
  const { attemptNo, result, now, scheduleMs } = args;
  if (isDelivered(result)) return { state: 'DELIVERED', at: now };
  const delay = scheduleMs[attemptNo];
  if (delay === undefined) return { state: 'DEAD' };
  return { state: 'PENDING', dueAt: now + delay };
}
