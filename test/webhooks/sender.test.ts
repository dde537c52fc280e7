/**
 * The webhook sender against real HTTP receivers on loopback: what it keeps
 * of an answer, its one deadline, the errors it names, and connection reuse.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { RESPONSE_EXCERPT, createSender, type Sender } from '../../src/webhooks/sender.js';

const servers: Server[] = [];
const senders: Sender[] = [];
afterEach(async () => {
  for (const s of senders.splice(0)) await s.close();
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
});

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
  socket: Socket;
}

async function receiver(answer: (seen: Seen, res: ServerResponse) => void): Promise<{ url: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const s = { method: req.method!, url: req.url!, headers: req.headers, body: Buffer.concat(chunks).toString(), socket: req.socket };
      seen.push(s);
      answer(s, res);
    });
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

function sender(timeoutMs = 2000): Sender {
  const s = createSender({ timeoutMs, connections: 4 });
  senders.push(s);
  return s;
}

describe('webhook sender', () => {
  it('posts the body with its headers to the path and query, and keeps the status and the answer', async () => {
    const r = await receiver((_, res) => res.writeHead(201, { 'content-type': 'text/plain' }).end('thanks'));
    const result = await sender().send(`${r.url}/hooks/pay?x=1`, '{"a":1}', { 'webhook-id': 'msg_1' });
    expect(result).toMatchObject({ responseCode: 201, responseBody: 'thanks', error: null, retryAfterMs: null });
    expect(result.durationMs).toBeGreaterThanOrEqual(0);
    const [s] = r.seen;
    expect(s).toMatchObject({ method: 'POST', url: '/hooks/pay?x=1', body: '{"a":1}' });
    expect(s!.headers).toMatchObject({ 'content-type': 'application/json', 'webhook-id': 'msg_1' });
    expect(s!.headers['user-agent']).toMatch(/^hamster-pg/);
  });

  it('reads Retry-After, whatever its case, and answers without a body as null', async () => {
    const r = await receiver((_, res) => res.writeHead(503, { 'RETRY-AFTER': '7' }).end());
    const result = await sender().send(r.url, '{}');
    expect(result).toMatchObject({ responseCode: 503, retryAfterMs: 7000, responseBody: null, error: null });
  });

  it('keeps a binary answer as text a database can store: NUL bytes become U+FFFD', async () => {
    const r = await receiver((_, res) => res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(Buffer.from([0x4f, 0x00, 0x4b, 0x00])));
    const sent = await sender().send(r.url, '{}');
    expect(sent.responseCode).toBe(200);
    expect(sent.responseBody).toBe('O\uFFFDK\uFFFD');
  });

  it('keeps only the first bytes of a long answer, and drops a connection whose answer never ends', async () => {
    const r = await receiver((_, res) => {
      res.writeHead(200);
      const block = 'x'.repeat(16 * 1024);
      // 1 MiB, far past what is drained: the sender hangs up rather than read it all.
      for (let i = 0; i < 64; i++) res.write(block);
      res.end();
    });
    const result = await sender().send(r.url, '{}');
    expect(result.responseCode).toBe(200);
    expect(result.error).toBeNull();
    expect(result.responseBody).toHaveLength(RESPONSE_EXCERPT);
  });

  it('gives a receiver that never answers one deadline, and says it was a timeout', async () => {
    const r = await receiver(() => undefined); // holds the request open
    const started = Date.now();
    const result = await sender(300).send(r.url, '{}');
    expect(result).toMatchObject({ responseCode: null, responseBody: null, error: 'timeout: no complete answer within 300 ms' });
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('times out a receiver that sends headers and then stalls in the body', async () => {
    const r = await receiver((_, res) => {
      res.writeHead(200);
      res.write('partial');
    });
    const result = await sender(300).send(r.url, '{}');
    expect(result).toMatchObject({ responseCode: null, error: 'timeout: no complete answer within 300 ms' });
  });

  it('names a refused connection and a URL it cannot send to', async () => {
    const r = await receiver((_, res) => res.end());
    const port = new URL(r.url).port;
    const server = servers.pop()!;
    await new Promise((done) => server.close(done));
    expect((await sender().send(`http://127.0.0.1:${port}/`, '{}')).error).toBe('connection refused (ECONNREFUSED)');
    expect((await sender().send('ftp://127.0.0.1/x', '{}')).error).toMatch(/not an http\(s\) URL/);
    expect((await sender().send('not a url', '{}')).error).toMatch(/invalid url/i);
  });

  it('does not follow a redirect: a 3xx is an answer', async () => {
    const r = await receiver((s, res) => (s.url === '/moved' ? res.writeHead(302, { location: '/there' }).end() : res.end('there')));
    expect(await sender().send(`${r.url}/moved`, '{}')).toMatchObject({ responseCode: 302, error: null });
    expect(r.seen.map((s) => s.url)).toEqual(['/moved']);
  });

  it('reuses kept-alive connections rather than open one per webhook', async () => {
    const r = await receiver((_, res) => res.end('ok'));
    const s = sender();
    for (let i = 0; i < 6; i++) expect((await s.send(r.url, `{"n":${i}}`)).responseCode).toBe(200);
    // Sent back to back, the next request can start before undici has put the
    // last connection back in its pool, so two connections may take turns.
    expect(new Set(r.seen.map((x) => x.socket)).size).toBeLessThanOrEqual(2);
    for (let i = 6; i < 9; i++) {
      await new Promise((done) => setImmediate(done));
      expect((await s.send(r.url, `{"n":${i}}`)).responseCode).toBe(200);
    }
    expect(new Set(r.seen.slice(6).map((x) => x.socket)).size).toBe(1);
    expect(r.seen.map((x) => x.body)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8].map((i) => `{"n":${i}}`));
  });
});
