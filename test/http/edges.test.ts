/**
 * The HTTP edges, over a real port: Host and Expect, wrong methods, and
 * the errors Node's HTTP server raises — each answered with a problem, and a refused payment stores
 * nothing. Where fetch would normalize the request (Host, Expect, framing),
 * the test writes it on a raw socket.
 */
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../setup/app.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ 'payment.process.success-rate': 100 });
});
afterAll(async () => {
  await t.close();
});

interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
}

interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Writes `head` (and then `body`, if any) on a new connection; resolves with the answer once the server closes it. */
function raw(head: string, body: Buffer | string = '', options: { keepOpen?: boolean } = {}): Promise<RawAnswer & { socket: Socket }> {
  return new Promise((resolve, reject) => {
    const { port } = new URL(t.url);
    const chunks: Buffer[] = [];
    const socket = connect(Number(port), '127.0.0.1', () => {
      socket.write(head.replace(/\n/g, '\r\n'));
      if (body.length > 0) socket.write(body);
      if (!options.keepOpen) socket.end();
    });
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', reject);
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const [top = '', ...rest] = text.split('\r\n\r\n');
      const [statusLine = '', ...lines] = top.split('\r\n');
      const headers: Record<string, string> = {};
      for (const line of lines) {
        const i = line.indexOf(':');
        headers[line.slice(0, i).toLowerCase()] = line.slice(i + 1).trim();
      }
      resolve({ status: Number(statusLine.split(' ')[1]), headers, body: rest.join('\r\n\r\n'), socket });
    });
  });
}

/** The answer is an RFC 9457 problem with this status and code. */
async function expectProblem(res: Response | RawAnswer, status: number, code: string): Promise<Problem> {
  const contentType = res instanceof Response ? res.headers.get('content-type') : res.headers['content-type'];
  const body = JSON.parse(res instanceof Response ? await res.text() : res.body) as Problem;
  expect({ status: res.status, contentType, code: body.code }).toEqual({ status, contentType: expect.stringMatching(/^application\/problem\+json/), code });
  expect(body.status).toBe(status);
  expect(body.type).toBe(`/problems/${code.toLowerCase().replace(/_/g, '-')}`);
  expect(body.title.length).toBeGreaterThan(0);
  expect(body.detail.length).toBeGreaterThan(0);
  return body;
}

const payment = (orderId: string, echo: unknown = { note: '안녕 hamster' }) => JSON.stringify({ orderId, amount: 1000, echo });

/** Runs `refuse` and checks that no payment was stored by it. */
async function storesNothing<T>(refuse: () => Promise<T>): Promise<T> {
  const before = await t.count('payment_processes');
  const result = await refuse();
  expect(await t.count('payment_processes')).toBe(before);
  return result;
}

describe('Host and Expect', () => {
  const body = payment('RAW');
  const post = (headers: string) =>
    `POST /api/payment HTTP/1.1\n${headers}Content-Type: application/json\nContent-Length: ${Buffer.byteLength(body)}\n\n`;

  it('an HTTP/1.1 request without Host is 400 MISSING_HOST (a problem, not an empty answer)', async () => {
    const answer = await storesNothing(() => raw(post(''), body));
    await expectProblem(answer, 400, 'MISSING_HOST');
    expect(answer.headers.connection).toBe('close');
  });

  it('an HTTP/1.0 request may leave Host out', async () => {
    const answer = await raw('GET /health HTTP/1.0\n\n');
    expect(answer.status).toBe(200);
  });

  it('two Host headers are 400 DUPLICATE_HOST, in any case', async () => {
    await expectProblem(await storesNothing(() => raw(post('Host: a.example\nhost: b.example\n'), body)), 400, 'DUPLICATE_HOST');
    await expectProblem(await raw('GET /health HTTP/1.1\nHOST: a\nHost: a\n\n'), 400, 'DUPLICATE_HOST');
  });

  it('an Expect other than 100-continue is 417 EXPECTATION_FAILED (a problem, not an empty answer)', async () => {
    const answer = await storesNothing(() => raw(post('Host: x\nExpect: something-else\n'), body));
    expect((await expectProblem(answer, 417, 'EXPECTATION_FAILED')).detail).toContain('something-else');
  });

  it('Expect: 100-continue still works', async () => {
    const answer = await raw(post('Host: x\nExpect: 100-continue\nConnection: close\n'), body);
    expect(answer.status).toBe(100);
    expect(answer.body).toMatch(/^HTTP\/1\.1 202 /);
  });
});

describe('methods', () => {
  it.each([
    ['GET', '/api/payment', 'POST'],
    ['DELETE', '/api/payment', 'POST'],
    ['POST', '/health', 'GET, HEAD'],
    ['POST', '/api/payment/list', 'GET, HEAD'],
    ['PUT', '/api/payment/transaction/DUMMY_1', 'GET, HEAD'],
    ['GET', '/api/payment/DUMMY_1/cancel', 'POST'],
  ])('%s %s is 405 METHOD_NOT_ALLOWED with Allow: %s', async (method, path, allow) => {
    const res = await fetch(`${t.url}${path}?x=1`, { method });
    const problem = await expectProblem(res, 405, 'METHOD_NOT_ALLOWED');
    expect(res.headers.get('allow')).toBe(allow);
    expect(problem.detail).toContain(method);
  });

  it('HEAD is refused like GET, with the same Allow', async () => {
    const head = await fetch(`${t.url}/api/payment`, { method: 'HEAD' });
    expect(head.status).toBe(405);
    expect(head.headers.get('allow')).toBe('POST');
    expect((await fetch(`${t.url}/health`, { method: 'HEAD' })).status).toBe(200);
  });

  it('a payment sent with the wrong method is not stored', async () => {
    const res = await storesNothing(() =>
      fetch(`${t.url}/api/payment`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: payment('PUT') }),
    );
    await expectProblem(res, 405, 'METHOD_NOT_ALLOWED');
  });

  it('an unknown path stays 404 NOT_FOUND, without Allow', async () => {
    for (const method of ['GET', 'POST']) {
      const res = await fetch(`${t.url}/api/nothing-here`, { method });
      await expectProblem(res, 404, 'NOT_FOUND');
      expect(res.headers.get('allow')).toBeNull();
    }
  });
});

describe("errors Node's HTTP server raises", () => {
  it('chunk extensions over the limit are 413 PAYLOAD_TOO_LARGE', async () => {
    const answer = await storesNothing(() =>
      raw(`POST /api/payment HTTP/1.1\nHost: x\nContent-Type: application/json\nTransfer-Encoding: chunked\n\n2;ext=${'a'.repeat(20_000)}\r\n{}\r\n0\r\n\r\n`),
    );
    await expectProblem(answer, 413, 'PAYLOAD_TOO_LARGE');
  });

  it('bad framing is 400 BAD_REQUEST', async () => {
    await expectProblem(await raw('POST /api/payment HTTP/1.1\nHost: x\nContent-Length: 1\nContent-Length: 2\n\n{}'), 400, 'BAD_REQUEST');
    await expectProblem(await raw('GET /health HTTP/1.1\nHost: x\nBad Header: y\n\n'), 400, 'BAD_REQUEST');
  });

  it('a request that does not arrive in time is 408 REQUEST_TIMEOUT', async () => {
    // Node raises ERR_HTTP_REQUEST_TIMEOUT after headersTimeout (a minute); the test raises it at once.
    const server = t.app.http.server;
    const accepted = new Promise<Socket>((resolve) => server.once('connection', resolve));
    const pending = raw('GET /health HTTP/1.1\nHost: x\n', '', { keepOpen: true });
    const socket = await accepted;
    await new Promise((r) => setTimeout(r, 20));
    server.emit('clientError', Object.assign(new Error('Request timeout'), { code: 'ERR_HTTP_REQUEST_TIMEOUT' }), socket);
    await expectProblem(await pending, 408, 'REQUEST_TIMEOUT');
  });
});
