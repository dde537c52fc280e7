/**
 * One worker of a cluster (`serve --workers N`): an ordinary App in its own
 * process, on the port the primary shares. Its settings come from the
 * primary over IPC (exactly what the primary read, even if the configuration
 * file has changed since); its live events go to the other workers through
 * the primary while they have listeners; its /metrics answers for the whole
 * cluster.
 */
import cluster from 'node:cluster';
import { App } from '../app.js';
import type { Config } from '../config.js';
import { SchemaTooNew } from '../db/migrate.js';
import { ConfigError } from '../errors.js';
import type { HamsterEvent } from '../http/event-stream.js';
import { createLogger } from '../log.js';
import { PROFILES } from '../profiles/registry.js';
import { runService, type Service } from '../cli/service.js';
import { isOurs, WORKER_ENV, type ToPrimary, type ToWorker } from './protocol.js';

/** How long /metrics waits for the primary's aggregate before it answers with this worker's own. */
const METRICS_WAIT_MS = 3000;

/** True in a process forked by our own primary (not merely any cluster's worker, such as pm2's). */
export function isClusterWorker(): boolean {
  return cluster.isWorker && process.env[WORKER_ENV] === '1';
}

/** To the primary. A closed channel means the primary is gone: node:cluster then ends this worker. */
function send(message: ToPrimary, then?: () => void): void {
  if (!process.send || !process.connected) {
    then?.();
    return;
  }
  process.send(message, () => then?.());
}

export async function runWorker(): Promise<void> {
  let app: App | null = null;
  let service: Service | null = null;
  let stopAsked = false;
  let relaying = false;
  let config: (config: Config) => void = () => undefined;
  const settings = new Promise<Config>((resolve) => (config = resolve));

  const forward = (event: HamsterEvent) => send({ hamster: 'event', event });
  const metricsAsked = new Map<number, { resolve: (text: string) => void; reject: (error: Error) => void }>();
  let nextAsk = 0;

  // Listening from the start: the primary's answer to hello, and a stop that comes before the service runs.
  process.on('message', (message: unknown) => {
    if (!isOurs<ToWorker>(message)) return;
    switch (message.hamster) {
      case 'config':
        return config(deepFreeze(message.config));
      case 'stop':
        stopAsked = true;
        return service?.stop('asked by the primary');
      case 'relay':
        relaying = message.on;
        return app?.events.forwardTo(relaying ? forward : null);
      case 'event':
        return app?.events.deliver(message.event);
      case 'collect':
        if (!app) return send({ hamster: 'part', id: message.id, metrics: [] });
        return void app.metrics.registry.getMetricsAsJSON().then(
          (metrics) => send({ hamster: 'part', id: message.id, metrics }),
          () => send({ hamster: 'part', id: message.id, metrics: [] }),
        );
      case 'metrics': {
        const asked = metricsAsked.get(message.id);
        metricsAsked.delete(message.id);
        if (!asked) return;
        if ('text' in message) asked.resolve(message.text);
        else asked.reject(new Error(message.error));
        return;
      }
    }
  });
  send({ hamster: 'hello' });

  try {
    const cfg = await settings;
    const log = createLogger(cfg.logging.level).child({ worker: cluster.worker!.id });
    app = await App.create(cfg, { logger: log });

    // Live events: tell the primary how many listen here; forward ours while another worker has listeners.
    app.events.onCount = (count) => send({ hamster: 'subscribers', count });
    app.events.forwardTo(relaying ? forward : null);
    // /metrics: the whole cluster's, aggregated by the primary.
    app.metrics.clusterMetrics = () =>
      new Promise<string>((resolve, reject) => {
        const id = ++nextAsk;
        const timer = setTimeout(() => {
          metricsAsked.delete(id);
          reject(new Error(`the primary did not answer within ${METRICS_WAIT_MS / 1000} s`));
        }, METRICS_WAIT_MS);
        metricsAsked.set(id, {
          resolve: (text) => (clearTimeout(timer), resolve(text)),
          reject: (error) => (clearTimeout(timer), reject(error)),
        });
        send({ hamster: 'metrics', id });
      });

    service = runService(app);
    if (stopAsked) return service.stop('asked by the primary');
    await service.start();
    const profileUrls: Record<string, string> = {};
    for (const { name } of PROFILES) {
      const url = app.profileUrlOrNull(name);
      if (url !== null) profileUrls[name] = url;
    }
    send({ hamster: 'ready', pid: process.pid, instanceId: app.instanceId, url: app.url, profileUrls });
  } catch (error) {
    if (error instanceof ConfigError || error instanceof SchemaTooNew) {
      // Another try would fail alike: the primary says it once (every worker would meet it), and stops.
      await new Promise<void>((resolve) => send({ hamster: 'fatal', message: error.message }, resolve));
      process.exit(2);
    }
    throw error;
  }
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
