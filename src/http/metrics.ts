/**
 * Prometheus metrics at /metrics (prom-client): payments accepted and
 * finalized, webhook attempts by outcome, delivery latency, the backlog of
 * work (read from the database when scraped), HTTP request durations, and
 * Node.js process metrics. In a cluster (`server.workers`), whichever worker
 * answers /metrics returns the whole cluster's (see src/cluster/metrics.ts).
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { DatabaseStats } from '../db/database.js';
import type { HttpServer } from './server.js';

export interface Backlog {
  pendingPayments: number;
  dueDeliveries: number;
}

export class Metrics {
  readonly registry = new Registry();
  /**
   * Set in a cluster worker: the metrics of every worker, summed (counters,
   * histograms) or otherwise aggregated. Null: this process's own.
   */
  clusterMetrics: (() => Promise<string>) | null = null;
  private readonly accepted = new Counter({
    name: 'hamster_payments_accepted_total',
    help: 'Payments accepted (answered 202 and stored)',
    registers: [this.registry],
  });
  private readonly finalized = new Counter({
    name: 'hamster_payments_finalized_total',
    help: 'Payments that reached a final status, by status (CANCELLED counts cancellations)',
    labelNames: ['status'],
    registers: [this.registry],
  });
  private readonly attempts = new Counter({
    name: 'hamster_webhook_attempts_total',
    help: 'Webhook attempts, by outcome: delivered (2xx), rejected (another status) or failed (no answer)',
    labelNames: ['outcome'],
    registers: [this.registry],
  });
  private readonly latency = new Histogram({
    name: 'hamster_webhook_delivery_latency_seconds',
    help: 'From a final state to its webhook being delivered (2xx)',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 1800, 7200],
    registers: [this.registry],
  });
  private readonly http = new Histogram({
    name: 'hamster_http_request_duration_seconds',
    help: 'HTTP request durations, by method, route and status code',
    labelNames: ['method', 'route', 'status_code'],
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5],
    registers: [this.registry],
  });

  constructor(backlog: () => Promise<Backlog>, database?: DatabaseStats) {
    collectDefaultMetrics({ register: this.registry, prefix: 'hamster_' });
    if (database) {
      // Read from the database layer's own tally when scraped: no cost per statement here.
      new Counter({
        name: 'hamster_db_statements_total',
        help: 'SQL statements run by the store (BEGIN and COMMIT included)',
        registers: [this.registry],
        collect() {
          this.reset();
          this.inc(database.statements);
        },
      });
      new Counter({
        name: 'hamster_db_round_trips_total',
        help: 'Round trips to a database server (0 for SQLite, which runs in the process)',
        registers: [this.registry],
        collect() {
          this.reset();
          this.inc(database.roundTrips);
        },
      });
    }
    // The backlog is read once per scrape, for both gauges.
    let reading: Promise<Backlog> | null = null;
    const read = () => (reading ??= backlog().finally(() => setImmediate(() => (reading = null))));
    // Every worker of a cluster reads the same database: aggregated, the figure is taken once, not summed.
    new Gauge({
      name: 'hamster_backlog_pending_payments',
      help: 'Payments PENDING or PROCESSING',
      registers: [this.registry],
      aggregator: 'max',
      async collect() {
        this.set((await read()).pendingPayments);
      },
    });
    new Gauge({
      name: 'hamster_backlog_due_deliveries',
      help: 'Webhook deliveries due now and not yet sent',
      registers: [this.registry],
      aggregator: 'max',
      async collect() {
        this.set((await read()).dueDeliveries);
      },
    });
  }

  paymentAccepted(): void {
    this.accepted.inc();
  }

  paymentFinalized(status: string): void {
    this.finalized.inc({ status });
  }

  webhookAttempt(responseCode: number | null, latencyMs: number | null): void {
    const outcome = responseCode === null ? 'failed' : responseCode >= 200 && responseCode < 300 ? 'delivered' : 'rejected';
    this.attempts.inc({ outcome });
    if (latencyMs !== null) this.latency.observe(latencyMs / 1000);
  }

  /** Times every request by its route pattern (not its URL, so tids do not explode the labels). */
  instrument(app: HttpServer): void {
    app.addHook('onResponse', async (request, reply) => {
      const route = request.routeOptions.url ?? 'unmatched';
      this.http.observe({ method: request.method, route, status_code: String(reply.statusCode) }, reply.elapsedTime / 1000);
    });
    app.get('/metrics', { schema: { summary: 'Prometheus metrics', tags: ['operations'] } }, async (_request, reply) => {
      reply.type(this.registry.contentType);
      if (this.clusterMetrics) {
        try {
          return await this.clusterMetrics();
        } catch (error) {
          // The primary did not answer in time (a worker stuck, the cluster stopping): this
          // worker's own figures, marked as such, rather than no answer at all.
          return `# hamster-pg: the cluster's metrics are unavailable (${(error as Error).message}); these are one worker's only\n${await this.registry.metrics()}`;
        }
      }
      return this.registry.metrics();
    });
  }
}
