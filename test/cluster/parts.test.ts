/**
 * The cluster's parts that need no processes: the event bus's forwarding (what
 * a worker relays, and what it must not relay again), the aggregation of the
 * workers' metrics, and the server.workers setting and its refusals.
 */
import { availableParallelism } from 'node:os';
import { describe, expect, it } from 'vitest';
import { checkClusterConfig } from '../../src/cluster/preflight.js';
import { MetricsCollector } from '../../src/cluster/metrics.js';
import { loadConfig } from '../../src/config.js';
import { EventBus, type HamsterEvent } from '../../src/http/event-stream.js';
import { Metrics } from '../../src/http/metrics.js';

const event = (tid: string): HamsterEvent => ({
  type: 'webhook',
  at: 0,
  tid,
  deliveryId: 1,
  webhookId: `msg_${tid}`,
  eventStatus: 'SUCCESS',
  attemptNo: 1,
  delivered: true,
  responseCode: 200,
  error: null,
  durationMs: 1,
  state: 'DELIVERED',
  latencyMs: 1,
});

describe('EventBus in a cluster worker', () => {
  it('forwards its own events while forwarding is on, never those it was handed from elsewhere', () => {
    const bus = new EventBus();
    const heard: string[] = [];
    const forwarded: string[] = [];
    expect(bus.active).toBe(false);
    bus.forwardTo((e) => forwarded.push((e as { tid: string }).tid));
    // Nobody listens here, but another worker does: events are still built and forwarded.
    expect(bus.active).toBe(true);
    bus.emit(event('A'));
    const off = bus.on((e) => heard.push((e as { tid: string }).tid));
    bus.emit(event('B'));
    bus.deliver(event('X')); // another worker's: heard here, not sent back
    expect(heard).toEqual(['B', 'X']);
    expect(forwarded).toEqual(['A', 'B']);
    bus.forwardTo(null);
    bus.emit(event('C'));
    expect(forwarded).toEqual(['A', 'B']);
    off();
    expect(bus.active).toBe(false);
  });

  it('tells each change of its number of listeners', () => {
    const bus = new EventBus();
    const counts: number[] = [];
    bus.onCount = (n) => counts.push(n);
    const a = bus.on(() => undefined);
    const b = bus.on(() => undefined);
    a();
    a(); // twice: told once
    b();
    expect(counts).toEqual([1, 2, 1, 0]);
  });
});

describe('metrics of the whole cluster', () => {
  const backlog = async () => ({ pendingPayments: 7, dueDeliveries: 3 });

  it('sums counters and histograms over the workers; the backlog (one database) is not multiplied', async () => {
    const one = new Metrics(backlog);
    const two = new Metrics(backlog);
    for (let i = 0; i < 3; i++) one.paymentAccepted();
    for (let i = 0; i < 2; i++) two.paymentAccepted();
    one.webhookAttempt(200, 10);
    two.webhookAttempt(200, 20);
    two.webhookAttempt(null, null);
    const registries = new Map([
      [1, one],
      [2, two],
    ]);
    const collector: MetricsCollector = new MetricsCollector((worker, id) => {
      void registries.get(worker)!.registry.getMetricsAsJSON().then((json) => collector.take(worker, id, json));
    });
    const text = await collector.collect([1, 2]);
    expect(text).toMatch(/^hamster_payments_accepted_total 5$/m);
    expect(text).toMatch(/^hamster_webhook_attempts_total\{outcome="delivered"\} 2$/m);
    expect(text).toMatch(/^hamster_webhook_attempts_total\{outcome="failed"\} 1$/m);
    expect(text).toMatch(/^hamster_webhook_delivery_latency_seconds_count 2$/m);
    expect(text).toMatch(/^hamster_backlog_pending_payments 7$/m);
    expect(text).toMatch(/^hamster_backlog_due_deliveries 3$/m);
  });

  it('leaves out a worker that exits meanwhile; fails when nobody answers', async () => {
    const one = new Metrics(backlog);
    one.paymentAccepted();
    const collector: MetricsCollector = new MetricsCollector((worker, id) => {
      if (worker === 1) void one.registry.getMetricsAsJSON().then((json) => collector.take(1, id, json));
      else setTimeout(() => collector.gone(2), 10);
    });
    expect(await collector.collect([1, 2])).toMatch(/^hamster_payments_accepted_total 1$/m);
    await expect(collector.collect([])).rejects.toThrow(/no worker is ready/);
  });
});

describe('server.workers', () => {
  const load = (flags: Record<string, string>) => loadConfig({ readFile: false, env: {}, flags });

  it('is 1 by default; takes 1 to 64, or auto (one per core, at most 64)', () => {
    expect(load({}).config.server.workers).toBe(1);
    expect(load({ 'server.workers': '4' }).config.server.workers).toBe(4);
    expect(load({ 'server.workers': 'auto' }).config.server.workers).toBe(Math.min(64, availableParallelism()));
    expect(() => load({ 'server.workers': '0' })).toThrow(/Invalid value for server\.workers \(from --server\.workers\): "0" — allowed: an integer from 1 to 64, or auto/);
    expect(() => load({ 'server.workers': '65' })).toThrow(/server\.workers/);
    expect(loadConfig({ readFile: false, env: { SERVER_WORKERS: '3' } }).config.server.workers).toBe(3);
  });

  it('more than one needs PostgreSQL, and leased worker ids', () => {
    const pg = 'postgres://u@127.0.0.1:5432/db';
    expect(() => checkClusterConfig(load({ 'server.workers': '2' }).config)).toThrow(
      'server.workers 2 needs PostgreSQL in database.url: SQLite has one writer at a time, so more processes would only wait on each other (use one worker, or a postgres:// URL)',
    );
    expect(() => checkClusterConfig(load({ 'server.workers': '2', 'database.url': ':memory:' }).config)).toThrow(/needs PostgreSQL/);
    expect(() => checkClusterConfig(load({ 'server.workers': '2', 'database.url': pg, 'server.worker-id': '7' }).config)).toThrow(
      /server\.workers 2 cannot be used with server\.worker-id 7: each worker leases a Snowflake worker id of its own/,
    );
    expect(() => checkClusterConfig(load({ 'server.workers': '2', 'database.url': pg }).config)).not.toThrow();
    expect(() => checkClusterConfig(load({ 'server.worker-id': '7' }).config)).not.toThrow();
  });
});
