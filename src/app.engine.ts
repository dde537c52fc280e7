/**
 * The composition root's engine half (app.ts builds the rest): the scheduler
 * (Processor) and the webhook dispatcher, wired from the settings — who
 * decides each payment, which retry schedule each webhook follows, how it is
 * signed, and what each step tells the after-commit event port.
 */
import { randomBytes } from 'node:crypto';
import type { Control } from './admin/control.js';
import type { Config } from './config.js';
import type { EngineEvents } from './events.js';
import type { Logger } from './log.js';
import { decidePayment } from './payments/outcome.js';
import { randomForPayments } from './payments/random.js';
import { decideWithProfiles, retryPolicies } from './profiles/engine-parts.js';
import { PROFILES } from './profiles/registry.js';
import type { Store } from './store/store.js';
import type { Clock } from './time.js';
import { afterAttempt, type RetryPolicy } from './webhooks/backoff.js';
import type { SendWebhook } from './webhooks/sender.js';
import { merchantSigner } from './webhooks/signing.js';
import { Dispatcher } from './worker/dispatcher.js';
import { Processor } from './worker/processor.js';

export interface EngineParts {
  config: Config;
  /** The engine's retry schedule (a contract may have its own: PortOne's published one). */
  retry: RetryPolicy;
  store: Store;
  control: Control;
  events: EngineEvents;
  send: SendWebhook;
  clock: Clock;
  log: Logger;
}

export function wireEngine({ config, retry, store, control, events, send, clock, log }: EngineParts) {
  const webhook = config.payment.webhook;
  const retryFor = retryPolicies(PROFILES, config, retry);
  const dispatcher = new Dispatcher({
    store,
    send,
    clock,
    concurrency: webhook.concurrency,
    // Handed-in webhooks may wait for a slot: the n-th waiting starts
    // within ceil(n / concurrency) request timeouts, which must stay
    // within the lease their claim got beyond one timeout.
    waitingRoom: Math.min(10_000, webhook.concurrency * Math.floor(config.payment.process.leaseMs / webhook.timeoutMs)),
    sign: merchantSigner(webhook.secrets, (mid) => control.merchant(mid), randomBytes(32)),
    next: (delivery, result, now) => afterAttempt({ attemptNo: delivery.attemptCount, result, now, policy: retryFor(delivery.profile) }),
    onDelivered: (delivery) => (control.reorders() ? store.releaseReordered(delivery) : undefined),
    onAttempt: (outcome) => events.emit({ type: 'attempted', outcome }),
    log,
  });
  const randomFor = randomForPayments(config.payment.process.randomSeed);
  const successRate = config.payment.process.successRate;
  // The engine decides (rule, else success rate); the payment's contract may have its say (an expired account).
  const decide = decideWithProfiles(PROFILES, (payment) => decidePayment(payment.effect, randomFor(payment.id), successRate), clock);
  const processor = new Processor({
    store,
    batchSize: config.payment.process.polling.batchSize,
    decide,
    onFinalized: (finalized) => events.emit({ type: 'finalized', payments: finalized.map((f) => f.payment) }),
    handOff: dispatcher,
    log,
  });
  return { dispatcher, processor, decide };
}
