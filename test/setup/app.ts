/**
 * Starts a real hamster-pg App for a test: a real SQLite file in a temporary
 * folder, a real port, webhooks to a real receiver. The scheduler's loop is
 * off unless asked for; tests drive it with processNow() instead of sleeping.
 */
import { App, type AppOptions } from '../../src/app.js';
import type { ConfigKey } from '../../src/config.keys.js';
import { loadConfig } from '../../src/config.js';
import { silentLogger } from '../../src/log.js';
import { startReceiver, type Receiver } from './receiver.js';
import { tempDir } from './tmp.js';

export interface TestApp {
  app: App;
  url: string;
  receiver: Receiver;
  dir: string;
  dbPath: string;
  post(path: string, body: unknown, headers?: Record<string, string>): Promise<Response>;
  postPayment(body?: Record<string, unknown>): Promise<{ status: number; json: Record<string, unknown> }>;
  get(path: string): Promise<Response>;
  /** Rows in a table, read straight from the database. */
  count(table: 'payment_processes' | 'payments' | 'webhook_deliveries' | 'webhook_attempts'): Promise<number>;
  close(): Promise<void>;
}

export async function startTestApp(
  settings: Partial<Record<ConfigKey, unknown>> = {},
  options: AppOptions & { receiver?: Receiver; dir?: string } = {},
): Promise<TestApp> {
  const receiver = options.receiver ?? (await startReceiver());
  const tmp = options.dir ? null : tempDir();
  const dir = options.dir ?? tmp!.path;
  const dbPath = `${dir}/hamster-pg.db`;
  const { config } = loadConfig({
    cwd: dir,
    env: {},
    overrides: {
      'server.port': 0,
      'database.url': dbPath,
      'payment.webhook.url': receiver.url,
      'payment.process.polling.enabled': false,
      'logging.level': 'silent',
      ...settings,
    },
  });
  const app = await App.create(config, { logger: silentLogger, ...options });
  await app.start();
  const url = app.url;
  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  return {
    app,
    url,
    receiver,
    dir,
    dbPath,
    post,
    async postPayment(body = { orderId: 'ORD_1', amount: 10000 }) {
      const res = await post('/api/payment', body);
      return { status: res.status, json: (await res.json()) as Record<string, unknown> };
    },
    get: (path) => fetch(`${url}${path}`),
    async count(table) {
      const row = await app.database.db.selectFrom(table).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
      return Number(row.n);
    },
    async close() {
      await app.stop();
      if (!options.receiver) await receiver.close();
      tmp?.remove();
    },
  };
}
