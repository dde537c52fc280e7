/**
 * The tables as Kysely sees them (snake_case rows). Rows never leave a
 * repository: repositories convert them to domain objects.
 * Instants are epoch milliseconds (INTEGER on SQLite).
 */
import type { Generated } from 'kysely';

export interface PaymentProcessesTable {
  id: Generated<number>;
  public_id: string;
  tid: string;
  order_id: string;
  user_public_id: string | null;
  amount: number;
  status: string;
  approval_no: string | null;
  fail_reason: string | null;
  /** The request's `echo` object as its JSON text, so keys keep their order. */
  echo: string | null;
  webhook_url: string;
  webhook_sent_at: number | null;
  webhook_response_code: number | null;
  requested_at: number;
  processing_started_at: number | null;
  processed_at: number | null;
  /** Set by each claim; finalizing from PROCESSING must present it (fencing). */
  claim_token: string | null;
  /** The instance that holds (or last held) the claim. */
  claimed_by: string | null;
  /** The merchant (echo.mid) the payment was taken for. */
  mid: string | null;
  /** The scenario rule that matched at acceptance, if any. */
  scenario: string | null;
  /** That rule's effect as JSON, fixed at acceptance. */
  effect: string | null;
  /** Not to be processed before this instant (a scripted processing delay). */
  process_after: number | null;
  cancelled_at: number | null;
  /** The wire contract (profile) it was taken through: its views and webhooks speak it. */
  profile: Generated<string>;
  /** Who decided the outcome: rule, random or trigger (NULL before it was recorded). */
  decided_by: string | null;
  /** The sum of its cancellations (payment_cancellations); equal to `amount` once CANCELLED. */
  cancelled_amount: Generated<number>;
}

/** One cancellation (whole or partial) of a successful payment. */
export interface PaymentCancellationsTable {
  id: Generated<number>;
  payment_process_id: number;
  /** Its public id (a contract's cancellationId). */
  public_id: string;
  amount: number;
  /** The tax-free part of `amount`, as the contract's request named it. */
  tax_free_amount: Generated<number>;
  /** The VAT part, when the contract's request named it. */
  vat_amount: number | null;
  reason: string | null;
  cancelled_at: number;
}

/**
 * The final result of a payment process (the seed's "Payment (최종 결과)"):
 * one row per final status it reached — SUCCESS or FAILED, and CANCELLED after
 * a SUCCESS — so the history is kept.
 */
export interface PaymentsTable {
  id: Generated<number>;
  payment_process_id: number;
  tid: string;
  order_id: string;
  user_public_id: string | null;
  amount: number;
  status: string;
  approval_no: string | null;
  fail_reason: string | null;
  processed_at: number;
}

/**
 * The outbox: one row per webhook owed. `state` is PENDING (due at `due_at`),
 * SENDING (claimed; `due_at` is when the claim's lease runs out), DELIVERED or
 * DEAD (no attempt left). `attempt_count` doubles as the fencing token of a claim.
 */
export interface WebhookDeliveriesTable {
  id: Generated<number>;
  /** The payment it announces; null for a store event (a billing key's). */
  payment_process_id: number | null;
  tid: string;
  /** Standard Webhooks `webhook-id`: one per announced event, the same on every retry and re-send. */
  webhook_id: string;
  /** The payment status this webhook announces. */
  event_status: string;
  /** AUTO (the scheduler's) or MANUAL (the trigger's). */
  origin: string;
  url: string;
  payload: string;
  state: string;
  attempt_count: number;
  due_at: number;
  created_at: number;
  delivered_at: number | null;
  last_response_code: number | null;
  last_error: string | null;
  /** The instance that holds (or last held) the claim. */
  claimed_by: string | null;
  /** The merchant whose secrets sign it. */
  mid: string | null;
  /** 1: signed with a wrong key on purpose (scenario `bad-signature`). */
  bad_signature: Generated<number>;
  /** 1: held back until a later webhook to the same URL is delivered (scenario `reorder`). */
  reorder: Generated<number>;
  /** The contract whose retry schedule it follows (null: the engine's). */
  profile: string | null;
}

/** Every HTTP attempt of every delivery. */
export interface WebhookAttemptsTable {
  id: Generated<number>;
  delivery_id: number;
  payment_process_id: number | null;
  attempt_no: number;
  attempted_at: number;
  url: string;
  response_code: number | null;
  error: string | null;
  duration_ms: number;
  response_body: string | null;
  /** The `webhook-signature` header sent, when webhooks are signed. */
  signature: string | null;
  /** Every request header sent, as JSON text (migration 0011; null before it). */
  request_headers: string | null;
}

/**
 * Idempotency-Key records: IN_FLIGHT while the first request with the key is
 * being handled (until `locked_until`), then DONE with the response to replay.
 */
export interface IdempotencyKeysTable {
  key: string;
  request_hash: string;
  state: string;
  response_code: number | null;
  response_body: string | null;
  payment_process_id: number | null;
  created_at: number;
  locked_until: number;
  expires_at: number;
}

export interface MerchantsTable {
  mid: string;
  webhook_url: string;
  /** JSON list of `whsec_…` secrets; empty: the global `payment.webhook.secret`. */
  secrets: string;
  active: number;
  updated_at: number;
  /** What the hamster-world contract shows of a MID. */
  name: string | null;
  api_key: string | null;
  created_at: number | null;
}

/** Shared settings (the scenario rules), with a version every instance watches. */
export interface HamsterSettingsTable {
  key: string;
  value: string;
  version: number;
}

/** Which process holds which Snowflake worker id; a lease whose heartbeat stopped is free again. */
export interface SnowflakeWorkersTable {
  worker_id: number;
  instance_id: string;
  leased_at: number;
  heartbeat_at: number;
}

export interface SchemaMigrationsTable {
  name: string;
  applied_at: number;
}

/** An amount a contract fixed before the payment is made (PortOne pre-registration). */
export interface PreRegistrationsTable {
  profile: string;
  mid: string;
  order_id: string;
  amount: number | null;
  tax_free_amount: number | null;
  currency: string | null;
  created_at: number;
}

/** A billing key: a card kept by a contract for later payments. */
export interface BillingKeysTable {
  billing_key: string;
  profile: string;
  mid: string;
  /** What the contract shows of it, as JSON. */
  details: string;
  issued_at: number;
  deleted_at: number | null;
}

export interface DB {
  payment_processes: PaymentProcessesTable;
  payments: PaymentsTable;
  payment_cancellations: PaymentCancellationsTable;
  pre_registrations: PreRegistrationsTable;
  billing_keys: BillingKeysTable;
  webhook_deliveries: WebhookDeliveriesTable;
  webhook_attempts: WebhookAttemptsTable;
  idempotency_keys: IdempotencyKeysTable;
  snowflake_workers: SnowflakeWorkersTable;
  merchants: MerchantsTable;
  hamster_settings: HamsterSettingsTable;
  hamster_schema_migrations: SchemaMigrationsTable;
}
