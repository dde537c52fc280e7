#!/usr/bin/env node
/**
 * The `hamster-pg` command: serve (the default), sink, pay, trigger, cancel, deposit, tail.
 * Dispatch and error reporting only; each command lives in src/cli/.
 */
import { cancel } from './cli/cancel.js';
import { deposit } from './cli/deposit.js';
import { pay } from './cli/pay.js';
import { resend } from './cli/resend.js';
import { serve } from './cli/serve.js';
import { sink } from './cli/sink.js';
import { tail } from './cli/tail.js';
import { trigger } from './cli/trigger.js';
import { SchemaTooNew } from './db/migrate.js';
import { ConfigError } from './errors.js';
import { VERSION } from './version.js';

const MAIN_HELP = `hamster-pg ${VERSION} — a sandbox asynchronous payment gateway

Usage:
  hamster-pg [serve] [options]    start the service (the default command)
  hamster-pg sink [options]       a stand-in Cash Gateway that prints the webhooks it receives
  hamster-pg pay [options]        send test payments and follow them to their webhooks
  hamster-pg trigger <tid> --status SUCCESS|FAILED
                                  finalize a payment now and send its webhook
  hamster-pg cancel <tid> [--amount N]
                                  cancel a successful payment, whole or in part
  hamster-pg deposit <tid>        pay into an issued PortOne virtual account now
  hamster-pg resend --state DEAD  requeue the DEAD (or HELD) webhooks matching --tid, --mid, --to
  hamster-pg tail                 follow payments and webhooks live
  hamster-pg <command> --help     options and examples of a command
  hamster-pg --version

Example (the seed's walk-through):
  hamster-pg sink &               # Cash Gateway stand-in on :8082
  hamster-pg serve                # hamster-pg on :8083, dashboard at http://127.0.0.1:8083/
  curl -X POST http://localhost:8083/api/payment -H 'Content-Type: application/json' \\
       -d '{"orderId":"ORD_456","amount":10000,"echo":{"mid":"hamster_dummy_mid_001"}}'
`;

const COMMANDS: Record<string, (args: string[]) => Promise<void>> = { serve, sink, pay, trigger, cancel, deposit, tail, resend };

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
  const command = COMMANDS[first];
  if (!command) throw new ConfigError(`Unknown command: ${first}\n\n${MAIN_HELP}`);
  return command(rest);
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

