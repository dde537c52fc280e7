/**
 * Taking a payment, whatever contract it came through: plan it (scenario
 * rule, scripted fault, merchant), store it — with the response that replays
 * it when it carries an Idempotency-Key — and tell the event port. The route
 * maps each result to its contract's HTTP answer.
 */
import { StoreUnavailable } from '../errors.js';
import { requestHash } from './idempotency.js';
import { planIntake } from './intake.js';
import type { NewPayment, PaymentProcess } from './payment.js';
import type { ServiceDeps } from './services.js';
import type { AcceptBehaviour } from '../scenarios/scenario.js';

/** What an ACK may say of a payment: all of it is known before the payment is stored. */
export type AckFacts = Pick<PaymentProcess, 'tid' | 'orderId' | 'userPublicId' | 'amount' | 'echo' | 'mid'>;

export interface AcceptRequest {
  /** The wire contract (profile) it came through. */
  profile: string;
  input: NewPayment;
  /** The merchant the request names, where the contract puts it. */
  mid: string | null;
  /** The X-Hamster-Scenario header, if sent. */
  scenario: string | null;
  /** Where its webhooks go instead of the merchant's URL. */
  webhookUrl?: string | null;
  /** Keep it from the scheduler this long when no rule delays it. */
  holdMs?: number;
  /** An Idempotency-Key (already checked for form), and the ACK's exact text to keep with it. */
  idempotency?: { key: string; ackText: (facts: AckFacts) => string };
}

export type AcceptFault = Exclude<AcceptBehaviour, { kind: 'normal' }>;

export type AcceptResult =
  | { kind: 'accepted'; payment: PaymentProcess }
  /** Stored with its Idempotency-Key: `text` is the ACK to send, byte for byte what a replay sends. */
  | { kind: 'accepted-with-key'; payment: PaymentProcess; text: string }
  | { kind: 'replayed'; code: number; body: string }
  | { kind: 'unknown-scenario'; name: string }
  | { kind: 'refused'; why: 'unknown' | 'inactive'; mid: string }
  /** A scenario rule scripts how this call fails; nothing was stored. */
  | { kind: 'fault'; rule: string; fault: AcceptFault }
  | { kind: 'key-reused' }
  | { kind: 'key-in-use' };

/** A fresh random tid collides with an existing one about once per 10^8/n payments a day. */
const TID_TRIES = 20;

export async function acceptPayment(deps: ServiceDeps, req: AcceptRequest): Promise<AcceptResult> {
  const { store } = deps;
  const intake = planIntake({
    profile: req.profile,
    input: req.input,
    mid: req.mid,
    header: req.scenario,
    rules: deps.control.scenarios(),
    resolve: (mid) => deps.control.resolve(mid),
    ...(req.webhookUrl ? { webhookUrl: req.webhookUrl } : {}),
    ...(req.holdMs !== undefined ? { holdMs: req.holdMs } : {}),
  });
  if (intake.kind === 'unknown-scenario') return intake;
  if (intake.kind === 'refused') return intake;
  if (intake.kind === 'fault') {
    deps.log.info({ scenario: intake.rule.name, fault: intake.fault.kind, orderId: req.input.orderId }, 'accept call answered by a scripted fault');
    return { kind: 'fault', rule: intake.rule.name, fault: intake.fault };
  }
  const { plan } = intake;
  if (!req.idempotency) {
    const payment = await store.acceptPayment(req.input, plan);
    accepted(deps, payment);
    return { kind: 'accepted', payment };
  }

  const { key, ackText } = req.idempotency;
  const begun = await store.beginIdempotent(key, requestHash(req.input, { profile: req.profile, mid: req.mid }));
  if (begun.kind === 'replay') return { kind: 'replayed', code: begun.code, body: begun.body };
  if (begun.kind === 'mismatch') return { kind: 'key-reused' };
  if (begun.kind === 'in-flight') return { kind: 'key-in-use' };
  try {
    for (let i = 0; i < TID_TRIES; i++) {
      const ids = store.mintIds();
      const text = ackText({ ...req.input, tid: ids.tid, mid: plan.mid });
      const payment = await store.acceptWithKey(req.input, plan, { key, ids, code: 202, body: text });
      if (payment === null) continue; // the tid was taken meanwhile: new identifiers, rendered again
      accepted(deps, payment);
      return { kind: 'accepted-with-key', payment, text };
    }
    throw new StoreUnavailable(`Could not find a free tid for today after ${TID_TRIES} tries`);
  } catch (error) {
    // A failed request releases its key, so a retry is taken as new.
    await store.releaseIdempotencyKey(key).catch(() => undefined);
    throw error;
  }
}

function accepted(deps: ServiceDeps, payment: PaymentProcess): void {
  deps.log.info(
    { tid: payment.tid, orderId: payment.orderId, amount: payment.amount, mid: payment.mid, scenario: payment.scenario, profile: payment.profile },
    'payment accepted',
  );
  deps.events.emit({ type: 'accepted', payment });
}
