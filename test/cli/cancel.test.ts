/**
 * `hamster-pg cancel <tid> [--amount N]`: the real command, as a child
 * process, against a real service: a part, a refusal (exit 1 with the
 * problem), a bad flag (exit 2), then the rest as JSON.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { useCliFixture } from '../setup/cli-fixture.js';
import { startTestApp, type TestApp } from '../setup/app.js';

const cli = useCliFixture();
let t: TestApp;
beforeEach(async () => {
  t = await startTestApp();
});
afterEach(async () => {
  await t.close();
});

const run = async (...args: string[]) => {
  const proc = cli.start(['cancel', ...args, '--url', t.url]);
  const { code } = await proc.exited;
  return { code, stdout: proc.stdout(), stderr: proc.stderr() };
};

describe('hamster-pg cancel', () => {
  it('cancels a part with --amount, refuses more than is left, then cancels the rest', async () => {
    const { json } = await t.postPayment({ orderId: 'ORD_CLI', amount: 10000 });
    const tid = String(json.transactionId);
    await t.post(`/api/payment/webhook/trigger/${tid}?status=SUCCESS`, '');

    const part = await run(tid, '--amount', '3000', '--reason', 'one item returned');
    expect(part.code).toBe(0);
    expect(part.stdout).toMatch(new RegExp(`^${tid} +SUCCESS +cancelled 3000 now — 3000 of 10000 cancelled, 7000 left\\n`));
    expect(part.stdout).toMatch(/^ +\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2} +cancel_\w+ +3000 +one item returned$/m);

    const over = await run(tid, '--amount', '9000');
    expect(over.code).toBe(1);
    expect(over.stderr).toContain(`409 CANCEL_AMOUNT_EXCEEDS_BALANCE: Cannot cancel 9000 of ${tid}: only 7000 is left to cancel`);

    for (const bad of ['2.5', '0']) {
      const refused = await run(tid, '--amount', bad);
      expect(refused.code, bad).toBe(2);
      expect(refused.stderr).toContain(`Invalid value for --amount: "${bad}"`);
    }

    const rest = await run(tid, '--json');
    expect(rest.code).toBe(0);
    const view = JSON.parse(rest.stdout) as { status: string; remainingAmount: number; cancellations: Array<{ amount: number }> };
    expect(view).toMatchObject({ status: 'CANCELLED', remainingAmount: 0 });
    expect(view.cancellations.map((c) => c.amount)).toEqual([3000, 7000]);
    const [, partial, closing] = await t.receiver.waitFor(3);
    expect([partial!.json, closing!.json]).toMatchObject([{ status: 'PARTIAL_CANCELLED' }, { status: 'CANCELLED' }]);
  }, 60_000);
});
