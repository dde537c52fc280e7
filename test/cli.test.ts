/**
 * The `hamster-pg` command as a user runs it: real processes, real ports.
 * Includes the seed's walk-through (sink as the Cash Gateway, a payment by
 * HTTP, the webhook printed by the sink) and a restart that keeps the data.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { killAll, runCli, type Running } from './setup/process.js';
import { tempDir } from './setup/tmp.js';

let dir: ReturnType<typeof tempDir>;
const running: Running[] = [];
beforeEach(() => (dir = tempDir()));
afterEach(async () => {
  await killAll(running);
  dir.remove();
});

function start(args: string[], env: Record<string, string> = {}): Running {
  const r = runCli(args, { cwd: dir.path, env });
  running.push(r);
  return r;
}

const LISTENING = /hamster-pg listening on (http:\/\/127\.0\.0\.1:\d+)/;
const SINK_LISTENING = /hamster-pg sink listening on (http:\/\/127\.0\.0\.1:\d+\/api\/webhook\/pg\/DUMMY)/;

describe('hamster-pg command', () => {
  it.each([[['--help']], [['serve', '--help']], [['sink', '--help']]])('%s prints usage and examples', async (args) => {
    const r = start(args);
    expect((await r.exited).code).toBe(0);
    expect(r.stdout()).toMatch(/Usage:/);
    expect(r.stdout()).toMatch(/Example/);
  });

  it('serve --help lists every setting with its environment variable and default', async () => {
    const r = start(['serve', '--help']);
    await r.exited;
    expect(r.stdout()).toContain('--payment.process.polling.fixed-delay');
    expect(r.stdout()).toContain('env PAYMENT_PROCESS_POLLING_FIXED_DELAY, default 3s');
    expect(r.stdout()).toContain('env PAYMENT_WEBHOOK_RETRY_SCHEDULE, default 0,5s,5m,30m,2h,5h,10h,10h');
  });

  it('stops on a bad setting with a message naming it (exit 2), and creates nothing', async () => {
    const r = start(['serve'], { PAYMENT_PROCESS_SUCCESS_RATE: '150' });
    expect((await r.exited).code).toBe(2);
    expect(r.stderr()).toMatch(/payment\.process\.success-rate \(from PAYMENT_PROCESS_SUCCESS_RATE\): "150" — allowed: a number from 0 to 100/);
    expect(existsSync(join(dir.path, 'data'))).toBe(false);
    const bad = start(['serve', '--no-such-flag']);
    expect((await bad.exited).code).toBe(2);
    expect(bad.stderr()).toMatch(/Unknown option '--no-such-flag'/);
  });

  it('runs the seed’s walk-through: sink as Cash Gateway, a payment, its webhook printed', async () => {
    const sink = start(['sink', '--port', '0']);
    const [, sinkUrl] = await sink.waitFor(SINK_LISTENING);
    writeFileSync(
      join(dir.path, 'application.yml'),
      `server:\n  port: 0\npayment:\n  webhook:\n    url: ${sinkUrl}\n  process:\n    polling:\n      initial-delay: 100\n      fixed-delay: 200\n`,
    );
    const serve = start(['serve']);
    const [, url] = await serve.waitFor(LISTENING);
    const res = await fetch(`${url}/api/payment`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        userPublicId: 'USR_123',
        orderId: 'ORD_456',
        amount: 10000,
        echo: { mid: 'hamster_dummy_mid_001', orderNumber: 'TEST_ORDER', gatewayReferenceId: 'CGW_REF_123' },
      }),
    });
    expect(res.status).toBe(202);
    const { transactionId } = (await res.json()) as { transactionId: string };
    await sink.waitFor(new RegExp(`"transactionId": "${transactionId}"`));
    expect(sink.stdout()).toMatch(/POST \/api\/webhook\/pg\/DUMMY {2}→ 200 {2}(SUCCESS|FAILED)/);
    expect(sink.stdout()).toContain('"gatewayReferenceId": "CGW_REF_123"');
    // The sink prints the webhook before hamster-pg has its answer and records
    // the attempt: look until the attempt is recorded (or 5 s have passed).
    let view: Record<string, unknown> = {};
    for (const until = Date.now() + 5000; Date.now() < until; await new Promise((r) => setTimeout(r, 50))) {
      view = (await (await fetch(`${url}/api/payment/transaction/${transactionId}`)).json()) as Record<string, unknown>;
      if (view.webhookResponseCode !== null) break;
    }
    expect(['SUCCESS', 'FAILED']).toContain(view.status);
    expect(view.webhookResponseCode).toBe(200);

    // SIGTERM: a clean, prompt exit…
    serve.kill('SIGTERM');
    expect((await serve.exited).code).toBe(0);
    // …and the data is there after a restart.
    const again = start(['serve']);
    const [, url2] = await again.waitFor(LISTENING);
    const after = (await (await fetch(`${url2}/api/payment/transaction/${transactionId}`)).json()) as Record<string, unknown>;
    expect(after).toEqual(view);
  });

  it('says so clearly when the port is taken', async () => {
    const first = start(['serve', '--port', '0', '--db', 'a.db']);
    const [, url] = await first.waitFor(LISTENING);
    const port = new URL(url!).port;
    const second = start(['serve', '--port', port, '--db', 'b.db']);
    expect((await second.exited).code).toBe(2);
    expect(second.stderr()).toMatch(new RegExp(`Port ${port} on 127\\.0\\.0\\.1 is already in use`));
  });

  it('says which setting to change when the PortOne port (server.port + 1) is taken', async () => {
    // A port held here whose port below is free (for server.port).
    let blocker: Server;
    let taken: number;
    for (;;) {
      blocker = createServer().listen(0, '127.0.0.1');
      await once(blocker, 'listening');
      taken = (blocker.address() as AddressInfo).port;
      const probe = createServer().listen(taken - 1, '127.0.0.1');
      const free = await new Promise<boolean>((resolve) => {
        probe.once('listening', () => resolve(true));
        probe.once('error', () => resolve(false));
      });
      if (free) {
        await new Promise((resolve) => probe.close(resolve));
        break;
      }
      blocker.close();
    }
    try {
      const serve = start(['serve', '--port', String(taken - 1), '--db', 'c.db']);
      expect((await serve.exited).code).toBe(2);
      expect(serve.stderr()).toContain(`Port ${taken} on 127.0.0.1, for the PortOne API, is already in use — set portone.server.port`);
    } finally {
      blocker.close();
    }
  });

  it('sink answers 404 off its path and says where it listens', async () => {
    const sink = start(['sink', '--port', '0']);
    const [, sinkUrl] = await sink.waitFor(SINK_LISTENING);
    const res = await fetch(new URL('/elsewhere', sinkUrl), { method: 'POST', body: '{}' });
    expect(res.status).toBe(404);
    await sink.waitFor(/not a webhook: the sink listens on POST \/api\/webhook\/pg\/DUMMY/);
  });

  it('sink --secret verifies each webhook’s signature (standardwebhooks) and flags forgeries', async () => {
    const secret = `whsec_${Buffer.from('the sink and the gateway share this').toString('base64')}`;
    const sink = start(['sink', '--port', '0', '--secret', secret]);
    const [, sinkUrl] = await sink.waitFor(SINK_LISTENING);
    const serve = start([
      'serve',
      '--port',
      '0',
      '--db',
      'signed.db',
      '--webhook-url',
      sinkUrl!,
      '--payment.webhook.secret',
      secret,
      '--payment.process.polling.initial-delay',
      '0',
      '--payment.process.polling.fixed-delay',
      '100',
    ]);
    const [, url] = await serve.waitFor(LISTENING);
    await fetch(`${url}/api/payment`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ orderId: 'SIGNED', amount: 1 }),
    });
    await sink.waitFor(/✓ signature valid {2}webhook-id msg_/);
    await fetch(sinkUrl!, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'webhook-id': 'msg_forged',
        'webhook-timestamp': String(Math.floor(Date.now() / 1000)),
        'webhook-signature': 'v1,Zm9yZ2VkIHNpZ25hdHVyZQ==',
      },
      body: '{"status":"SUCCESS","transactionId":"DUMMY_20260205_00000001"}',
    });
    await sink.waitFor(/✗ signature INVALID: No matching signature found/);
  });

  it('sink refuses a secret that is not whsec_ base64', async () => {
    const sink = start(['sink', '--secret', 'letmein']);
    expect((await sink.exited).code).toBe(2);
    expect(sink.stderr()).toMatch(/Invalid value for --secret: "letmein"/);
  });

  it.each([['pay'], ['trigger'], ['cancel'], ['tail']])('%s --help prints usage and examples', async (command) => {
    const r = start([command, '--help']);
    expect((await r.exited).code).toBe(0);
    expect(r.stdout()).toMatch(/^Usage: hamster-pg /);
    expect(r.stdout()).toMatch(/Examples:/);
  });

  it('sink plays an unreliable Cash Gateway: --status, --fail-rate, --delay', async () => {
    const down = start(['sink', '--port', '0', '--status', '503']);
    const [, downUrl] = await down.waitFor(SINK_LISTENING);
    expect((await fetch(downUrl!, { method: 'POST', body: '{}' })).status).toBe(503);
    const flaky = start(['sink', '--port', '0', '--fail-rate', '100', '--delay', '300ms']);
    const [, flakyUrl] = await flaky.waitFor(SINK_LISTENING);
    const startedAt = Date.now();
    expect((await fetch(flakyUrl!, { method: 'POST', body: '{}' })).status).toBe(500);
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(250);
    await flaky.waitFor(/→ .*500/);
    const bad = start(['sink', '--fail-rate', '150']);
    expect((await bad.exited).code).toBe(2);
    expect(bad.stderr()).toMatch(/--fail-rate: "150" — allowed: a number from 0 to 100/);
  });

  it('pay sends payments and follows them to their webhooks; tail shows them live; trigger drives one', async () => {
    const sinkProc = start(['sink', '--port', '0']);
    const [, sinkUrl] = await sinkProc.waitFor(SINK_LISTENING);
    const serve = start([
      'serve',
      '--port',
      '0',
      '--db',
      'pay.db',
      '--webhook-url',
      sinkUrl!,
      '--payment.process.polling.initial-delay',
      '0',
      '--payment.process.polling.fixed-delay',
      '100',
    ]);
    const [, url] = await serve.waitFor(LISTENING);
    const tailProc = start(['tail', '--url', url!]);
    await new Promise((r) => setTimeout(r, 500)); // let tail connect
    const payProc = start(['pay', '--url', url!, '--count', '20', '--rate', '200', '--json', '--wait', '20s']);
    expect((await payProc.exited).code).toBe(0);
    const summary = JSON.parse(payProc.stdout()) as {
      sent: number;
      accepted: number;
      final: Record<string, number>;
      notFinal: number;
      webhooksDelivered: number;
      latencyMs: { p50: number; p95: number; max: number };
    };
    expect(summary).toMatchObject({ sent: 20, accepted: 20, notFinal: 0, webhooksDelivered: 20 });
    expect((summary.final.SUCCESS ?? 0) + (summary.final.FAILED ?? 0)).toBe(20);
    expect(summary.latencyMs.max).toBeGreaterThanOrEqual(summary.latencyMs.p50);
    await tailProc.waitFor(/accepted +DUMMY_\d{8}_\d{8} +PENDING/);
    await tailProc.waitFor(/webhook +DUMMY_\d{8}_\d{8} +attempt 1 → 200 +DELIVERED/);

    // trigger: a fresh payment, held PENDING (no scheduler on this one), finalized from the terminal.
    const held = start(['serve', '--port', '0', '--db', 'held.db', '--webhook-url', sinkUrl!, '--payment.process.polling.enabled', 'false']);
    const [, heldUrl] = await held.waitFor(LISTENING);
    const { transactionId } = (await (
      await fetch(`${heldUrl}/api/payment`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"orderId":"T","amount":1}' })
    ).json()) as { transactionId: string };
    const trig = start(['trigger', transactionId, '--status', 'FAILED', '--reason', 'EXPIRED_CARD', '--url', heldUrl!]);
    expect((await trig.exited).code).toBe(0);
    expect(trig.stdout()).toMatch(new RegExp(`${transactionId} +FAILED \\(EXPIRED_CARD\\) +— finalized now`));
    expect(trig.stdout()).toMatch(/webhook → .*: delivered \(200\)/);
    const again = start(['trigger', transactionId, '--status', 'SUCCESS', '--url', heldUrl!]);
    expect((await again.exited).code).toBe(1);
    expect(again.stderr()).toMatch(/409 STATUS_CONFLICT: .*already FAILED/);
    const nowhere = start(['pay', '--url', 'http://127.0.0.1:1', '--count', '1']);
    expect((await nowhere.exited).code).toBe(2);
    expect(nowhere.stderr()).toMatch(/Cannot reach hamster-pg at http:\/\/127\.0\.0\.1:1/);
  }, 60_000);
});
