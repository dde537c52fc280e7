/**
 * The built-in webhook receiver of startHamsterPg: when no webhookUrl is
 * given, webhooks (the default merchant's, and the PortOne store's unless
 * portone.webhook.url says otherwise) come here. It answers 200 to every
 * request and keeps what it got, for pg.webhooks().
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the built-in receiver got. */
export interface ReceivedWebhook {
  /** The engine tid of the payment it is about (a billing key for a store event); null if not known yet. */
  tid: string | null;
  method: string;
  /** The request path, e.g. /webhooks. */
  path: string;
  /** As received, names in lower case (webhook-id, webhook-signature, … when signed). */
  headers: IncomingHttpHeaders;
  /** The body, byte for byte (what a signature covers). */
  body: string;
  /** The body parsed as JSON; undefined if it is not JSON. */
  json: unknown;
  receivedAt: Date;
}

export interface Receiver {
  readonly url: string;
  received(): ReceivedWebhook[];
  clear(): void;
  close(): Promise<void>;
}

/** `tidOf(body)`: the tid of the webhook with these exact bytes, if hamster-pg knows it. */
export async function startReceiver(tidOf: (body: string) => string | null): Promise<Receiver> {
  let records: ReceivedWebhook[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      let json: unknown;
      try {
        json = JSON.parse(body);
      } catch {
        json = undefined;
      }
      records.push({ tid: null, method: req.method ?? 'POST', path: req.url ?? '/', headers: { ...req.headers }, body, json, receivedAt: new Date() });
      res.writeHead(200, { 'content-type': 'text/plain' }).end('OK');
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/webhooks`,
    received: () =>
      records.map((r) => {
        // Named once the dispatcher has recorded the attempt (just after the answer).
        r.tid ??= tidOf(r.body);
        return { ...r, headers: { ...r.headers }, receivedAt: new Date(r.receivedAt) };
      }),
    clear: () => {
      records = [];
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
