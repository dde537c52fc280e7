// The durable floor on PostgreSQL: the same work as floor-server.mjs (read
// its header), with the rows sent as one JSON parameter per statement (read
// as jsonb) — one round trip per batch, as hamster-pg does on PostgreSQL —
// through one `pg` pool, the schema made by the service's own migrations.
// The UPDATEs compare the state as `(state || '')`, as hamster-pg does, so
// that each row is found by its primary key rather than by a scan of every
// row (and dead row version) in that state.
//
//   node bench/floor-server-pg.mjs <port> <postgres url> [webhook url]
import pg from 'pg';
import { openDatabase } from '../dist/db/database.js';
import { migrate } from '../dist/db/migrate.js';
import { ack, listen, newTid, pendingRow, webhookSender } from './floor-http.mjs';

const [port, url, webhookUrl] = process.argv.slice(2);

const setup = openDatabase(url);
await migrate(setup);
await setup.close();

const db = new pg.Pool({ connectionString: url, max: 10 });

/**
 * `insert into table (cols) select … from jsonb_array_elements($1)`: the rows
 * as one JSON parameter, a named prepared statement (as hamster-pg sends its
 * inserts: parsed once per connection), run as `query({ ...INSERT, values: [rows] })`.
 */
const insertText = (table, columns, tail = '') => ({
  name: `floor_${table}`,
  text: `insert into ${table} (${columns.map(([c]) => c).join(', ')}) select ${columns.map(([, t], i) => `(e ->> ${i})::${t}`).join(', ')} from jsonb_array_elements($1::jsonb) as e${tail}`,
});

const INSERT_PENDING = insertText(
  'payment_processes',
  [['public_id', 'text'], ['tid', 'text'], ['order_id', 'text'], ['user_public_id', 'text'], ['amount', 'numeric'], ['status', 'text'], ['echo', 'text'], ['webhook_url', 'text'], ['requested_at', 'bigint'], ['profile', 'text']],
  ' on conflict do nothing returning id, public_id',
);
const INSERT_PAYMENTS = insertText('payments', [['payment_process_id', 'bigint'], ['tid', 'text'], ['order_id', 'text'], ['user_public_id', 'text'], ['amount', 'numeric'], ['status', 'text'], ['approval_no', 'text'], ['fail_reason', 'text'], ['processed_at', 'bigint']]);
const INSERT_DELIVERIES = insertText(
  'webhook_deliveries',
  [['payment_process_id', 'bigint'], ['tid', 'text'], ['webhook_id', 'text'], ['event_status', 'text'], ['origin', 'text'], ['url', 'text'], ['payload', 'text'], ['state', 'text'], ['attempt_count', 'integer'], ['due_at', 'bigint'], ['created_at', 'bigint']],
  ' returning id',
);
const INSERT_ATTEMPTS = insertText('webhook_attempts', [['delivery_id', 'bigint'], ['payment_process_id', 'bigint'], ['attempt_no', 'integer'], ['attempted_at', 'bigint'], ['url', 'text'], ['response_code', 'integer'], ['duration_ms', 'integer']]);
const PICK = "select * from payment_processes where status = 'PENDING' order by id limit 2000 for update skip locked";
const FINALIZE = `update payment_processes set status = v.status, approval_no = v.approval_no, fail_reason = v.fail_reason, processing_started_at = v.now, processed_at = v.now
from (select (e ->> 0)::bigint as id, e ->> 1 as status, e ->> 2 as approval_no, e ->> 3 as fail_reason, (e ->> 4)::bigint as now from jsonb_array_elements($1::jsonb) as e) as v
where payment_processes.id = v.id and (payment_processes.status || '') = 'PENDING' returning payment_processes.id`;
const DELIVERED = `update webhook_deliveries set state = 'DELIVERED', delivered_at = v.now, last_response_code = v.code
from (select (e ->> 0)::bigint as id, (e ->> 1)::integer as code, (e ->> 2)::bigint as now from jsonb_array_elements($1::jsonb) as e) as v
where webhook_deliveries.id = v.id and (webhook_deliveries.state || '') = 'SENDING'`;
const WEBHOOK_FIELDS = `update payment_processes set webhook_response_code = v.code, webhook_sent_at = coalesce(payment_processes.webhook_sent_at, v.now)
from (select (e ->> 0)::bigint as id, (e ->> 1)::integer as code, (e ->> 2)::bigint as now from jsonb_array_elements($1::jsonb) as e) as v
where payment_processes.id = v.id`;

const RECORD = `with attempts as (${INSERT_ATTEMPTS.text}), delivered as (${DELIVERED.replace('$1::jsonb', '$2::jsonb')})
${WEBHOOK_FIELDS.replace('$1::jsonb', '$3::jsonb')}`;

async function transaction(fn) {
  const c = await db.connect();
  try {
    await c.query('begin');
    const result = await fn(c);
    await c.query('commit');
    return result;
  } catch (error) {
    await c.query('rollback');
    throw error;
  } finally {
    c.release();
  }
}

let seq = 0;

// Accept: one INSERT (autocommit) per turn of the event loop, each 202 after it.
let waiting = [];
async function flush() {
  const batch = waiting;
  waiting = [];
  const { rows } = await db.query({ ...INSERT_PENDING, values: [JSON.stringify(batch.map((w) => w.row))] });
  const stored = new Set(rows.map((r) => r.public_id));
  for (const w of batch) {
    if (!stored.has(w.row[0])) {
      w.row[1] = newTid();
      if (waiting.push(w) === 1) setImmediate(() => void flush());
      continue;
    }
    ack(w.res, w.row[1], w.body);
  }
}

listen(port, (body, res) => {
  const row = pendingRow(++seq, body, webhookUrl);
  if (waiting.push({ row, body, res }) === 1) setImmediate(() => void flush());
});

if (webhookUrl) {
  const decideAll = (now) =>
    transaction(async (c) => {
      const picked = (await c.query(PICK)).rows;
      if (picked.length === 0) return [];
      const finals = picked.map((p, i) => {
        const ok = Math.random() < 0.8;
        return { ...p, status: ok ? 'SUCCESS' : 'FAILED', approvalNo: ok ? `AP${now}${String(i).padStart(7, '0')}` : null, failReason: ok ? null : 'INSUFFICIENT_BALANCE' };
      });
      const won = new Set((await c.query(FINALIZE, [JSON.stringify(finals.map((f) => [f.id, f.status, f.approvalNo, f.failReason, now]))])).rows.map((r) => String(r.id)));
      const done = finals.filter((f) => won.has(String(f.id)));
      await c.query({ ...INSERT_PAYMENTS, values: [JSON.stringify(done.map((f) => [f.id, f.tid, f.order_id, f.user_public_id, f.amount, f.status, f.approvalNo, f.failReason, now]))] });
      const bodies = done.map((f) =>
        JSON.stringify({ ...(f.echo ? JSON.parse(f.echo) : {}), transactionId: f.tid, orderId: f.order_id, amount: Number(f.amount), status: f.status, approvalNo: f.approvalNo, failReason: f.failReason, processedAt: new Date(now).toISOString() }),
      );
      const ids = (await c.query({ ...INSERT_DELIVERIES, values: [JSON.stringify(done.map((f, i) => [f.id, f.tid, `msg_${f.public_id}`, f.status, 'AUTO', webhookUrl, bodies[i], 'SENDING', 1, now + 30_000, now]))] })).rows
        .map((r) => r.id)
        .sort((a, b) => Number(a) - Number(b));
      return done.map((f, i) => ({ paymentId: f.id, deliveryId: ids[i], body: bodies[i] }));
    });
  let results = [];
  // The attempts, the deliveries' moves and the payments' webhook fields as
  // one statement (as hamster-pg records them on PostgreSQL): atomic, one round trip.
  const recordAll = (list) => {
    const now = Date.now();
    return db.query(RECORD, [
      JSON.stringify(list.map((r) => [r.deliveryId, r.paymentId, 1, r.at, webhookUrl, r.code, r.ms])),
      JSON.stringify(list.map((r) => [r.deliveryId, r.code, now])),
      JSON.stringify(list.map((r) => [r.paymentId, r.code, now])),
    ]);
  };
  const record = (r) => {
    if (results.push(r) === 1) {
      setImmediate(() => {
        const list = results;
        results = [];
        void recordAll(list);
      });
    }
  };
  const send = webhookSender(webhookUrl, record);
  const tick = async () => {
    const due = await decideAll(Date.now());
    for (const d of due) send(d);
    setTimeout(() => void tick(), due.length === 2000 ? 0 : 10);
  };
  setTimeout(() => void tick(), 10);
}

