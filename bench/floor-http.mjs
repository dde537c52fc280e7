// What the two durable floors (floor-server.mjs, floor-server-pg.mjs) share:
// the HTTP side (the bare server's own, ack-http.mjs), the rows, and the webhook POST.
import { randomInt } from 'node:crypto';
import { Pool } from 'undici';

export { ack, listen } from './ack-http.mjs';

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
