/** `hamster-pg trigger <tid> --status …`: the manual webhook trigger, from the terminal. */
import type { Static } from 'typebox';
import { ConfigError } from '../errors.js';
import { parseFlags } from './flags.js';
import { FAIL_REASONS, isFailReason } from '../payments/payment.js';
import type { TriggerResponse } from '../profiles/seed/seed.schemas.js';
import { call, painter, problemText, sentLine, serviceUrl, statusColor } from './common.js';

export const TRIGGER_HELP = `Usage: hamster-pg trigger <tid> --status SUCCESS|FAILED [options]

Finalizes a PENDING or PROCESSING payment to the given status and sends its
webhook now; for a payment already final with that status, sends it again.

Options:
  --status S     SUCCESS or FAILED (required)
  --reason R     with FAILED: ${FAIL_REASONS.join(', ')}
  --url URL      hamster-pg (default http://127.0.0.1:8083, or HAMSTER_PG_URL)
  --json         print hamster-pg's answer as JSON
  -h, --help     this help

Examples:
  hamster-pg trigger DUMMY_20260205_12345678 --status SUCCESS
  hamster-pg trigger DUMMY_20260205_12345678 --status FAILED --reason LIMIT_EXCEEDED
`;

export async function trigger(args: string[]): Promise<void> {
  const { values, positionals } = parseFlags({
    args,
    strict: true,
    allowPositionals: true,
    options: {
      status: { type: 'string' },
      reason: { type: 'string' },
      url: { type: 'string' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(TRIGGER_HELP);
    return;
  }
  const [tid, ...extra] = positionals;
  if (!tid || extra.length > 0) throw new ConfigError(`trigger takes one transaction id\n\n${TRIGGER_HELP}`);
  const status = values.status?.toUpperCase();
  if (status !== 'SUCCESS' && status !== 'FAILED') throw new ConfigError(`--status must be SUCCESS or FAILED\n\n${TRIGGER_HELP}`);
  if (values.reason !== undefined && !isFailReason(values.reason)) {
    throw new ConfigError(`Invalid value for --reason: ${JSON.stringify(values.reason)} — allowed: ${FAIL_REASONS.join(', ')}`);
  }
  const url = serviceUrl(values.url);
  const query = new URLSearchParams({ status, ...(values.reason ? { reason: values.reason } : {}) });
  const res = await call(`${url}/api/payment/webhook/trigger/${encodeURIComponent(tid)}?${query}`, { method: 'POST' });
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
    `${body.tid}  ${paint(statusColor(body.status), body.status)}${body.failReason ? ` (${body.failReason})` : ''}${body.approvalNo ? `  approvalNo ${body.approvalNo}` : ''}${body.finalizedNow ? '  — finalized now' : '  — already final: webhook sent again'}\n` +
      sentLine(paint, 'webhook', w),
  );
}
