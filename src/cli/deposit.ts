/** `hamster-pg deposit <transactionId>`: pay into an issued PortOne virtual account now, from the terminal. */
import type { Static } from 'typebox';
import { ConfigError } from '../errors.js';
import type { TriggerResponse } from '../profiles/seed/seed.schemas.js';
import { call, painter, problemText, sentLine, serviceUrl, statusColor } from './common.js';
import { parseFlags } from './flags.js';

export const DEPOSIT_HELP = `Usage: hamster-pg deposit <transactionId> [options]

Deposits into a PortOne virtual account that waits for its deposit
(VIRTUAL_ACCOUNT_ISSUED): it becomes PAID now and Transaction.Paid is sent
now, instead of after portone.virtual-account.deposit-after.

Options:
  --url URL      hamster-pg's main listener (default http://127.0.0.1:8083, or HAMSTER_PG_URL)
  --json         print hamster-pg's answer as JSON
  -h, --help     this help

Example:
  hamster-pg deposit DUMMY_20261202_12345678
`;

export async function deposit(args: string[]): Promise<void> {
  const { values, positionals } = parseFlags({
    args,
    strict: true,
    allowPositionals: true,
    options: {
      url: { type: 'string' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(DEPOSIT_HELP);
    return;
  }
  const [tid, ...extra] = positionals;
  if (!tid || extra.length > 0) throw new ConfigError(`deposit takes one transactionId\n\n${DEPOSIT_HELP}`);
  const res = await call(`${serviceUrl(values.url)}/api/portone/payments/${encodeURIComponent(tid)}/deposit`, { method: 'POST' });
  if (!res.ok) {
    process.stderr.write(`hamster-pg: ${await problemText(res)}\n`);
    process.exitCode = 1;
    return;
  }
  const body = (await res.json()) as Static<typeof TriggerResponse>;
  if (values.json) {
    process.stdout.write(`${JSON.stringify(body)}\n`);
    return;
  }
  const paint = painter(process.stdout.isTTY === true);
  const w = body.webhook;
  process.stdout.write(
    `${body.tid}  ${paint(statusColor(body.status), 'PAID')} — deposited now\n` +
      sentLine(paint, 'Transaction.Paid', w),
  );
}
