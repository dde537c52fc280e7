/** `hamster-pg tail`: follows the live event stream in the terminal. */
import { parseFlags } from './flags.js';
import type { HamsterEvent } from '../http/event-stream.js';
import { call, painter, serviceUrl, statusColor, type Paint } from './common.js';
import { readEvents } from './sse.js';

export const TAIL_HELP = `Usage: hamster-pg tail [options]

Follows what hamster-pg does, live: payments accepted, finalized and
cancelled, and every webhook attempt. Reconnects if the stream drops.
(With several instances, each streams its own work: tail each one.)

Options:
  --url URL      hamster-pg (default http://127.0.0.1:8083, or HAMSTER_PG_URL)
  --json         one JSON line per event
  -h, --help     this help

Examples:
  hamster-pg tail
  hamster-pg tail --json | grep DUMMY_20260205_12345678
`;

export async function tail(args: string[]): Promise<void> {
  const { values } = parseFlags({
    args,
    strict: true,
    options: { url: { type: 'string' }, json: { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help) {
    process.stdout.write(TAIL_HELP);
    return;
  }
  const url = serviceUrl(values.url);
  await call(`${url}/health`);
  const paint = painter(process.stdout.isTTY === true && !values.json);
  const stop = new AbortController();
  process.on('SIGINT', () => stop.abort());
  process.on('SIGTERM', () => stop.abort());
  if (!values.json) process.stderr.write(`following ${url}/api/events (Ctrl-C to stop)\n`);
  while (!stop.signal.aborted) {
    try {
      for await (const event of readEvents(url, stop.signal)) {
        process.stdout.write(`${values.json ? JSON.stringify(event) : describe(event, paint)}\n`);
      }
    } catch (error) {
      if (stop.signal.aborted) break;
      process.stderr.write(`stream lost (${(error as Error).message}); reconnecting…\n`);
    }
    if (!stop.signal.aborted) await new Promise((r) => setTimeout(r, 1000));
  }
}

export function describe(e: HamsterEvent, paint: Paint): string {
  const time = new Date(e.at).toTimeString().slice(0, 8);
  if (e.type === 'payment') {
    const p = e.payment;
    const extra = p.status === 'SUCCESS' ? ` ${p.approvalNo ?? ''}` : p.status === 'FAILED' ? ` ${p.failReason ?? ''}` : '';
    return `${paint('2', time)}  ${e.change.padEnd(9)} ${p.tid}  ${paint(statusColor(p.status), p.status.padEnd(9))} ${p.orderId}  ${p.amount}${extra}${p.scenario ? `  [${p.scenario}]` : ''}`;
  }
  const answer = e.responseCode === null ? (e.error ?? 'no answer') : String(e.responseCode);
  return `${paint('2', time)}  webhook   ${e.tid}  attempt ${e.attemptNo} → ${e.delivered ? paint('32', answer) : paint('31', answer)}  ${paint(statusColor(e.state), e.state)}  ${e.durationMs} ms`;
}
