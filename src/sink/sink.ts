/**
 * `hamster-pg sink`: a stand-in Cash Gateway. It answers 200 to webhooks
 * POSTed to its path (the seed's /api/webhook/pg/DUMMY) and prints each one
 * readably, so the seed's walk-through works without the real Cash Gateway.
 * It can also play an unreliable one: answer another status, fail a share of
 * the webhooks, or answer late — to watch hamster-pg's retries.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

export interface SinkOptions {
  port: number;
  address: string;
  path: string;
  /** One JSON line per webhook instead of the readable form. */
  json: boolean;
  /** Standard Webhooks secrets (`whsec_…`) to verify signatures with; none: no check. */
  secrets?: readonly string[];
  color: boolean;
  print: (text: string) => void;
  /** Answer this status to every webhook instead of 200. */
  status?: number;
  /** Percent of webhooks answered 500 instead (0-100). */
  failRate?: number;
  /** Answer this many milliseconds late. */
  delayMs?: number;
  random?: () => number;
}

export interface ReceivedWebhook {
  receivedAt: Date;
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  parsed: unknown;
  /** Signature check, when the sink was given secrets. */
  signature?: { valid: boolean; detail: string };
}

export interface Sink {
  url: string;
  server: Server;
  close(): Promise<void>;
}

const MAX_BODY = 1024 * 1024;

export async function startSink(o: SinkOptions): Promise<Sink> {
  const paint = (code: string, text: string) => (o.color ? `\x1b[${code}m${text}\x1b[0m` : text);
  // Verified with the standardwebhooks package, independently of hamster-pg's own signer.
  const verifiers = (o.secrets ?? []).map((secret) => new Webhook(secret));
  const server = createServer((req, res) => {
    void readBody(req).then((body) => {
      const path = (req.url ?? '/').split('?')[0]!;
      const matches = path === o.path;
      const webhook = req.method === 'POST' && matches;
      const status = !webhook ? (req.method !== 'POST' ? 405 : 404) : answerFor(o);
      const answer = () => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify(
            !webhook ? { status: 'IGNORED', reason: `sink listens on POST ${o.path}` } : status < 300 ? { status: 'OK' } : { status: 'FAIL' },
          ),
        );
      };
      if (webhook && o.delayMs) setTimeout(answer, o.delayMs);
      else answer();
      let parsed: unknown = null;
      try {
        parsed = body === '' ? null : JSON.parse(body);
      } catch {
        parsed = null;
      }
      const received: ReceivedWebhook = { receivedAt: new Date(), method: req.method ?? '?', path, headers: req.headers, body, parsed };
      if (verifiers.length > 0 && webhook) received.signature = verify(verifiers, body, req.headers);
      o.print(o.json ? JSON.stringify({ ...received, answered: status }) : describe(received, status, o.path, paint));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.address, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${o.address.includes(':') ? `[${o.address}]` : o.address}:${port}${o.path}`,
    server,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The status a webhook gets: --status, else 500 for --fail-rate percent of them, else 200. */
function answerFor(o: SinkOptions): number {
  if (o.failRate && (o.random ?? Math.random)() * 100 < o.failRate) return 500;
  return o.status ?? 200;
}

/** Valid when any of the secrets verifies it (several secrets: a key rotation). */
export function verify(
  verifiers: readonly Webhook[],
  body: string,
  headers: Record<string, string | string[] | undefined>,
): { valid: boolean; detail: string } {
  const flat: Record<string, string> = {};
  for (const name of ['webhook-id', 'webhook-timestamp', 'webhook-signature']) {
    const v = headers[name];
    if (typeof v === 'string') flat[name] = v;
  }
  let last = 'no signature headers';
  for (const [i, verifier] of verifiers.entries()) {
    try {
      verifier.verify(body, flat, { jsonParse: false });
      return { valid: true, detail: verifiers.length > 1 ? `valid (secret ${i + 1})` : 'valid' };
    } catch (error) {
      last = (error as Error).message;
    }
  }
  return { valid: false, detail: `INVALID: ${last}` };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY) chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
}

type Paint = (code: string, text: string) => string;

function describe(w: ReceivedWebhook, status: number, expectedPath: string, paint: Paint): string {
  const time = w.receivedAt.toTimeString().slice(0, 8);
  const head = `${paint('2', time)}  ${w.method} ${w.path}  → ${status >= 300 ? paint('31', String(status)) : status}`;
  if (w.method !== 'POST' || w.path !== expectedPath) {
    return `${head}  ${paint('33', `(not a webhook: the sink listens on POST ${expectedPath})`)}`;
  }
  const b = (w.parsed ?? {}) as Record<string, unknown>;
  const statusText = String(b.status ?? '?');
  const colored = statusText === 'SUCCESS' ? paint('32;1', statusText) : paint('31;1', statusText);
  const facts = [
    b.transactionId !== undefined ? `tid ${String(b.transactionId)}` : null,
    b.amount !== undefined ? `amount ${String(b.amount)}` : null,
    b.approvalNo !== undefined ? `approvalNo ${String(b.approvalNo)}` : null,
    b.code !== undefined ? `code ${String(b.code)}` : null,
  ].filter((x) => x !== null);
  const lines = [`${head}  ${colored}  ${facts.join('  ')}`];
  if (w.signature) {
    const mark = w.signature.valid ? paint('32', `✓ signature ${w.signature.detail}`) : paint('31;1', `✗ signature ${w.signature.detail}`);
    lines.push(`  ${mark}  ${paint('2', `webhook-id ${String(w.headers['webhook-id'] ?? '-')}`)}`);
  } else if (w.headers['webhook-signature'] !== undefined) {
    lines.push(`  ${paint('2', `webhook-id ${String(w.headers['webhook-id'])}  (signed; pass --secret to verify)`)}`);
  }
  const body = w.parsed === null ? w.body : JSON.stringify(w.parsed, null, 2);
  lines.push(...body.split('\n').map((line) => `  ${line}`));
  return lines.join('\n');
}
