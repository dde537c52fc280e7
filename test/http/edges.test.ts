/**
 * The HTTP edges, over a real port: encoded and non-UTF-8 bodies, lone
 * surrogates, Host and Expect, wrong methods, and the errors Node's HTTP
 * server raises — each answered with a problem, and a refused payment stores
 * nothing. Where fetch would normalize the request (Host, Expect, framing),
 * the test writes it on a raw socket.
 */
import { connect, type Socket } from 'node:net';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
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

function postBytes(body: Buffer | string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${t.url}/api/payment`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
}

/** Runs `refuse` and checks that no payment was stored by it. */
async function storesNothing<T>(refuse: () => Promise<T>): Promise<T> {
  const before = await t.count('payment_processes');
  const result = await refuse();
  expect(await t.count('payment_processes')).toBe(before);
  return result;
}

describe('Content-Encoding', () => {
  it.each([
    ['gzip', gzipSync],
    ['x-gzip', gzipSync],
    ['deflate', deflateSync],
    ['br', brotliCompressSync],
    ['identity', (b: Buffer) => b],
  ])('a %s body is decoded and taken like a plain one', async (coding, encode) => {
    const before = await t.count('payment_processes');
    const res = await postBytes(encode(Buffer.from(payment(`ENC_${coding}`))), { 'content-encoding': coding });
    expect(res.status).toBe(202);
    expect(await res.json()).toMatchObject({ echo: { note: '안녕 hamster' } });
    expect(await t.count('payment_processes')).toBe(before + 1);
  });

  it('an unknown coding, or more than one, is 415 with Accept-Encoding naming the ones taken', async () => {
    for (const coding of ['compress', 'zstd', 'gzip, br']) {
      const res = await storesNothing(() => postBytes(payment('ENC_UNKNOWN'), { 'content-encoding': coding }));
      await expectProblem(res, 415, 'UNSUPPORTED_MEDIA_TYPE');
      expect(res.headers.get('accept-encoding')).toBe('gzip, deflate, br');
    }
  });

  it('a body that is not valid data of its coding is 400 INVALID_CONTENT_ENCODING', async () => {
    const truncated = gzipSync(Buffer.from(payment('ENC_BROKEN'))).subarray(0, 20);
    const res = await storesNothing(() => postBytes(truncated, { 'content-encoding': 'gzip' }));
    expect((await expectProblem(res, 400, 'INVALID_CONTENT_ENCODING')).detail).toMatch(/not valid gzip data/);
    const notGzip = await storesNothing(() => postBytes(payment('ENC_PLAIN'), { 'content-encoding': 'gzip' }));
    await expectProblem(notGzip, 400, 'INVALID_CONTENT_ENCODING');
  });

  it('a compressed body without Content-Encoding is refused with a hint, not binary garbage in the detail', async () => {
    const res = await storesNothing(() => postBytes(gzipSync(Buffer.from(payment('ENC_UNLABELED')))));
    const problem = await expectProblem(res, 400, 'INVALID_UTF8');
    expect(problem.detail).toMatch(/Content-Encoding: gzip/);
    expect([...problem.detail].filter((c) => c < ' ' || c === '\ufffd')).toEqual([]);
  });

  it('the 1 MiB limit counts the decoded body: a small body inflating past it is 413', async () => {
    const bomb = gzipSync(Buffer.alloc(32 * 1024 * 1024, 0x20));
    expect(bomb.length).toBeLessThan(64 * 1024);
    const res = await storesNothing(() => postBytes(bomb, { 'content-encoding': 'gzip' }));
    await expectProblem(res, 413, 'PAYLOAD_TOO_LARGE');
    // Under the limit once decoded, it is taken (unknown fields are ignored).
    const big = JSON.stringify({ orderId: 'ENC_BIG', amount: 1, pad: 'x'.repeat(1024 * 1024 - 100) });
    expect((await postBytes(gzipSync(Buffer.from(big)), { 'content-encoding': 'gzip' })).status).toBe(202);
  });

  it('a zip bomb is cut off at the limit: the 413 comes before the rest of the body is even sent', async () => {
    // 16 gzip members of 64 MiB of spaces each (1 GiB decoded), of which only the first is written.
    const member = gzipSync(Buffer.alloc(64 * 1024 * 1024, 0x20));
    const answer = await storesNothing(() =>
      raw(
        `POST /api/payment HTTP/1.1\nHost: x\nContent-Type: application/json\nContent-Encoding: gzip\nContent-Length: ${member.length * 16}\n\n`,
        member,
        { keepOpen: true },
      ),
    );
    await expectProblem(answer, 413, 'PAYLOAD_TOO_LARGE');
    answer.socket.destroy();
  });
});

describe('UTF-8 only', () => {
  // 안녕 in EUC-KR.
  const eucKr = Buffer.concat([Buffer.from('{"orderId":"EUC_KR","amount":1,"echo":{"note":"'), Buffer.from([0xbe, 0xc8, 0xb3, 0xe7]), Buffer.from('"}}')]);

  it('a charset other than UTF-8 is 415, however the body reads', async () => {
    for (const charset of ['euc-kr', 'ISO-8859-1', '"utf-16"']) {
      const res = await storesNothing(() => postBytes(eucKr, { 'content-type': `application/json; charset=${charset}` }));
      expect((await expectProblem(res, 415, 'UNSUPPORTED_MEDIA_TYPE')).detail).toContain(`charset=${charset.replace(/"/g, '')}`);
    }
  });

  it('charset=utf-8 in any spelling is taken', async () => {
    for (const charset of ['utf-8', 'UTF-8', '"utf-8"', 'utf8']) {
      const res = await postBytes(payment(`UTF8_${charset}`), { 'content-type': `application/json;charset=${charset}` });
      expect(res.status).toBe(202);
    }
  });

  it('bytes that are not UTF-8 are 400 INVALID_UTF8 naming where, not stored with U+FFFD', async () => {
    const res = await storesNothing(() => postBytes(eucKr));
    expect((await expectProblem(res, 400, 'INVALID_UTF8')).detail).toContain(`at byte ${eucKr.indexOf(0xbe)}`);
    const surrogateBytes = Buffer.from([...Buffer.from('{"orderId":"CESU","amount":1,"echo":{"n":"'), 0xed, 0xa0, 0x80, ...Buffer.from('"}}')]);
    await expectProblem(await storesNothing(() => postBytes(surrogateBytes)), 400, 'INVALID_UTF8');
  });

  it('a real U+FFFD, sent as valid UTF-8, is kept', async () => {
    const res = await postBytes(payment('REAL_FFFD', { note: 'a\uFFFDb' }));
    expect(res.status).toBe(202);
    expect(await res.json()).toMatchObject({ echo: { note: 'a\uFFFDb' } });
  });
});

describe('I-JSON strings (RFC 7493)', () => {
  it.each([
    ['an echo value', '{"orderId":"LONE_1","amount":1,"echo":{"note":"x\\ud800"}}', 'echo.note'],
    ['a low surrogate alone', '{"orderId":"LONE_2","amount":1,"echo":{"list":["ok","\\uDC00y"]}}', 'echo.list.1'],
    ['the orderId', '{"orderId":"\\ud83d","amount":1}', 'orderId'],
    ['a key', '{"orderId":"LONE_3","amount":1,"echo":{"\\udfff":"v"}}', 'a key in echo'],
    ['an unknown field', '{"orderId":"LONE_4","amount":1,"extra":"\\ud800\\ud800"}', 'extra'],
  ])('a lone surrogate in %s is 400 LONE_SURROGATE, never stored or forwarded in a webhook', async (_where, body, field) => {
    await t.app.processNow(); // earlier tests' payments send their webhooks now
    const webhooks = t.receiver.requests.length;
    const res = await storesNothing(() => postBytes(body));
    expect((await expectProblem(res, 400, 'LONE_SURROGATE')).detail).toContain(field);
    await t.app.processNow();
    expect(t.receiver.requests.length).toBe(webhooks);
  });

  it('an escaped surrogate pair is one character and is taken', async () => {
    const res = await postBytes('{"orderId":"PAIR","amount":1,"echo":{"note":"\\ud83d\\ude00 \\\\ud800 is text"}}');
    expect(res.status).toBe(202);
    expect(await res.json()).toMatchObject({ echo: { note: '😀 \\ud800 is text' } });
  });
});

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
