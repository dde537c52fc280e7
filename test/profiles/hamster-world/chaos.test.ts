/**
 * kill -9 with both contracts under load, the real binary: every payment
 * acknowledged through either profile ends final once, is delivered in its
 * own contract's words, and every webhook of one payment is the same bytes.
 */
import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { useCliFixture } from '../../setup/cli-fixture.js';
import type { Running } from '../../setup/process.js';
import { reached } from '../../setup/progress.js';
import { parseWebhook } from './cash-gateway.js';

const cli = useCliFixture();

async function startService(): Promise<{ proc: Running; url: string }> {
  const proc = cli.start(['serve'], {
    SERVER_PORT: '0',
    DATABASE_URL: `${cli.dir}/chaos.db`,
    PAYMENT_WEBHOOK_URL: cli.receiver.url,
    PAYMENT_WEBHOOK_TIMEOUT: '1s',
    PAYMENT_WEBHOOK_RETRY_SCHEDULE: '0,100ms,200ms,300ms,500ms,500ms,500ms,500ms,500ms,500ms',
    PAYMENT_PROCESS_POLLING_INITIAL_DELAY: '0',
    PAYMENT_PROCESS_POLLING_FIXED_DELAY: '20',
    PAYMENT_PROCESS_LEASE: '300ms',
  });
  const [, url] = await proc.waitFor(/hamster-pg listening on (http:\/\/127\.0\.0\.1:\d+)/);
  return { proc, url: url! };
}

const ENGINE_STATUS: Record<string, string> = { COMPLETED: 'SUCCESS', FAILED: 'FAILED' };

describe('chaos, both contracts', () => {
  it('kill -9 at random moments: every payment acknowledged through either contract is final once and delivered in its own words', async () => {
    let current = await startService();
    const acked = { seed: [] as string[], hw: [] as string[] };
    let stopped = false;
    let n = 0;
    const loops = Array.from({ length: 6 }, async (_, worker) => {
      while (!stopped) {
        const i = n++;
        const hw = worker % 2 === 1;
        const orderId = `${hw ? 'HW' : 'SEED'}_${i}`;
        try {
          const res = await fetch(`${current.url}${hw ? '/api/payment-process' : '/api/payment'}`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify(hw ? { midId: 'hamster_dummy_mid_001', userId: `u${i}`, orderId, amount: 1000 + i, echo: { i } } : { orderId, amount: 1000 + i }),
          });
          expect(res.status).toBeLessThan(500);
          await res.arrayBuffer();
          if (res.status === 202) (hw ? acked.hw : acked.seed).push(orderId);
        } catch (error) {
          if ((error as { name?: string }).name === 'AssertionError') throw error;
          await new Promise((r) => setTimeout(r, 5)); // down (killed): not acknowledged, so not owed
        }
      }
    });
    // Waits for progress, or fails at once with the loops' own failure (a 5xx); a failure stops the loops.
    const traffic = Promise.all(loops);
    const progress = (what: string, count: () => number, atLeast: number) =>
      Promise.race([reached(what, count, atLeast), traffic]).catch((error: unknown) => {
        stopped = true;
        throw error;
      });
    for (let round = 0; round < 3; round++) {
      // Each life of the service takes payments through both contracts, then dies at a random moment under load.
      const before = { hw: acked.hw.length, seed: acked.seed.length };
      await progress(`hamster-world payments acknowledged before kill ${round + 1}`, () => acked.hw.length, before.hw + 10);
      await progress(`seed payments acknowledged before kill ${round + 1}`, () => acked.seed.length, before.seed + 10);
      await new Promise((r) => setTimeout(r, Math.random() * 700));
      current.proc.kill('SIGKILL');
      await current.proc.exited;
      current = await startService();
    }
    await progress('hamster-world payments acknowledged after the last restart', () => acked.hw.length, acked.hw.length + 5);
    await progress('seed payments acknowledged after the last restart', () => acked.seed.length, acked.seed.length + 5);
    stopped = true;
    await traffic;

    type Row = { tid: string; order_id: string; status: string; profile: string };
    const read = () => {
      const db = new BetterSqlite3(`${cli.dir}/chaos.db`, { readonly: true, fileMustExist: true });
      try {
        return {
          processes: db.prepare('select tid, order_id, status, profile from payment_processes').all() as Row[],
          finals: db.prepare('select tid from payments').all() as Array<{ tid: string }>,
          delivered: new Set((db.prepare("select distinct tid from webhook_deliveries where state = 'DELIVERED'").all() as Array<{ tid: string }>).map((r) => r.tid)),
        };
      } finally {
        db.close();
      }
    };
    const deadline = Date.now() + 40_000;
    let state = read();
    while (state.processes.some((p) => !['SUCCESS', 'FAILED'].includes(p.status) || !state.delivered.has(p.tid))) {
      if (Date.now() > deadline) throw new Error('payments left not final or not delivered');
      await new Promise((r) => setTimeout(r, 100));
      state = read();
    }

    const byOrder = new Map(state.processes.map((p) => [p.order_id, p]));
    for (const orderId of acked.hw) expect(byOrder.get(orderId)?.profile, `acknowledged ${orderId} is stored`).toBe('hamster-world');
    for (const orderId of acked.seed) expect(byOrder.get(orderId)?.profile, `acknowledged ${orderId} is stored`).toBe('seed');
    expect(state.finals).toHaveLength(state.processes.length);

    const bodies = new Map<string, Set<string>>();
    for (const r of cli.receiver.requests) {
      const json = r.json as { tid?: string; transactionId?: string };
      const tid = json.tid ?? json.transactionId!;
      if (!bodies.has(tid)) bodies.set(tid, new Set());
      bodies.get(tid)!.add(r.body);
    }
    for (const p of state.processes) {
      const sent = bodies.get(p.tid);
      expect(sent, `a webhook for ${p.tid}`).toBeDefined();
      expect(sent!.size, `every webhook of ${p.tid} is the same bytes`).toBe(1);
      const [body] = [...sent!];
      if (p.profile === 'hamster-world') {
        const hook = parseWebhook(body!);
        expect(ENGINE_STATUS[hook.status]).toBe(p.status);
        expect(hook.orderId).toBe(p.order_id);
      } else {
        expect((JSON.parse(body!) as { status: string }).status).toBe(p.status);
      }
    }
  }, 120_000);
});
