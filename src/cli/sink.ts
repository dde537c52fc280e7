/** `hamster-pg sink`: a stand-in Cash Gateway that prints (and can misbehave with) webhooks. */
import { KEYS } from '../config.keys.js';
import { ConfigError } from '../errors.js';
import { parseFlags } from './flags.js';
import { durationMs } from '../scenarios/scenario.js';
import { startSink } from '../sink/sink.js';

export const SINK_HELP = `Usage: hamster-pg sink [options]

A stand-in Cash Gateway: answers 200 to POST <path> and prints every webhook.

Options:
  --port N        port to listen on (default 8082)
  --address HOST  address to listen on (default 127.0.0.1)
  --path PATH     webhook path (default /api/webhook/pg/DUMMY)
  --secret S      verify Standard Webhooks signatures with secret S (whsec_…);
                  repeat for several (key rotation); each webhook is marked ✓ or ✗
  --status N      answer N to every webhook instead of 200 (e.g. 503, 410)
  --fail-rate P   answer 500 to P percent of the webhooks, at random
  --delay D       answer D late (e.g. 200ms, 2s): past payment.webhook.timeout it is a timeout
  --json          print one JSON line per request instead of the readable form
  -h, --help      this help

Examples:
  hamster-pg sink --port 8082
  hamster-pg sink --secret whsec_naqIJUztaeyYh7ufvdx7b29g9GKmjtG9
  hamster-pg sink --fail-rate 30 --delay 500ms      # an unreliable Cash Gateway: watch the retries
  hamster-pg sink --status 503                      # a Cash Gateway that is down
`;

export async function sink(args: string[]): Promise<void> {
  const { values } = parseFlags({
    args,
    strict: true,
    options: {
      port: { type: 'string', default: '8082' },
      address: { type: 'string', default: '127.0.0.1' },
      path: { type: 'string', default: '/api/webhook/pg/DUMMY' },
      json: { type: 'boolean', default: false },
      secret: { type: 'string', multiple: true, default: [] },
      status: { type: 'string' },
      'fail-rate': { type: 'string' },
      delay: { type: 'string' },
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
  const status = values.status === undefined ? undefined : Number(values.status);
  if (status !== undefined && !(Number.isInteger(status) && status >= 100 && status <= 599)) {
    throw new ConfigError(`Invalid value for --status: ${JSON.stringify(values.status)} — allowed: an HTTP status code from 100 to 599`);
  }
  const failRate = values['fail-rate'] === undefined ? undefined : Number(values['fail-rate']);
  if (failRate !== undefined && !(failRate >= 0 && failRate <= 100)) {
    throw new ConfigError(`Invalid value for --fail-rate: ${JSON.stringify(values['fail-rate'])} — allowed: a number from 0 to 100 (percent)`);
  }
  const delayMs = values.delay === undefined ? undefined : durationMs(values.delay);
  if (values.delay !== undefined && delayMs === undefined) {
    throw new ConfigError(`Invalid value for --delay: ${JSON.stringify(values.delay)} — allowed: a duration such as 250ms or 2s`);
  }
  const started = await startSink({
    secrets: values.secret,
    ...(status === undefined ? {} : { status }),
    ...(failRate === undefined ? {} : { failRate }),
    ...(delayMs === undefined ? {} : { delayMs }),
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

