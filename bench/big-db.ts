/**
 * Builds a SQLite store holding N finished payments — each with its final
 * `payments` row, its delivered webhook and the attempt that delivered it —
 * through the service's own migrations, then bulk rows straight into the
 * file (much faster than through the API; the shape is the same).
 */
import { existsSync, renameSync, rmSync } from 'node:fs';
import BetterSqlite3 from 'better-sqlite3';
import { openDatabase } from '../src/db/database.js';
import { migrate } from '../src/db/migrate.js';
import { toBase62 } from '../src/payments/ids.js';

export async function buildBigDatabase(path: string, count: number, log: (line: string) => void): Promise<void> {
  if (existsSync(path)) {
    // Kept from an earlier run: brought up to the current schema first, so a
    // new migration is not timed as part of the next start.
    const kept = openDatabase(path);
    await migrate(kept);
    await kept.close();
    return;
  }
  const tmp = `${path}.building`;
  for (const f of [tmp, `${tmp}-wal`, `${tmp}-shm`]) rmSync(f, { force: true });
  const database = openDatabase(tmp);
  await migrate(database);
  await database.close();

  const db = new BetterSqlite3(tmp);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = OFF');
  const pp = db.prepare(`insert into payment_processes (id, public_id, tid, order_id, user_public_id, amount, status, approval_no, fail_reason,
      echo, webhook_url, webhook_sent_at, webhook_response_code, requested_at, processing_started_at, processed_at, mid)
      values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 200, ?, ?, ?, 'hamster_dummy_mid_001')`);
  const fin = db.prepare(`insert into payments (payment_process_id, tid, order_id, user_public_id, amount, status, approval_no, fail_reason, processed_at)
      values (?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const del = db.prepare(`insert into webhook_deliveries (id, payment_process_id, tid, webhook_id, event_status, origin, url, payload, state,
      attempt_count, due_at, created_at, delivered_at, last_response_code, mid) values (?, ?, ?, ?, ?, 'AUTO', ?, ?, 'DELIVERED', 1, ?, ?, ?, 200, 'hamster_dummy_mid_001')`);
  const att = db.prepare(`insert into webhook_attempts (delivery_id, payment_process_id, attempt_no, attempted_at, url, response_code, duration_ms, response_body)
      values (?, ?, 1, ?, ?, 200, 3, 'OK')`);
  const url = 'http://127.0.0.1:8082/api/webhook/pg/DUMMY';
  const echo = '{"mid":"hamster_dummy_mid_001","orderNumber":"CGW_BENCH","gatewayReferenceId":"CGW_REF_BENCH"}';
  const start = Date.now() - count * 10;
  const chunk = 50_000;
  for (let from = 1; from <= count; from += chunk) {
    db.transaction(() => {
      for (let id = from; id < Math.min(from + chunk, count + 1); id++) {
        const at = start + id * 10;
        const ok = id % 5 !== 0;
        const tid = `DUMMY_20260205_${String((id * 7919) % 100_000_000).padStart(8, '0')}`;
        const publicId = toBase62(BigInt(id));
        const approval = ok ? `AP${at}0000${String(id % 1000).padStart(3, '0')}` : null;
        const reason = ok ? null : 'INSUFFICIENT_BALANCE';
        const status = ok ? 'SUCCESS' : 'FAILED';
        pp.run(id, publicId, tid, `ORD_${id}`, 'USR_BENCH', 10000, status, approval, reason, echo, url, at + 5, at, at + 1, at + 2);
        fin.run(id, tid, `ORD_${id}`, 'USR_BENCH', 10000, status, approval, reason, at + 2);
        const payload = ok
          ? `{"status":"SUCCESS","code":"0000","transactionId":"${tid}","approvalNo":"${approval}","amount":10000,"echo":${echo},"message":"Payment approved successfully"}`
          : `{"status":"FAILED","code":"E001","transactionId":"${tid}","amount":10000,"echo":${echo},"message":"Payment failed: INSUFFICIENT_BALANCE"}`;
        del.run(id, id, tid, `msg_${publicId}_${status.toLowerCase()}`, status, url, payload, at + 5, at + 2, at + 5);
        att.run(id, id, at + 4, url);
      }
    })();
    log(`  built ${Math.min(from + chunk - 1, count).toLocaleString('en')} of ${count.toLocaleString('en')} payments`);
  }
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  renameSync(tmp, path);
  for (const f of [`${tmp}-wal`, `${tmp}-shm`]) rmSync(f, { force: true });
}
