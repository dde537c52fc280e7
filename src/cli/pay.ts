/**
 * `hamster-pg pay`: sends test payments at a given rate and follows each to
 * its final state and webhook (through the event stream), then sums up.
 */
import { performance } from 'node:perf_hooks';
import { ConfigError } from '../errors.js';
import { parseFlags } from './flags.js';
import type { HamsterEvent } from '../http/event-stream.js';
import type { PaymentAck } from '../profiles/seed/seed.schemas.js';
import { durationMs } from '../scenarios/scenario.js';
import { call, painter, serviceUrl, statusColor } from './common.js';
import { readEvents } from './sse.js';

export const PAY_HELP = `Usage: hamster-pg pay [options]

Sends test payments to hamster-pg, follows each one to its final state and its
webhook (through hamster-pg's event stream), and prints a summary.

Options:
  --url URL          hamster-pg (default http://127.0.0.1:8083, or HAMSTER_PG_URL)
  --count N          payments to send (default 10)
  --rate R           payments per second (default 10; 0: as fast as they are answered)
  --concurrency C    requests in flight at most (default 16)
  --amount A         amount of each payment (default 10000)
  --mid MID          echo.mid (default hamster_dummy_mid_001)
  --order-prefix P   order ids are P1, P2, … (default PAY_<time>_)
  --wait D           then wait at most D for final states and webhooks (default 30s; 0: do not wait)
  --json             print the summary as one JSON object
  -h, --help         this help

Examples:
  hamster-pg pay --count 100 --rate 20
  hamster-pg pay --count 5000 --rate 0 --concurrency 64 --wait 2m
`;

interface Tracked {
  ackAt?: number;
  status?: string;
  webhookAt?: number;
  /** Learnt from the lookup API, not the stream (another instance did the work): no latency to tell. */
  looked?: boolean;
}

const FINAL = new Set(['SUCCESS', 'FAILED', 'CANCELLED']);

export interface PaySummary {
  sent: number;
  accepted: number;
  refused: Record<string, number>;
  errors: number;
  seconds: number;
  final: Record<string, number>;
  notFinal: number;
  webhooksDelivered: number;
  /** ACK received → webhook delivered, as seen by this client, in ms. */
  latencyMs: { p50: number; p95: number; max: number } | null;
  /** The first refusal's problem: status, code and detail. */
  firstRefusal?: { status: number; code: string | null; detail: string };
}

function positiveInt(name: string, raw: string | undefined, def: number, min = 1): number {
  if (raw === undefined) return def;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) throw new ConfigError(`Invalid value for --${name}: ${JSON.stringify(raw)} — allowed: an integer of at least ${min}`);
  return n;
}

export async function pay(args: string[]): Promise<void> {
  const { values } = parseFlags({
    args,
    strict: true,
    options: {
      url: { type: 'string' },
      count: { type: 'string' },
      rate: { type: 'string' },
      concurrency: { type: 'string' },
      amount: { type: 'string' },
      mid: { type: 'string', default: 'hamster_dummy_mid_001' },
      'order-prefix': { type: 'string' },
      wait: { type: 'string', default: '30s' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(PAY_HELP);
    return;
  }
  const url = serviceUrl(values.url);
  const count = positiveInt('count', values.count, 10);
  const rate = positiveInt('rate', values.rate, 10, 0);
  const concurrency = positiveInt('concurrency', values.concurrency, 16);
  const amount = values.amount === undefined ? 10000 : Number(values.amount);
  if (!(amount > 0)) throw new ConfigError(`Invalid value for --amount: ${JSON.stringify(values.amount)} — allowed: a positive number`);
  const waitMs = durationMs(values.wait);
  if (waitMs === undefined) throw new ConfigError(`Invalid value for --wait: ${JSON.stringify(values.wait)} — allowed: a duration such as 30s or 2m`);
  const prefix = values['order-prefix'] ?? `PAY_${Date.now()}_`;

  const tracked = new Map<string, Tracked>();
  const track = (tid: string) => tracked.get(tid) ?? tracked.set(tid, {}).get(tid)!;
  const listening = new AbortController();
  let streamReady: Promise<void> = Promise.resolve();
  if (waitMs > 0) {
    // Subscribe before sending, so no event about our payments is missed.
    const events = readEvents(url, listening.signal);
    const first = events.next();
    streamReady = (async () => {
      const pump = async (next: Promise<IteratorResult<HamsterEvent>>) => {
        for (let r = await next; !r.done; r = await events.next()) {
          const e = r.value;
          if (e.type === 'payment' && e.change !== 'accepted') track(e.payment.tid).status = e.payment.status;
          if (e.type === 'webhook' && e.delivered) track(e.tid).webhookAt ??= performance.now();
        }
      };
      void pump(first).catch(() => undefined);
      // The stream's first bytes (retry:) arrive at once; give it a moment to connect.
      await new Promise((r) => setTimeout(r, 100));
    })();
  }
  await streamReady;

  const paint = painter(process.stderr.isTTY === true && !values.json);
  const progress = process.stderr.isTTY === true && !values.json;
  const summary: PaySummary = { sent: 0, accepted: 0, refused: {}, errors: 0, seconds: 0, final: {}, notFinal: 0, webhooksDelivered: 0, latencyMs: null };
  const mine = new Set<string>();
  const draw = (phase: string) => {
    if (!progress) return;
    const done = [...mine].filter((t) => tracked.get(t)?.webhookAt !== undefined).length;
    const final = [...mine].filter((t) => tracked.get(t)?.status !== undefined).length;
    const width = 24;
    const filled = Math.round((summary.sent / count) * width);
    process.stderr.write(
      `\r${phase} ▕${'█'.repeat(filled)}${'░'.repeat(width - filled)}▏ ${summary.sent}/${count} · accepted ${summary.accepted} · final ${final} · webhooks ${done}   `,
    );
  };
  const ticker = progress ? setInterval(() => draw(summary.sent < count ? 'sending' : 'waiting'), 100) : null;

  const started = performance.now();
  let next = 0;
  const worker = async () => {
    for (;;) {
      const i = next++;
      if (i >= count) return;
      if (rate > 0) {
        const due = started + (i * 1000) / rate;
        const wait = due - performance.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      }
      try {
        const res = await fetch(`${url}/api/payment`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ orderId: `${prefix}${i + 1}`, amount, echo: { mid: values.mid } }),
        });
        // A refusal answers a problem document, without a transactionId.
        const body = (await res.json()) as Partial<PaymentAck> & { code?: string; detail?: string };
        if (res.status === 202 && body.transactionId) {
          summary.accepted++;
          mine.add(body.transactionId);
          track(body.transactionId).ackAt = performance.now();
        } else {
          summary.refused[res.status] = (summary.refused[res.status] ?? 0) + 1;
          summary.firstRefusal ??= { status: res.status, code: body.code ?? null, detail: body.detail ?? `HTTP ${res.status}` };
        }
      } catch {
        summary.errors++;
      } finally {
        summary.sent++;
      }
    }
  };
  // Fail early and clearly when nothing answers.
  await call(`${url}/health`);
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  summary.seconds = (performance.now() - started) / 1000;

  const deadline = performance.now() + waitMs;
  const complete = (t: string) => tracked.get(t)?.webhookAt !== undefined && tracked.get(t)?.status !== undefined;
  let lookedAt = performance.now();
  while (waitMs > 0 && performance.now() < deadline) {
    if ([...mine].every(complete)) break;
    await new Promise((r) => setTimeout(r, 50));
    // The stream tells only what the instance called did; with several
    // instances on one database another may have done the work: ask.
    if (performance.now() - lookedAt > 1000) {
      await lookUp(url, [...mine].filter((t) => !complete(t)).slice(0, 200), tracked);
      lookedAt = performance.now();
    }
  }
  if (waitMs > 0) await lookUp(url, [...mine].filter((t) => !complete(t)), tracked);
  listening.abort();
  if (ticker) clearInterval(ticker);
  if (progress) {
    draw('done   ');
    process.stderr.write('\n');
  }

  const latencies: number[] = [];
  for (const tid of mine) {
    const t = tracked.get(tid)!;
    if (t.status) summary.final[t.status] = (summary.final[t.status] ?? 0) + 1;
    else summary.notFinal++;
    if (t.webhookAt !== undefined) {
      summary.webhooksDelivered++;
      if (t.ackAt !== undefined && !t.looked) latencies.push(Math.max(0, t.webhookAt - t.ackAt));
    }
  }
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => Math.round(latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))]!);
  if (latencies.length > 0) summary.latencyMs = { p50: pct(50), p95: pct(95), max: Math.round(latencies.at(-1)!) };

  // Refused or failed requests are a failed run, for scripts and CI.
  if (summary.accepted < summary.sent) process.exitCode = 1;
  if (values.json) {
    process.stdout.write(`${JSON.stringify(summary)}\n`);
    return;
  }
  const refused = Object.entries(summary.refused).map(([code, n]) => `${code}×${n}`).join(' ') || '0';
  const finals = Object.entries(summary.final)
    .map(([s, n]) => `${paint(statusColor(s), s)} ${n}`)
    .join(' · ');
  const out = painter(process.stdout.isTTY === true);
  process.stdout.write(
    [
      `Sent ${summary.sent} payments in ${summary.seconds.toFixed(1)} s (${(summary.sent / Math.max(summary.seconds, 0.001)).toFixed(1)}/s) to ${url}`,
      `  accepted ${summary.accepted} · refused ${refused} · errors ${summary.errors}`,
      summary.firstRefusal
        ? `  refused: ${summary.firstRefusal.status}${summary.firstRefusal.code ? ` ${summary.firstRefusal.code}` : ''} — ${summary.firstRefusal.detail}`
        : null,
      waitMs > 0 ? `  final    ${finals || '—'}${summary.notFinal ? ` · ${out('33', `not final ${summary.notFinal}`)}` : ''}` : '  (not waiting for outcomes: --wait 0)',
      waitMs > 0 ? `  webhooks delivered ${summary.webhooksDelivered} of ${summary.accepted}` : null,
      summary.latencyMs ? `  ACK → webhook  p50 ${summary.latencyMs.p50} ms · p95 ${summary.latencyMs.p95} ms · max ${summary.latencyMs.max} ms` : null,
    ]
      .filter((l) => l !== null)
      .join('\n') + '\n',
  );
}

/** Asks the lookup API about payments the event stream said nothing (enough) about; a few at a time. */
async function lookUp(url: string, tids: readonly string[], tracked: Map<string, Tracked>): Promise<void> {
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < tids.length; i = next++) {
      const tid = tids[i]!;
      try {
        const res = await fetch(`${url}/api/payment/transaction/${encodeURIComponent(tid)}`);
        if (!res.ok) continue;
        const view = (await res.json()) as { status?: string; webhookSentAt?: string | null };
        const t = tracked.get(tid) ?? {};
        if (t.status === undefined && view.status && FINAL.has(view.status)) t.status = view.status;
        if (t.webhookAt === undefined && view.webhookSentAt) {
          t.webhookAt = performance.now();
          t.looked = true;
        }
        tracked.set(tid, t);
      } catch {
        // Not answering now; the next look, or the summary, says so.
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(8, tids.length) }, worker));
}
