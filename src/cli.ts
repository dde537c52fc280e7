#!/usr/bin/env node
/**
 * The `hamster-pg` command: `serve` (the default) and `sink`. Argument
 * parsing and wiring only; the work is done elsewhere.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { App } from './app.js';
import { CONFIG_KEYS, KEYS, envName, type ConfigKey } from './config.keys.js';
import { loadConfig } from './config.js';
import { ConfigError } from './errors.js';
import { SchemaTooNew } from './db/migrate.js';
import { startSink } from './sink/sink.js';

const VERSION = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/** Short flags for the settings people change most. */
const ALIASES: Record<string, ConfigKey> = {
  port: 'server.port',
  address: 'server.address',
  db: 'database.url',
  'webhook-url': 'payment.webhook.url',
  seed: 'payment.process.random-seed',
};

const MAIN_HELP = `hamster-pg ${VERSION} — a sandbox asynchronous payment gateway

Usage:
  hamster-pg [serve] [options]   start the service (default command)
  hamster-pg sink [options]      a stand-in Cash Gateway that prints the webhooks it receives
  hamster-pg <command> --help    options of a command
  hamster-pg --version

Example (the seed's walk-through):
  hamster-pg sink &               # Cash Gateway stand-in on :8082
  hamster-pg serve                # hamster-pg on :8083
  curl -X POST http://localhost:8083/api/payment -H 'Content-Type: application/json' \\
       -d '{"orderId":"ORD_456","amount":10000,"echo":{"mid":"hamster_dummy_mid_001"}}'
`;

function serveHelp(): string {
  const width = Math.max(...CONFIG_KEYS.map((k) => k.length)) + 2;
  const rows = CONFIG_KEYS.map((key) => {
    const spec = KEYS[key];
    const def =
      spec.default === null || (Array.isArray(spec.default) && spec.default.length === 0) ? '(unset)' : String(spec.default);
    return `  --${key.padEnd(width)}${spec.help}\n  ${''.padEnd(width + 2)}env ${envName(key)}, default ${def}`;
  });
  return `Usage: hamster-pg serve [options]

Starts the payment gateway. Settings come from, highest first: these flags,
the environment, application.yml (working directory, or --config FILE), and
the seed's defaults.

Options:
  --config FILE       read settings from FILE instead of ./application.yml
  --port N            = --server.port
  --address HOST      = --server.address
  --db PATH           = --database.url
  --webhook-url URL   = --payment.webhook.url
  --seed VALUE        = --payment.process.random-seed
  -h, --help          this help

Every setting:
${rows.join('\n')}

Examples:
  hamster-pg serve
  hamster-pg serve --port 9083 --db ./tmp/pg.db
  hamster-pg serve --payment.process.polling.fixed-delay 200ms --seed 42
  PAYMENT_PROCESS_SUCCESS_RATE=100 hamster-pg serve
`;
}

const SINK_HELP = `Usage: hamster-pg sink [options]

A stand-in Cash Gateway: answers 200 to POST <path> and prints every webhook.

Options:
  --port N        port to listen on (default 8082)
  --address HOST  address to listen on (default 127.0.0.1)
  --path PATH     webhook path (default /api/webhook/pg/DUMMY)
  --secret S      verify Standard Webhooks signatures with secret S (whsec_…);
                  repeat for several (key rotation); each webhook is marked ✓ or ✗
  --json          print one JSON line per request instead of the readable form
  -h, --help      this help

Examples:
  hamster-pg sink --port 8082
  hamster-pg sink --secret whsec_naqIJUztaeyYh7ufvdx7b29g9GKmjtG9
`;

async function serve(args: string[]): Promise<void> {
  const options: Record<string, { type: 'string' | 'boolean'; short?: string }> = {
    config: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  };
  for (const key of CONFIG_KEYS) options[key] = { type: 'string' };
  for (const alias of Object.keys(ALIASES)) options[alias] = { type: 'string' };
  const { values } = parseArgs({ args, options, strict: true, allowPositionals: false });
  if (values.help) {
    process.stdout.write(serveHelp());
    return;
  }
  const flags: Partial<Record<ConfigKey, string>> = {};
  for (const [alias, key] of Object.entries(ALIASES)) {
    if (typeof values[alias] === 'string') flags[key] = values[alias];
  }
  for (const key of CONFIG_KEYS) {
    if (typeof values[key] === 'string') flags[key] = values[key];
  }
  const { config, warnings, file } = loadConfig({
    flags,
    configFile: typeof values.config === 'string' ? values.config : null,
  });
  const app = await App.create(config);
  if (file) app.log.info({ file }, 'configuration file read');
  for (const warning of warnings) app.log.warn(warning);

  let signals = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    if (++signals > 1) {
      app.log.warn(`${signal} again: exiting now`);
      process.exit(130);
    }
    app.log.info(`${signal}: finishing requests and webhooks under way, then exiting (again to exit at once)`);
    setTimeout(() => {
      app.log.error('shutdown took over 10 s; exiting');
      process.exit(1);
    }, 10_000).unref();
    app.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        app.log.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  try {
    await app.start();
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
}

async function sink(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      port: { type: 'string', default: '8082' },
      address: { type: 'string', default: '127.0.0.1' },
      path: { type: 'string', default: '/api/webhook/pg/DUMMY' },
      json: { type: 'boolean', default: false },
      secret: { type: 'string', multiple: true, default: [] },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(SINK_HELP);
    return;
  }
  const port = Number(values.port);
  if (!/^\d+$/.test(values.port) || port > 65535) {
    throw new ConfigError(`Invalid value for --port: ${JSON.stringify(values.port)} — allowed: an integer from 0 to 65535`);
  }
  if (!values.path.startsWith('/')) {
    throw new ConfigError(`Invalid value for --path: ${JSON.stringify(values.path)} — allowed: a path starting with /`);
  }
  for (const secret of values.secret) {
    if (KEYS['payment.webhook.secret'].read(secret) === undefined) {
      throw new ConfigError(`Invalid value for --secret: ${JSON.stringify(secret)} — allowed: ${KEYS['payment.webhook.secret'].allowed}`);
    }
  }
  const started = await startSink({
    secrets: values.secret,
    port,
    address: values.address,
    path: values.path,
    json: values.json,
    color: process.stdout.isTTY === true,
    print: (text) => process.stdout.write(`${text}\n`),
  }).catch((error: unknown) => {
    if ((error as { code?: string }).code === 'EADDRINUSE') {
      throw new ConfigError(`Port ${port} on ${values.address} is already in use — choose another with --port`);
    }
    throw error;
  });
  process.stdout.write(`hamster-pg sink listening on ${started.url} — webhooks will be printed here\n`);
  const stop = () => void started.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

async function main(argv: string[]): Promise<void> {
  const [first, ...rest] = argv;
  if (first === '--version' || first === '-v') {
    process.stdout.write(`${VERSION}\n`);
    return;
  }
  if (first === '--help' || first === '-h' || first === 'help') {
    process.stdout.write(MAIN_HELP);
    return;
  }
  if (first === undefined || first.startsWith('-')) return serve(argv);
  if (first === 'serve') return serve(rest);
  if (first === 'sink') return sink(rest);
  throw new ConfigError(`Unknown command: ${first}\n\n${MAIN_HELP}`);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  const e = error as { code?: string; message?: string };
  if (error instanceof ConfigError || error instanceof SchemaTooNew || e.code?.startsWith('ERR_PARSE_ARGS')) {
    process.stderr.write(`hamster-pg: ${e.message}\n`);
    process.exit(2);
  }
  process.stderr.write(`hamster-pg: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
