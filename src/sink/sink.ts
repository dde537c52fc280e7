/**
 * `hamster-pg sink`: a stand-in Cash Gateway. It answers 200 to webhooks
 * POSTed to its path (the seed's /api/webhook/pg/DUMMY) and prints each one
 * readably, so the seed's walk-through works without the real Cash Gateway.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SinkOptions {
  port: number;
  address: string;
  path: string;
  /** One JSON line per webhook instead of the readable form. */
  json: boolean;
  color: boolean;
  print: (text: string) => void;
}

export interface ReceivedWebhook {
  receivedAt: Date;
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  parsed: unknown;
}

export interface Sink {
  url: string;
  server: Server;
  close(): Promise<void>;
}

const MAX_BODY = 1024 * 1024;

export async function startSink(o: SinkOptions): Promise<Sink> {
  const paint = (code: string, text: string) => (o.color ? `\x1b[${code}m${text}\x1b[0m` : text);
  const server = createServer((req, res) => {
    void readBody(req).then((body) => {
      const path = (req.url ?? '/').split('?')[0]!;
      const matches = path === o.path;
      const status = req.method !== 'POST' ? 405 : matches ? 200 : 404;
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(status === 200 ? { status: 'OK' } : { status: 'IGNORED', reason: `sink listens on POST ${o.path}` }));
      let parsed: unknown = null;
      try {
        parsed = body === '' ? null : JSON.parse(body);
      } catch {
        parsed = null;
      }
      const received: ReceivedWebhook = { receivedAt: new Date(), method: req.method ?? '?', path, headers: req.headers, body, parsed };
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
  const head = `${paint('2', time)}  ${w.method} ${w.path}  → ${status}`;
  if (status !== 200) {
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
  const signature = w.headers['webhook-signature'];
  if (signature !== undefined) lines.push(`  ${paint('2', `webhook-id ${String(w.headers['webhook-id'])}  signature ${String(signature)}`)}`);
  const body = w.parsed === null ? w.body : JSON.stringify(w.parsed, null, 2);
  lines.push(...body.split('\n').map((line) => `  ${line}`));
  return lines.join('\n');
}
