/**
 * The `hamster-pg` command as a user runs it: real processes, real ports.
 * Includes the seed's walk-through (sink as the Cash Gateway, a payment by
 * HTTP, the webhook printed by the sink) and a restart that keeps the data.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli, type Running } from './setup/process.js';
import { tempDir } from './setup/tmp.js';

let dir: ReturnType<typeof tempDir>;
const running: Running[] = [];
beforeEach(() => (dir = tempDir()));
afterEach(async () => {
  for (const r of running.splice(0)) {
    if (r.child.exitCode === null && r.child.signalCode === null) {
      r.kill('SIGKILL');
      await r.exited;
    }
  }
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
    expect(r.stdout()).toContain('env PAYMENT_PROCESS_POLLING_FIXED_DELAY, default 3000');
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
    const view = (await (await fetch(`${url}/api/payment/transaction/${transactionId}`)).json()) as Record<string, unknown>;
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
});
