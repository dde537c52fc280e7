// What the two durable floors (floor-server.mjs, floor-server-pg.mjs) share:
// the HTTP side, as lean as the bare server's, and the webhook POST.
import { randomInt } from 'node:crypto';
import { createServer } from 'node:http';
import { Pool } from 'undici';

const today = new Date().toISOString().slice(0, 10).replaceAll('-', '');

/** A fresh random tid of the seed's shape. */
export const newTid = () => `DUMMY_${today}_${String(randomInt(0, 1e8)).padStart(8, '0')}`;

/** A new payment's row for the floors' INSERT (public id, tid, order, user, amount, status, echo, webhook URL, requested at, profile). */
export function pendingRow(seq, body, webhookUrl) {
  return [
    seq.toString(36).padStart(11, '0'),
    newTid(),
    body.orderId,
    body.userPublicId ?? null,
    body.amount,
    'PENDING',
    body.echo ? JSON.stringify(body.echo) : null,
    webhookUrl ?? 'http://127.0.0.1:1/',
    Date.now(),
    'seed',
  ];
}

/** node:http on `port`: a GET answers OK; a POST's JSON body goes to `onPayment(body, res)`. */
export function listen(port, onPayment) {
  const server = createServer((req, res) => {
    if (req.method === 'GET') {
      res.writeHead(200, { 'content-length': '2' }).end('OK');
      return;
    }
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      let body;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        res.writeHead(400).end();
        return;
      }
      onPayment(body, res);
    });
  });
  server.listen(Number(port), '127.0.0.1', () => process.stdout.write(`listening ${server.address().port}\n`));
  process.on('SIGTERM', () => server.close(() => process.exit(0)));
}

/** The seed's 202 for a stored payment. */
export function ack(res, tid, body) {
  const text = JSON.stringify({ status: 'PENDING', code: 'ACK_OK', transactionId: tid, amount: body.amount, echo: body.echo ?? null, message: 'Payment request received and processing' });
  res.writeHead(202, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** POSTs each `{ body, … }` to `webhookUrl` and hands `{ …, code, at, ms }` to `record` when answered (code null on error). */
export function webhookSender(webhookUrl, record) {
  const target = new URL(webhookUrl);
  const pool = new Pool(target.origin, { connections: 128 });
  return (d) => {
    const at = Date.now();
    let code = 0;
    pool.dispatch(
      { path: target.pathname, method: 'POST', headers: { 'content-type': 'application/json' }, body: d.body },
      {
        onConnect() {},
        onHeaders(status) {
          code = status;
          return true;
        },
        onData() {
          return true;
        },
        onComplete() {
          record({ ...d, code, at, ms: Date.now() - at });
        },
        onError() {
          record({ ...d, code: null, at, ms: Date.now() - at });
        },
      },
    );
  };
}
