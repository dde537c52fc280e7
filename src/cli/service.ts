/**
 * Runs one App as a process's service: starts it, and stops it gracefully on
 * SIGINT/SIGTERM or when asked (a cluster's primary asks its workers); a
 * second signal exits at once. `serve` uses it for a single process, and each
 * cluster worker for its own.
 */
import type { App } from '../app.js';
import { ConfigError } from '../errors.js';

/** How long a stop may take before the process exits anyway. */
export const STOP_LIMIT_MS = 10_000;

export interface Service {
  /** Listens; a port in use becomes one clear line (ConfigError). */
  start(): Promise<void>;
  /** Stops as a first signal would, then exits 0 (1 if the stop failed or took too long). */
  stop(why: string): void;
}

export function runService(app: App): Service {
  const { config, log } = app;
  let starting: Promise<void> = Promise.resolve();
  let stopping = false;
  let signals = 0;

  const stop = (why: string, hint = '') => {
    if (stopping) return;
    stopping = true;
    log.info(`${why}: finishing requests and webhooks under way, then exiting${hint}`);
    setTimeout(() => {
      log.error(`shutdown took over ${STOP_LIMIT_MS / 1000} s; exiting`);
      process.exit(1);
    }, STOP_LIMIT_MS).unref();
    // A stop asked for while the service is still starting waits for it to listen, then undoes it.
    starting
      .catch(() => undefined)
      .then(() => app.stop())
      .then(
        () => process.exit(0),
        (error: unknown) => {
          log.error({ err: error }, 'shutdown failed');
          process.exit(1);
        },
      );
  };
  const onSignal = (signal: NodeJS.Signals) => {
    if (++signals > 1) {
      log.warn(`${signal} again: exiting now`);
      process.exit(130);
    }
    stop(signal, ' (again to exit at once)');
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  return {
    stop: (why) => stop(why),
    async start() {
      starting = app.start();
      try {
        await starting;
      } catch (error) {
        await app.stop().catch(() => undefined);
        const e = error as { code?: string };
        if (e.code === 'EADDRINUSE') {
          throw new ConfigError(
            `Port ${config.server.port} on ${config.server.address} is already in use — stop what uses it, or set server.port (e.g. --port 9083)`,
          );
        }
        throw error;
      }
    },
  };
}
