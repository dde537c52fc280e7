/**
 * Writes the OpenAPI document hamster-pg serves (/openapi.json) to a file,
 * from an in-memory instance, so tools can check it without a server:
 *
 *   npx tsx scripts/openapi.ts dist/openapi.json && npx redocly lint dist/openapi.json
 *   (npm run lint:openapi does both)
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { App } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { silentLogger } from '../src/log.js';

const out = process.argv[2] ?? 'dist/openapi.json';
const { config } = loadConfig({ env: {}, overrides: { 'database.url': ':memory:', 'server.port': 0, 'logging.level': 'silent' } });
const app = await App.create(config, { logger: silentLogger });
await app.http.ready();
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, `${JSON.stringify(app.http.swagger(), null, 2)}\n`);
await app.stop();
process.stdout.write(`wrote ${out}\n`);
