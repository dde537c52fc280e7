/** The programmatic API: run hamster-pg inside your own process or tests. */
export { startHamsterPg, type HamsterPg, type HamsterPgOptions } from './embed.js';
export type { WaitForOptions, TriggerOptions, CancelOptions, CancelOutcome } from './embed.helpers.js';
export type { ReceivedWebhook } from './embed.receiver.js';
export type { ScenarioRule, ScenarioMatchInput, ScenarioEffectInput, TextMatchInput, AmountMatchInput, WebhookBehaviourInput, AcceptBehaviourInput, Duration } from './scenarios/scenario.input.js';
export type { MerchantInput } from './merchants/merchant.js';
export { App, type AppOptions } from './app.js';
export { loadConfig, type Config, type LoadOptions, type LoadedConfig } from './config.js';
export { CONFIG_KEYS, envName, type ConfigKey } from './config.keys.js';
export { ConfigError } from './errors.js';
export type { HamsterEvent } from './http/event-stream.js';
export type { PaymentProcess, PaymentStatus, FinalStatus, FailReason, Cancellation } from './payments/payment.js';
export type { TransactionView, PaymentAck } from './profiles/seed/seed.schemas.js';
export type { WebhookBody, SuccessWebhook, FailedWebhook, CancelledWebhook } from './profiles/seed/seed.webhook.js';
export type { ProcessAck, ProcessDetails, TransactionResponse as HamsterWorldPayment, MidResponse } from './profiles/hamster-world/hamster-world.schemas.js';
export { PROFILE_NAMES, type ProfileName } from './profiles/registry.js';
export type { Profile, ProfileDeps } from './profiles/profile.js';
export { startSink, type Sink, type SinkOptions } from './sink/sink.js';
