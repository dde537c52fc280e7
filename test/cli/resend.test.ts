/**
 * `hamster-pg resend --state DEAD`: the real command, as a child process,
 * against a real service whose receiver refused every webhook — a filtered
 * requeue, then the rest as JSON, a refusal by the service (exit 1 with the
 * problem) and a bad flag (exit 2).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { useCliFixture } from '../setup/cli-fixture.js';
import { startTestApp, type TestApp } from '../setup/app.js';

const cli = useCliFixture();
let t: TestApp;
beforeEach(async () => {
  t = await startTestApp({ 'payment.process.success-rate': 100, 'payment.webhook.retry.schedule': '0' });
});
afterEach(async () => {
  await t.close();
});

const run = async (...args: string[]) => {
  const proc = cli.start(['resend', ...args, '--url', t.url]);
  const { code } = await proc.exited;
  return { code, stdout: proc.stdout(), stderr: proc.stderr() };
};

describe('hamster-pg resend', () => {
  it('requeues the DEAD deliveries that match, then the rest; refusals exit non-zero', async () => {
    t.receiver.answer = () => ({ status: 500 });
    const tids: string[] = [];
    for (let i = 0; i < 3; i++) tids.push(String((await t.postPayment({ orderId: `CLI_RESEND_${i}`, amount: 100 })).json.transactionId));
    await t.app.processNow();
    await t.receiver.waitFor(3);
    t.receiver.answer = () => ({ status: 200 });

    const one = await run('--state', 'DEAD', '--tid', tids[0]!, '--to', t.receiver.url);
    expect(one.code).toBe(0);
    expect(one.stdout).toBe('requeued 1 DEAD delivery\n');
    await t.receiver.waitFor(4);

    const rest = await run('--state', 'dead', '--json');
    expect(rest.code).toBe(0);
    expect(JSON.parse(rest.stdout)).toEqual({ requeued: 2, remaining: 0, limit: 1000 });
    const got = await t.receiver.waitFor(6);
    expect(new Set(got.slice(3).map((r) => (r.json as { transactionId?: string }).transactionId))).toEqual(new Set(tids));

    const refused = await run('--state', 'DEAD', '--mid', 'x'.repeat(101));
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^hamster-pg: 400 VALIDATION_FAILED: /);

    const bad = await run('--state', 'DELIVERED');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('Invalid value for --state: "DELIVERED" — allowed: DEAD, HELD');
  }, 60_000);
});
