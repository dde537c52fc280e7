/**
 * The cluster's /metrics, put together in the primary: each ready worker is
 * asked for its registry (prom-client's getMetricsAsJSON), and prom-client's
 * AggregatorRegistry.aggregate combines them — counters and histograms
 * summed, each metric by its own `aggregator` (the backlog gauges, read from
 * the one database, by max).
 *
 * Not AggregatorRegistry.clusterMetrics(): it asks every connected worker,
 * also one still starting that cannot answer yet (the scrape then hangs for
 * 5 s and fails), and keeps a request that timed out for ever. Here only the
 * workers that said they are ready are asked, and a worker that exits
 * meanwhile is simply left out.
 */
import { AggregatorRegistry } from 'prom-client';
import type { MetricsJson } from './protocol.js';

/** How long the primary waits for every worker's part. */
export const COLLECT_WAIT_MS = 2000;

interface Collection {
  waiting: Set<number>;
  parts: MetricsJson[];
  finish(error?: Error): void;
}

export class MetricsCollector {
  private readonly collections = new Map<number, Collection>();
  private next = 0;

  /** `ask(workerId, collectionId)` asks a worker for its part; answers come back through take(). */
  constructor(private readonly ask: (workerId: number, id: number) => void) {}

  collect(workerIds: readonly number[]): Promise<string> {
    if (workerIds.length === 0) return Promise.reject(new Error('no worker is ready'));
    return new Promise((resolve, reject) => {
      const id = ++this.next;
      const collection: Collection = {
        waiting: new Set(workerIds),
        parts: [],
        finish: (error) => {
          clearTimeout(timer);
          this.collections.delete(id);
          if (error) return reject(error);
          AggregatorRegistry.aggregate(collection.parts)
            .metrics()
            .then(resolve, reject);
        },
      };
      const timer = setTimeout(
        () => collection.finish(new Error(`${collection.waiting.size} of ${workerIds.length} workers did not answer within ${COLLECT_WAIT_MS / 1000} s`)),
        COLLECT_WAIT_MS,
      );
      this.collections.set(id, collection);
      for (const workerId of workerIds) this.ask(workerId, id);
    });
  }

  /** A worker's part of collection `id`. */
  take(workerId: number, id: number, metrics: MetricsJson): void {
    const collection = this.collections.get(id);
    if (!collection?.waiting.delete(workerId)) return;
    collection.parts.push(metrics);
    if (collection.waiting.size === 0) collection.finish();
  }

  /** A worker exited: no part will come from it. */
  gone(workerId: number): void {
    for (const collection of [...this.collections.values()]) {
      if (collection.waiting.delete(workerId) && collection.waiting.size === 0) collection.finish();
    }
  }
}
