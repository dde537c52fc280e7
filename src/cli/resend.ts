/** `hamster-pg resend --state DEAD|HELD [filters]`: requeues the webhook deliveries that match, from the terminal. */
import { ConfigError } from '../errors.js';
import { call, problemText, serviceUrl } from './common.js';
import { parseFlags } from './flags.js';

export const RESEND_HELP = `Usage: hamster-pg resend --state DEAD|HELD [options]

Requeues the webhook deliveries in that state that match the filters: they go
back to PENDING, due now, and the dispatcher sends them again (the same
webhook-id and bytes). A DEAD delivery gets one more attempt; a HELD one starts
its retry schedule. At most 1000 per call: run it again while some remain.
The dashboard's webhook inspector (#/webhooks) shows what went out.

Options:
  --state STATE  DEAD or HELD (required)
  --tid TID      only this payment's (or store event subject's) deliveries
  --mid MID      only this merchant's
  --to URL       only those sent to exactly this receiver URL
  --url URL      hamster-pg (default http://127.0.0.1:8083, or HAMSTER_PG_URL)
  --json         print hamster-pg's answer as JSON
  -h, --help     this help

Examples:
  hamster-pg resend --state DEAD
  hamster-pg resend --state HELD --mid hamster_dummy_mid_001
`;

const STATES = ['DEAD', 'HELD'];

export async function resend(args: string[]): Promise<void> {
  const { values, positionals } = parseFlags({
    args,
    strict: true,
    allowPositionals: true,
    options: {
      state: { type: 'string' },
      tid: { type: 'string' },
      mid: { type: 'string' },
      to: { type: 'string' },
      url: { type: 'string' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(RESEND_HELP);
    return;
  }
  if (positionals.length > 0) throw new ConfigError(`resend takes no arguments, only options\n\n${RESEND_HELP}`);
  const state = values.state?.toUpperCase();
  if (state === undefined || !STATES.includes(state)) {
    throw new ConfigError(`Invalid value for --state: ${JSON.stringify(values.state ?? '')} — allowed: DEAD, HELD`);
  }
  const query = new URLSearchParams({ state });
  if (values.tid) query.set('tid', values.tid);
  if (values.mid) query.set('mid', values.mid);
  if (values.to) query.set('url', values.to);
  const res = await call(`${serviceUrl(values.url)}/api/webhooks/resend?${query}`, { method: 'POST' });
  if (!res.ok) {
    process.stderr.write(`hamster-pg: ${await problemText(res)}\n`);
    process.exitCode = 1;
    return;
  }
  const answer = (await res.json()) as { requeued: number; remaining: number; limit: number };
  if (values.json) {
    process.stdout.write(`${JSON.stringify(answer)}\n`);
    return;
  }
  const more = answer.remaining > 0 ? `; ${answer.remaining} more ${state} match — run it again` : '';
  process.stdout.write(`requeued ${answer.requeued} ${state} deliver${answer.requeued === 1 ? 'y' : 'ies'}${more}\n`);
}
