/**
 * The messages between a cluster's primary and its workers (`serve
 * --workers N`), over node:cluster's IPC channel. Each carries `hamster` (its
 * kind), so other messages on the channel are left alone.
 */
import type { Config } from '../config.js';
import type { HamsterEvent } from '../http/event-stream.js';

/** Set in a worker's environment by the primary: `serve` then runs as one of its workers. */
export const WORKER_ENV = 'HAMSTER_PG_CLUSTER_WORKER';

/** What a worker tells the primary once it listens. */
export interface ReadyInfo {
  pid: number;
  instanceId: string;
  /** The API's base URL, with the port actually listened on. */
  url: string;
  /** Contracts on listeners of their own (PortOne), by name. */
  profileUrls: Record<string, string>;
}

/** A metrics registry as prom-client's getMetricsAsJSON() gives it. */
export type MetricsJson = unknown[];

export type ToPrimary =
  /** A worker has started and asks for its settings. */
  | { hamster: 'hello' }
  | ({ hamster: 'ready' } & ReadyInfo)
  /** Start-up failed for a reason that another try cannot mend (a ConfigError); the worker exits 2. */
  | { hamster: 'fatal'; message: string }
  /** Open event streams on this worker. */
  | { hamster: 'subscribers'; count: number }
  /** An event of this worker, for the others' listeners. */
  | { hamster: 'event'; event: HamsterEvent }
  /** The whole cluster's metrics, please (answered with `metrics`). */
  | { hamster: 'metrics'; id: number }
  /** This worker's own metrics, answering `collect`. */
  | { hamster: 'part'; id: number; metrics: MetricsJson };

export type ToWorker =
  | { hamster: 'config'; config: Config }
  /** Stop gracefully (as on SIGTERM). */
  | { hamster: 'stop' }
  /** Forward this worker's events (another worker has listeners), or stop forwarding. */
  | { hamster: 'relay'; on: boolean }
  /** Another worker's event, for this worker's listeners. */
  | { hamster: 'event'; event: HamsterEvent }
  /** Send your own metrics (answered with `part`). */
  | { hamster: 'collect'; id: number }
  | { hamster: 'metrics'; id: number; text: string }
  | { hamster: 'metrics'; id: number; error: string };

/** Whether a message on the channel is one of ours. */
export function isOurs<T extends { hamster: string }>(message: unknown): message is T {
  return typeof message === 'object' && message !== null && typeof (message as { hamster?: unknown }).hamster === 'string';
}
