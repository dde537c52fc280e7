/**
 * A profile is one wire contract the engine speaks: its routes and schemas,
 * how a request becomes an intake for the engine (through the payment
 * services), how its ACK and views are rendered, how its webhook body is
 * rendered, and its status vocabulary. The engine knows none of them; it
 * stores which profile took each payment and asks that profile for the
 * webhook's bytes. Adding a PG: one folder under src/profiles/, one line in
 * registry.ts.
 */
import type { TSchema } from 'typebox';
import type { Control } from '../admin/control.js';
import type { Config } from '../config.js';
import type { Hangs } from '../http/hangs.js';
import type { HttpServer } from '../http/server.js';
import type { Logger } from '../log.js';
import type { DocumentedPaths } from '../http/openapi.js';
import type { Merchant } from '../merchants/merchant.js';
import type { EventContext, EventStatus, Outcome, PaymentProcess } from '../payments/payment.js';
import type { PaymentServices } from '../payments/payment.services.js';
import type { Store } from '../store/store.js';

export interface ProfileDeps {
  services: PaymentServices;
  /** Scenario rules and merchants (a contract may manage MIDs). */
  control: Control;
  /** For reads a contract's views need (lists, pages, attempt counts). */
  store: Store;
  /** Requests a `timeout` scenario holds open. */
  hangs: Hangs;
  config: Config;
  log: Logger;
  /** The engine's decision for a payment (its rule's outcome, else the success rate, seeded when configured). */
  decide: (payment: PaymentProcess) => Outcome;
  /** The main listener's base URL (the dashboard's), once it listens. */
  baseUrl: () => string | null;
}

/** A contract's own listener (a PG whose clients cannot be given a path prefix). */
export interface ProfileServer {
  /** Starts listening; answers the base URL. */
  listen(): Promise<string>;
  close(): Promise<void>;
  /** Cuts connections a stop cannot wait for. */
  closeAllConnections(): void;
}

export interface Profile {
  /** Stored with each payment it takes; names it in config and the dashboard. */
  readonly name: string;
  /** One line for the docs and the dashboard. */
  readonly summary: string;
  /**
   * The exact body of the webhook announcing `event` for a payment this
   * profile took: rendered once, before the finalizing transaction, and kept
   * in the outbox — every attempt, retry and re-send sends these bytes.
   */
  webhookBody(payment: PaymentProcess, event: EventStatus, context?: EventContext): string;
  /** Registers the contract's routes on the main listener. */
  register(app: HttpServer, deps: ProfileDeps): void;
  /**
   * The contract's say in the engine's decision for one of its payments, at
   * `now` (a virtual account past its expiry was not paid); absent: the
   * engine's stands.
   */
  decide?(payment: PaymentProcess, engine: Outcome, now: number): Outcome;
  /** Merchants the contract brings from its own settings (PortOne's default store). */
  merchants?(config: Config): Merchant[];
  /** Its webhooks' retry schedule, when not the engine's (PortOne's published one). */
  retryScheduleMs?(config: Config): number[] | null;
  /** The OpenAPI paths of its own listener (at `url`, null before it listens). */
  documentedPaths?(url: string | null): DocumentedPaths;
  /** A listener of its own, when the contract needs one. */
  serve?(deps: ProfileDeps): ProfileServer;
  /** The webhook bodies it sends, for the OpenAPI document's `webhooks`. */
  readonly webhookSchema: TSchema;
}
