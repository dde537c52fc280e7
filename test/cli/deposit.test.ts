/**
 * `hamster-pg deposit <transactionId>`: the real command, as a child
 * process, against a real service: a PortOne virtual account waiting for its
 * deposit is paid now (Transaction.Paid sent, verified with the SDK); a
 * payment that is not one is refused with the problem (exit 1).
 */
import { PortOneClient, Webhook } from '@portone/server-sdk';
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
  const proc = cli.start(['deposit', ...args, '--url', t.url]);
  const { code } = await proc.exited;
  return { code, stdout: proc.stdout(), stderr: proc.stderr() };
};

describe('hamster-pg deposit', () => {
  it('pays an issued virtual account now, and refuses a payment that is not one', async () => {
    const portone = PortOneClient({ secret: 'hamster-pg-portone-test-api-secret', baseUrl: t.app.profileUrl('portone') });
    await portone.payment.payInstantly({
      paymentId: 'PO_CLI_VA',
      method: { virtualAccount: { bank: 'KOOKMIN', expiry: { validHours: 2 }, option: { type: 'NORMAL' } } },
      orderName: 'Hamster house',
      amount: { total: 21_000 },
      currency: 'KRW',
    });
    const issued = (await portone.payment.getPayment({ paymentId: 'PO_CLI_VA' })) as { status: string; transactionId: string };
    expect(issued.status).toBe('VIRTUAL_ACCOUNT_ISSUED');

    const paid = await run(issued.transactionId);
    expect(paid.code, paid.stderr).toBe(0);
    expect(paid.stdout).toMatch(new RegExp(`^${issued.transactionId} +PAID — deposited now\\n +Transaction.Paid → ${t.receiver.url}: delivered \\(200\\)`));
    expect((await portone.payment.getPayment({ paymentId: 'PO_CLI_VA' })).status).toBe('PAID');
    const hooks = await t.receiver.waitFor(2);
    const types = await Promise.all(
      hooks.map(async (r) => (await Webhook.verify('whsec_aGFtc3Rlci1wZyBwb3J0b25lIHdlYmhvb2sgdGVzdCE=', r.body, r.headers)).type),
    );
    expect(types).toEqual(['Transaction.VirtualAccountIssued', 'Transaction.Paid']);

    const again = await run(issued.transactionId);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain(`409 STATUS_CONFLICT: Payment ${issued.transactionId} is PAID, not a virtual account waiting for its deposit`);
    const unknown = await run('NO_SUCH_TID');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('404 PAYMENT_NOT_FOUND');
  }, 60_000);
});
