/**
 * Moves SQLite's WAL checkpoints off the event loop. A checkpoint copies the
 * WAL back into the database file and, with synchronous=NORMAL, fsyncs it —
 * milliseconds at a time that, run by the writing connection itself, stall
 * every request in flight. Here a worker thread with its own connection runs
 * PASSIVE checkpoints (they never block the writer) a few times a second; the
 * writer's own auto-checkpoint stays on, at a larger threshold, as a safety
 * net. Durability is unchanged: the same commits reach the disk, from another
 * thread.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

const require = createRequire(import.meta.url);

// Plain CommonJS for the worker: it loads better-sqlite3 from the path the
// main thread resolved, so it runs the same under node, tsx and vitest.
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.path);
db.pragma('busy_timeout = 1000');
const checkpoint = () => { try { db.pragma('wal_checkpoint(PASSIVE)'); } catch { /* busy: next time */ } };
const timer = setInterval(checkpoint, workerData.everyMs);
parentPort.on('message', () => { clearInterval(timer); checkpoint(); db.close(); parentPort.postMessage('stopped'); });
`;

export interface Checkpointer {
  stop(): Promise<void>;
}

export function startCheckpointer(path: string, everyMs = 200): Checkpointer {
  const worker = new Worker(WORKER, { eval: true, workerData: { path, everyMs, driver: require.resolve('better-sqlite3') } });
  worker.unref();
  worker.on('error', () => undefined); // the writer's own auto-checkpoint still bounds the WAL
  return {
    stop: () =>
      new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timeout);
          void worker.terminate().then(() => resolve());
        };
        const timeout = setTimeout(done, 2000);
        worker.once('message', done);
        worker.once('exit', done);
        worker.postMessage('stop');
      }),
  };
}
