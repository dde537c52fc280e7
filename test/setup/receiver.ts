/**
 * A real webhook receiver on a real port: records every request and answers
 * as told (status code, delay, or a hang), so tests see exactly what a Cash
 * Gateway would.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  json: unknown;
  at: number;
}

export interface Answer {
  status?: number;
  body?: string;
  delayMs?: number;
  headers?: Record<string, string>;
}

export interface Receiver {
  url: string;
  /** Base URL without the webhook path. */
  origin: string;
  requests: ReceivedRequest[];
  /** How the next requests are answered (default 200). */
  answer: (request: ReceivedRequest) => Answer;
  waitFor(count: number, timeoutMs?: number): Promise<ReceivedRequest[]>;
  close(): Promise<void>;
}

export const WEBHOOK_PATH = '/api/webhook/pg/DUMMY';

export async function startReceiver(): Promise<Receiver> {
  const requests: ReceivedRequest[] = [];
  const waiters: Array<() => void> = [];
  const receiver: Receiver = {
    url: '',
    origin: '',
    requests,
    answer: () => ({ status: 200, body: '{"ok":true}' }),
    waitFor(count, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        let done = false;
        const check = () => {
          if (done) return true;
          if (requests.length >= count) {
            done = true;
            clearTimeout(timer);
            resolve(requests.slice());
            return true;
          }
          return false;
        };
        const timer = setTimeout(
          () => reject(new Error(`receiver got ${requests.length} of ${count} expected requests in ${timeoutMs} ms`)),
          timeoutMs,
        );
        const wait = () => {
          if (!check()) waiters.push(wait);
        };
        wait();
      });
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      let json: unknown = undefined;
      try {
        json = JSON.parse(body);
      } catch {
        json = undefined;
      }
      const received: ReceivedRequest = {
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body,
        json,
        at: Date.now(),
      };
      const answer = receiver.answer(received);
      const reply = () => {
        requests.push(received);
        for (const w of waiters.splice(0)) w();
        res.writeHead(answer.status ?? 200, { 'content-type': 'application/json', ...answer.headers });
        res.end(answer.body ?? '');
      };
      if (answer.delayMs) setTimeout(reply, answer.delayMs);
      else reply();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  receiver.origin = `http://127.0.0.1:${port}`;
  receiver.url = `${receiver.origin}${WEBHOOK_PATH}`;
  return receiver;
}
