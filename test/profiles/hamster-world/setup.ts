/** A hamster-pg app on each backend (SQLite always; PostgreSQL when TEST_DATABASE_URL is set), for contract tests. */
import type { AppOptions } from '../../../src/app.js';
import type { ConfigKey } from '../../../src/config.keys.js';
import { startTestApp, type TestApp } from '../../setup/app.js';
import { HAS_POSTGRES, createSchema } from '../../setup/postgres.js';
import type { Receiver } from '../../setup/receiver.js';

export interface Backend {
  name: string;
  start(settings?: Partial<Record<ConfigKey, unknown>>, options?: AppOptions & { receiver?: Receiver }): Promise<TestApp>;
}

const sqlite: Backend = { name: 'sqlite', start: (settings = {}, options = {}) => startTestApp(settings, options) };

const postgres: Backend = {
  name: 'postgres',
  async start(settings = {}, options = {}) {
    const schema = await createSchema();
    const t = await startTestApp({ 'database.url': schema.url, ...settings }, options);
    return {
      ...t,
      async close() {
        await t.close();
        await schema.drop();
      },
    };
  },
};

export const BACKENDS: Backend[] = HAS_POSTGRES ? [sqlite, postgres] : [sqlite];
