import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  // The examples import hamster-pg by its package name, as a user would; here it is the source.
  resolve: { alias: { 'hamster-pg': fileURLToPath(new URL('./src/index.ts', import.meta.url)) } },
  test: {
    // examples/jest runs through test/examples/jest-example.test.ts (with Jest's globals provided).
    include: ['test/**/*.test.ts', 'examples/vitest/**/*.test.ts'],
    globalSetup: ['test/setup/global.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Tests start real servers and child processes; forks keep them apart.
    pool: 'forks',
    allowOnly: false,
    // Every instance a test starts checks each answer against /openapi.json (src/http/response-check.ts).
    env: { HAMSTER_PG_CHECK_RESPONSES: '1' },
  },
});
