// The durable floor: the least a gateway can do and still keep the seed's
// promises on this machine — node:http and JSON.parse as the bare server,
// plus every row hamster-pg writes for a payment, in the same SQLite schema
// (the service's own migrations), with the same pragmas and group commits:
// each 202 sent after its row is committed; then (e2e) the payment decided
// in a batch transaction with its `payments` row and its delivery, the
// webhook POSTed with undici, and the attempt, the delivery and the
// payment's webhook fields recorded in one transaction. Nothing else: no
// framework, validation, scripting, logging, metrics, events or
// inspector — what those cost is hamster-pg's own share of the ratio.
//
//   node bench/floor-server.mjs <port> <sqlite file> [webhook url]
//   (with a webhook URL it also processes and delivers, every 10 ms)
import BetterSqlite3 from 'better-sqlite3';
import { openDatabase } from '../dist/db/database.js';
import { migrate } from '../dist/db/migrate.js';
import { ack, listen, newTid, pendingRow, webhookSender } from './floor-http.mjs';

const [port, file, webhookUrl] = process.argv.slice(2);

// The schema, made by the service's own migrations.
const setup = openDatabase(file);
await migrate(setup);
await setup.close();

const db = new BetterSqlite3(file);
db.pragma('journal_mode = WAL');
db.pragma('synchronous = NORMAL');
db.pragma('cache_size = -8192');
db.pragma('temp_store = MEMORY');
db.pragma('wal_autocheckpoint = 1000');

/** Many rows in one statement per ≤ 64, a prepared text per size. */
function inserter(table, columns, returning = '') {
  const texts = new Map();
  const row = `(${columns.map(() => '?').join(', ')})`;
  const prepare = (n) =>
    db.prepare(`insert into ${table} (${columns.join(', ')}) values ${Array.from({ length: n }, () => row).join(', ')}${returning}`);
  return (rows) => {
    const out = [];
    for (let i = 0; i < rows.length; i += 64) {
      const chunk = rows.slice(i, i + 64);
      let stmt = texts.get(chunk.length);
      if (!stmt) texts.set(chunk.length, (stmt = prepare(chunk.length)));
      const values = chunk.flat();
      if (returning) out.push(...stmt.raw(true).all(values));
      else stmt.run(values);
    }
    return out;
  };
}

const insertPending = inserter(
  'payment_processes',
  ['public_id', 'tid', 'order_id', 'user_public_id', 'amount', 'status', 'echo', 'webhook_url', 'requested_at', 'profile'],
  ' on conflict do nothing returning id, public_id',
);
const insertPayments = inserter('payments', ['payment_process_id', 'tid', 'order_id', 'user_public_id', 'amount', 'status', 'approval_no', 'fail_reason', 'processed_at']);
const insertDeliveries = inserter(
  'webhook_deliveries',
  ['payment_process_id', 'tid', 'webhook_id', 'event_status', 'origin', 'url', 'payload', 'state', 'attempt_count', 'due_at', 'created_at'],
  ' returning id',
);
const insertAttempts = inserter('webhook_attempts', ['delivery_id', 'payment_process_id', 'attempt_no', 'attempted_at', 'url', 'response_code', 'duration_ms']);
const pickDue = db.prepare("select * from payment_processes where status = 'PENDING' order by id limit 2000");
const finalize = db.prepare("update payment_processes set status = ?, approval_no = ?, fail_reason = ?, processing_started_at = ?, processed_at = ? where id = ? and status = 'PENDING'");
const delivered = db.prepare("update webhook_deliveries set state = 'DELIVERED', delivered_at = ?, last_response_code = ? where id = ? and state = 'SENDING'");
const webhookFields = db.prepare('update payment_processes set webhook_response_code = ?, webhook_sent_at = coalesce(webhook_sent_at, ?) where id = ?');
const tx = (fn) => db.transaction(fn).immediate;

let seq = 0;

// Accept: group commit per turn of the event loop, each 202 after its commit.
let waiting = [];
const acceptAll = tx((rows) => insertPending(rows));
function flush() {
  const batch = waiting;
  waiting = [];
  const ids = new Map(acceptAll(batch.map((w) => w.row)).map(([id, publicId]) => [publicId, id]));
  for (const w of batch) {
    if (!ids.has(w.row[0])) {
      // tid taken: new identifiers, next turn.
      w.row[1] = newTid();
      if (waiting.push(w) === 1) setImmediate(flush);
      continue;
    }
    ack(w.res, w.row[1], w.body);
  }
}

listen(port, (body, res) => {
  const row = pendingRow(++seq, body, webhookUrl);
  if (waiting.push({ row, body, res }) === 1) setImmediate(flush);
});

// Processing and delivery (with a webhook URL).
if (webhookUrl) {
  const decideAll = tx((now) => {
    const picked = pickDue.all();
    const finals = [];
    for (const p of picked) {
      const ok = Math.random() < 0.8;
      const approvalNo = ok ? `AP${now}${String(finals.length).padStart(7, '0')}` : null;
      if (finalize.run(ok ? 'SUCCESS' : 'FAILED', approvalNo, ok ? null : 'INSUFFICIENT_BALANCE', now, now, p.id).changes === 1) {
        finals.push({ ...p, status: ok ? 'SUCCESS' : 'FAILED', approvalNo, failReason: ok ? null : 'INSUFFICIENT_BALANCE' });
      }
    }
    insertPayments(finals.map((f) => [f.id, f.tid, f.order_id, f.user_public_id, f.amount, f.status, f.approvalNo, f.failReason, now]));
    const echo = (f) => (f.echo ? JSON.parse(f.echo) : {});
    const bodies = finals.map((f) =>
      JSON.stringify({ ...echo(f), transactionId: f.tid, orderId: f.order_id, amount: f.amount, status: f.status, approvalNo: f.approvalNo, failReason: f.failReason, processedAt: new Date(now).toISOString() }),
    );
    const ids = insertDeliveries(finals.map((f, i) => [f.id, f.tid, `msg_${f.public_id}`, f.status, 'AUTO', webhookUrl, bodies[i], 'SENDING', 1, now + 30_000, now]));
    return finals.map((f, i) => ({ paymentId: f.id, deliveryId: ids[i][0], body: bodies[i] }));
  });
  let results = [];
  const recordAll = tx((list) => {
    const now = Date.now();
    insertAttempts(list.map((r) => [r.deliveryId, r.paymentId, 1, r.at, webhookUrl, r.code, r.ms]));
    for (const r of list) {
      delivered.run(now, r.code, r.deliveryId);
      webhookFields.run(r.code, now, r.paymentId);
    }
  });
  const record = (r) => {
    if (results.push(r) === 1) {
      setImmediate(() => {
        const list = results;
        results = [];
        recordAll(list);
      });
    }
  };
  const send = webhookSender(webhookUrl, record);
  const tick = () => {
    const due = decideAll(Date.now());
    for (const d of due) send(d);
    setTimeout(tick, due.length === 2000 ? 0 : 10);
  };
  setTimeout(tick, 10);
}

