/**
 * The payment API against a real server on a real port: the seed's ACK and
 * transaction view field by field, and every class of bad input answered with
 * a problem document — never a 5xx, never a stored row.
 */
import { connect } from 'node:net';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../setup/app.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t.close();
});

const storedCount = () => t.count('payment_processes');

const seedRequest = {
  userPublicId: 'USR_123',
  orderId: 'ORD_456',
  amount: 10000,
  echo: { mid: 'hamster_dummy_mid_001', orderNumber: 'CGW_DUMMY_1', gatewayReferenceId: 'CGW_DUMMY_2' },
};

describe('POST /api/payment', () => {
  it('answers 202 with exactly the seed’s ACK, keys in the seed’s order', async () => {
    const res = await t.post('/api/payment', seedRequest);
    expect(res.status).toBe(202);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const text = await res.text();
    const ack = JSON.parse(text) as { transactionId: string };
    expect(ack.transactionId).toMatch(/^DUMMY_\d{8}_\d{8}$/);
    expect(text).toBe(
      JSON.stringify({
        status: 'PENDING',
        code: 'ACK_OK',
        transactionId: ack.transactionId,
        amount: 10000,
        echo: seedRequest.echo,
        message: 'Payment request received and processing',
      }),
    );
  });

  it('uses today’s server-local date in the tid', async () => {
    const { json } = await t.postPayment();
    const d = new Date();
    const stamp = `${d.getFullYear()}${String(d.getMonth() + 1).padStart(2, '0')}${String(d.getDate()).padStart(2, '0')}`;
    expect(String(json.transactionId).slice(6, 14)).toBe(stamp);
  });

  it.each([[0.001], [10000.5], [123.456], [999_999_999_999.999], [1]])('echoes amount %s exactly as sent', async (amount) => {
    const res = await t.post('/api/payment', `{"orderId":"A","amount":${amount}}`);
    expect(res.status).toBe(202);
    const text = await res.text();
    expect(text).toContain(`"amount":${amount},`);
    const tid = (JSON.parse(text) as { transactionId: string }).transactionId;
    const view = (await (await t.get(`/api/payment/transaction/${tid}`)).json()) as { amount: number };
    expect(view.amount).toBe(amount);
  });

  it('answers echo as null when none (or null) was sent, and accepts a null userPublicId', async () => {
    for (const body of [{ orderId: 'A', amount: 1 }, { orderId: 'A', amount: 1, echo: null, userPublicId: null }]) {
      const { status, json } = await t.postPayment(body);
      expect(status).toBe(202);
      expect(json.echo).toBeNull();
    }
  });

  it('ignores unknown fields (the Cash Gateway may send more)', async () => {
    const { status, json } = await t.postPayment({ ...seedRequest, currency: 'KRW', method: { type: 'CARD' } });
    expect(status).toBe(202);
    expect(Object.keys(json)).toEqual(['status', 'code', 'transactionId', 'amount', 'echo', 'message']);
    const view = (await (await t.get(`/api/payment/transaction/${String(json.transactionId)}`)).json()) as Record<string, unknown>;
    expect(view).not.toHaveProperty('currency');
  });

  it('commits the row before the 202 leaves: another connection to the file sees it', async () => {
    const { json } = await t.postPayment();
    const other = new BetterSqlite3(t.dbPath, { readonly: true });
    const row = other.prepare('select status from payment_processes where tid = ?').get(json.transactionId);
    other.close();
    expect(row).toEqual({ status: 'PENDING' });
  });

  it('gives every payment its own tid', async () => {
    const acks = await Promise.all(Array.from({ length: 200 }, (_, i) => t.postPayment({ orderId: `O${i}`, amount: 1 })));
    const tids = acks.map((a) => a.json.transactionId);
    expect(acks.every((a) => a.status === 202)).toBe(true);
    expect(new Set(tids).size).toBe(200);
  });
});

describe('GET /api/payment/transaction/{tid}', () => {
  it('shows the seed’s fields (and a few more) with local date-times', async () => {
    const { json } = await t.postPayment(seedRequest);
    const res = await t.get(`/api/payment/transaction/${String(json.transactionId)}`);
    expect(res.status).toBe(200);
    const view = (await res.json()) as Record<string, unknown>;
    expect(Object.keys(view).slice(0, 9)).toEqual([
      'tid',
      'orderId',
      'amount',
      'status',
      'approvalNo',
      'failReason',
      'requestedAt',
      'processedAt',
      'webhookSentAt',
    ]);
    expect(view).toMatchObject({
      tid: json.transactionId,
      orderId: 'ORD_456',
      amount: 10000,
      status: 'PENDING',
      approvalNo: null,
      failReason: null,
      processedAt: null,
      webhookSentAt: null,
      userPublicId: 'USR_123',
      echo: seedRequest.echo,
      processingStartedAt: null,
      webhookResponseCode: null,
    });
    expect(view.requestedAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/);
    expect(view.publicId).toMatch(/^[0-9A-Za-z]{11}$/);
  });

  it('answers 404 as a problem for an unknown tid', async () => {
    const res = await t.get('/api/payment/transaction/DUMMY_20990101_00000000');
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await res.json()).toEqual({
      type: '/problems/payment-not-found',
      title: 'Payment not found',
      status: 404,
      detail: 'No payment with tid DUMMY_20990101_00000000',
      code: 'PAYMENT_NOT_FOUND',
    });
  });
});

const deep = (levels: number): unknown => (levels === 0 ? 1 : { n: deep(levels - 1) });

describe('bad input', () => {
  const cases: Array<[string, string | Buffer, Record<string, string>, number, string, string?]> = [
    ['malformed JSON', '{bad', {}, 400, 'MALFORMED_JSON'],
    ['truncated JSON', '{"orderId":"A","amount":1', {}, 400, 'MALFORMED_JSON'],
    ['an array body', '[]', {}, 400, 'VALIDATION_FAILED', 'body'],
    ['a string body', '"pay"', {}, 400, 'VALIDATION_FAILED', 'body'],
    ['a number body', '42', {}, 400, 'VALIDATION_FAILED', 'body'],
    ['a null body', 'null', {}, 400, 'VALIDATION_FAILED', 'body'],
    ['an empty body', '', {}, 400, 'VALIDATION_FAILED', 'body'],
    ['a missing orderId', '{"amount":1}', {}, 400, 'VALIDATION_FAILED', 'orderId'],
    ['an empty orderId', '{"orderId":"","amount":1}', {}, 400, 'VALIDATION_FAILED', 'orderId'],
    ['a numeric orderId', '{"orderId":5,"amount":1}', {}, 400, 'VALIDATION_FAILED', 'orderId'],
    ['an orderId over 255 characters', JSON.stringify({ orderId: 'x'.repeat(256), amount: 1 }), {}, 400, 'VALIDATION_FAILED', 'orderId'],
    ['a missing amount', '{"orderId":"A"}', {}, 400, 'VALIDATION_FAILED', 'amount'],
    ['a zero amount', '{"orderId":"A","amount":0}', {}, 400, 'VALIDATION_FAILED', 'amount'],
    ['a negative amount', '{"orderId":"A","amount":-5}', {}, 400, 'VALIDATION_FAILED', 'amount'],
    ['an amount as a string', '{"orderId":"A","amount":"10000"}', {}, 400, 'VALIDATION_FAILED', 'amount'],
    ['an amount with 4 decimals', '{"orderId":"A","amount":1.0001}', {}, 400, 'VALIDATION_FAILED', 'amount'],
    ['a tiny amount', '{"orderId":"A","amount":1e-7}', {}, 400, 'VALIDATION_FAILED', 'amount'],
    ['an amount over the maximum', '{"orderId":"A","amount":1000000000000}', {}, 400, 'VALIDATION_FAILED', 'amount'],
    ['an overflowing amount', '{"orderId":"A","amount":1e400}', {}, 400, 'VALIDATION_FAILED', 'amount'],
    ['a null amount', '{"orderId":"A","amount":null}', {}, 400, 'VALIDATION_FAILED', 'amount'],
    ['an echo array', '{"orderId":"A","amount":1,"echo":[1]}', {}, 400, 'VALIDATION_FAILED', 'echo'],
    ['an echo string', '{"orderId":"A","amount":1,"echo":"mid"}', {}, 400, 'VALIDATION_FAILED', 'echo'],
    ['an echo nested 11 deep', JSON.stringify({ orderId: 'A', amount: 1, echo: deep(11) }), {}, 400, 'VALIDATION_FAILED', 'echo'],
    ['an echo over 16 KB', JSON.stringify({ orderId: 'A', amount: 1, echo: { big: 'x'.repeat(17_000) } }), {}, 400, 'VALIDATION_FAILED', 'echo'],
    ['a numeric userPublicId', '{"orderId":"A","amount":1,"userPublicId":5}', {}, 400, 'VALIDATION_FAILED', 'userPublicId'],
    ['a __proto__ key', '{"orderId":"A","amount":1,"echo":{"__proto__":{"admin":true}}}', {}, 400, 'FORBIDDEN_PROPERTY'],
    ['a constructor.prototype key', '{"orderId":"A","amount":1,"echo":{"constructor":{"prototype":{"x":1}}}}', {}, 400, 'FORBIDDEN_PROPERTY'],
    ['a body over 1 MiB', JSON.stringify({ orderId: 'A', amount: 1, pad: 'x'.repeat(1024 * 1024) }), {}, 413, 'PAYLOAD_TOO_LARGE'],
    ['text/plain', '{"orderId":"A","amount":1}', { 'content-type': 'text/plain' }, 415, 'UNSUPPORTED_MEDIA_TYPE'],
    ['a form', 'orderId=A&amount=1', { 'content-type': 'application/x-www-form-urlencoded' }, 415, 'UNSUPPORTED_MEDIA_TYPE'],
    ['XML', '<payment/>', { 'content-type': 'application/xml' }, 415, 'UNSUPPORTED_MEDIA_TYPE'],
  ];

  it.each(cases)('refuses %s with a problem and stores nothing', async (_name, body, headers, status, code, field) => {
    const before = await storedCount();
    const res = await fetch(`${t.url}/api/payment`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body,
    });
    expect(res.status).toBe(status);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const problem = (await res.json()) as { type: string; title: string; status: number; detail: string; code: string; errors?: Array<{ field: string }> };
    expect(problem.code).toBe(code);
    expect(problem.status).toBe(status);
    expect(problem.type).toBe(`/problems/${code.toLowerCase().replace(/_/g, '-')}`);
    expect(problem.title.length).toBeGreaterThan(0);
    expect(problem.detail.length).toBeGreaterThan(0);
    expect(JSON.stringify(problem)).not.toMatch(/at .*\.(js|ts):\d+/); // no stack trace
    if (field) expect(problem.errors?.map((e) => e.field)).toContain(field);
    expect(await storedCount()).toBe(before);
  });

  it('says what is wrong in words a person can act on', async () => {
    const res = await t.post('/api/payment', { amount: 1.0001, echo: [] });
    expect(await res.json()).toMatchObject({
      code: 'VALIDATION_FAILED',
      errors: [
        { field: 'orderId', message: 'is required' },
        { field: 'amount', message: 'must have at most 3 decimal places' },
        { field: 'echo', message: 'must be object or null' },
      ],
    });
  });

  it('refuses a body without a content type', async () => {
    const res = await fetch(`${t.url}/api/payment`, { method: 'POST', body: new Blob(['{"orderId":"A","amount":1}']) });
    expect(res.status).toBe(415);
  });

  it('answers unknown routes and broken URLs with problems, not HTML', async () => {
    for (const [path, status] of [
      ['/nope', 404],
      ['/api/payment/transaction/%E0%A4%A', 400],
      [`/api/payment/transaction/${'x'.repeat(500)}`, 414],
    ] as const) {
      const res = await t.get(path);
      expect(res.status).toBe(status);
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    }
  });

  it('answers requests the HTTP parser rejects with a problem too', async () => {
    const raw = (text: string) =>
      new Promise<string>((resolve, reject) => {
        const { port } = new URL(t.url);
        const socket = connect(Number(port), '127.0.0.1', () => socket.end(text));
        let answer = '';
        socket.on('data', (c: Buffer) => (answer += c.toString()));
        socket.on('end', () => resolve(answer));
        socket.on('error', reject);
      });
    const garbage = await raw('NOT HTTP AT ALL\r\n\r\n');
    expect(garbage).toMatch(/^HTTP\/1\.1 400 /);
    expect(garbage).toContain('application/problem+json');
    const huge = await raw(`GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`);
    expect(huge).toMatch(/^HTTP\/1\.1 431 /);
    expect(huge).toContain('"code":"HEADERS_TOO_LARGE"');
  });
});
