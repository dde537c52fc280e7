/**
 * `hamster-pg serve`: starts the service; stops it gracefully on SIGINT/SIGTERM.
 * With `server.workers` above 1, this process becomes a cluster's primary and
 * the service runs in that many workers (src/cluster/).
 */
import { App } from '../app.js';
import { runPrimary } from '../cluster/primary.js';
import { isClusterWorker, runWorker } from '../cluster/worker.js';
import { CONFIG_KEYS, KEYS, envName, type ConfigKey } from '../config.keys.js';
import { loadConfig } from '../config.js';
import { parseFlags } from './flags.js';
import { runService } from './service.js';
import { formatDuration } from '../time.js';

/** Short flags for the settings people change most, with the help's name for their value. */
const ALIASES: Record<string, readonly [ConfigKey, string]> = {
  port: ['server.port', 'N'],
  address: ['server.address', 'HOST'],
  db: ['database.url', 'PATH'],
  'webhook-url': ['payment.webhook.url', 'URL'],
  seed: ['payment.process.random-seed', 'VALUE'],
  workers: ['server.workers', 'N'],
};

export function serveHelp(): string {
  const width = Math.max(...CONFIG_KEYS.map((k) => k.length)) + 2;
  const rows = CONFIG_KEYS.map((key) => {
    const spec = KEYS[key];
    // Durations as they are written (5s, 5m), not in milliseconds.
    const shown = (v: unknown) => (spec.allowed.includes('duration') && typeof v === 'number' ? formatDuration(v) : String(v));
    const def =
      spec.default === null || (Array.isArray(spec.default) && spec.default.length === 0)
        ? '(unset)'
        : Array.isArray(spec.default)
          ? spec.default.map(shown).join(',')
          : shown(spec.default);
    return `  --${key.padEnd(width)}${spec.help}\n  ${''.padEnd(width + 2)}env ${envName(key)}, default ${def}`;
  });
  const aliases = Object.entries(ALIASES).map(([alias, [key, value]]) => `  ${`--${alias} ${value}`.padEnd(20)}= --${key}`);
  return `Usage: hamster-pg serve [options]

Starts the payment gateway. Settings come from, highest first: these flags,
the environment, application.yml (working directory, or --config FILE), and
the seed's defaults.

Options:
  --config FILE       read settings from FILE instead of ./application.yml
${aliases.join('\n')}
  -h, --help          this help

Every setting:
${rows.join('\n')}

Examples:
  hamster-pg serve
  hamster-pg serve --port 9083 --db ./tmp/pg.db
  hamster-pg serve --payment.process.polling.fixed-delay 200ms --seed 42
  PAYMENT_PROCESS_SUCCESS_RATE=100 hamster-pg serve
  hamster-pg serve --workers 2 --db postgres://user:pass@localhost:5432/hamster
`;
}

export async function serve(args: string[]): Promise<void> {
  // A worker of our own cluster: its settings come from the primary, exactly as the primary read them.
  if (isClusterWorker()) return runWorker();
  const options: Record<string, { type: 'string' | 'boolean'; short?: string }> = {
    config: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  };
  for (const key of CONFIG_KEYS) options[key] = { type: 'string' };
  for (const alias of Object.keys(ALIASES)) options[alias] = { type: 'string' };
  const { values } = parseFlags({ args, options, strict: true, allowPositionals: false });
  if (values.help) {
    process.stdout.write(serveHelp());
    return;
  }
  const flags: Partial<Record<ConfigKey, string>> = {};
  for (const [alias, [key]] of Object.entries(ALIASES)) {
    if (typeof values[alias] === 'string') flags[key] = values[alias];
  }
  for (const key of CONFIG_KEYS) {
    if (typeof values[key] === 'string') flags[key] = values[key];
  }
  const loaded = loadConfig({
    flags,
    configFile: typeof values.config === 'string' ? values.config : null,
  });
  if (loaded.config.server.workers > 1) return runPrimary(loaded);
  const { config, warnings, file } = loaded;
  const app = await App.create(config);
  if (file) app.log.info({ file }, 'configuration file read');
  for (const warning of warnings) app.log.warn(warning);
  await runService(app).start();
}
