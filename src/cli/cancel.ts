/** `hamster-pg cancel <tid> [--amount N]`: cancels a successful payment, whole or in part, from the terminal. */
import { ConfigError } from '../errors.js';
import type { TransactionView } from '../profiles/seed/seed.schemas.js';
import { call, painter, problemText, serviceUrl, statusColor } from './common.js';
import { parseFlags } from './flags.js';

export const CANCEL_HELP = `Usage: hamster-pg cancel <tid> [options]

Cancels a SUCCESS payment: all that is left of it, or --amount of it. A part
leaves the payment SUCCESS with less left, and a PARTIAL_CANCELLED webhook
announces it; once nothing is left the payment is CANCELLED and a CANCELLED
webhook follows. Prints the payment's balance and its cancellations.

Options:
  --amount N     cancel this much: a whole number, at most what is left (default: all that is left)
  --reason TEXT  kept with the cancellation
  --url URL      hamster-pg (default http://127.0.0.1:8083, or HAMSTER_PG_URL)
  --json         print hamster-pg's answer (the transaction view) as JSON
  -h, --help     this help

Examples:
  hamster-pg cancel DUMMY_20260205_12345678
  hamster-pg cancel DUMMY_20260205_12345678 --amount 3000 --reason "one item returned"
`;

export async function cancel(args: string[]): Promise<void> {
  const { values, positionals } = parseFlags({
    args,
    strict: true,
    allowPositionals: true,
    options: {
      amount: { type: 'string' },
      reason: { type: 'string' },
      url: { type: 'string' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(CANCEL_HELP);
    return;
  }
  const [tid, ...extra] = positionals;
  if (!tid || extra.length > 0) throw new ConfigError(`cancel takes one transaction id\n\n${CANCEL_HELP}`);
  const amount = values.amount === undefined ? undefined : Number(values.amount);
  if (amount !== undefined && !(/^\d+$/.test(values.amount!) && Number.isSafeInteger(amount) && amount > 0)) {
    throw new ConfigError(`Invalid value for --amount: ${JSON.stringify(values.amount)} — allowed: a whole number above zero, at most what is left`);
  }
  const url = serviceUrl(values.url);
  const body = amount === undefined && values.reason === undefined ? null : { amount, reason: values.reason };
  // No body at all cancels all that is left, as the endpoint always did.
  const init: RequestInit = body === null ? { method: 'POST' } : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
  const res = await call(`${url}/api/payment/${encodeURIComponent(tid)}/cancel`, init);
  if (!res.ok) {
    process.stderr.write(`hamster-pg: ${await problemText(res)}\n`);
    process.exitCode = 1;
    return;
  }
  const view = (await res.json()) as TransactionView;
  if (values.json) {
    process.stdout.write(`${JSON.stringify(view)}\n`);
    return;
  }
  const paint = painter(process.stdout.isTTY === true);
  const last = view.cancellations.at(-1);
  const lines = [
    `${view.tid}  ${paint(statusColor(view.status), view.status)}  cancelled ${last?.amount ?? view.cancelledAmount} now — ${view.cancelledAmount} of ${view.amount} cancelled, ${view.remainingAmount} left`,
    ...view.cancellations.map((c) => `  ${c.cancelledAt}  ${c.cancellationId}  ${c.amount}${c.reason === null ? '' : `  ${c.reason}`}`),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}
