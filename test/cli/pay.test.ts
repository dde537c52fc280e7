/**
 * `hamster-pg pay` tells the truth about what happened: a refusal fails the
 * run (exit 1) and says why; payments another instance finalized and
 * delivered are found through the lookup API, not reported as lost.
 * The real command, as child processes.
 */
import { describe, expect, it } from 'vitest';
import { useCliFixture } from '../setup/cli-fixture.js';

const LISTENING = /hamster-pg listening on (http:\/\/127\.0\.0\.1:\d+)/;
const cli = useCliFixture();
const start = (args: string[]) => cli.start(args);
const serve = async (...args: string[]) => {
  const proc = start(['serve', '--port', '0', '--db', 'shared.db', '--webhook-url', cli.receiver.url, ...args]);
  const [, url] = await proc.waitFor(LISTENING);
  return url!;
};

describe('hamster-pg pay', () => {
  it('exits 1 when payments are refused, and prints the problem', async () => {
    const url = await serve();
    const pay = start(['pay', '--url', url, '--count', '2', '--mid', 'nobody', '--wait', '0']);
    expect((await pay.exited).code).toBe(1);
    expect(pay.stdout()).toContain('refused 422×2');
    expect(pay.stdout()).toContain('refused: 422 MERCHANT_UNKNOWN — No merchant is registered with mid nobody');
  });

  it('counts payments another instance on the same database finalized and delivered', async () => {
    // The one it calls never processes; the other does all the work.
    const called = await serve('--payment.process.polling.enabled', 'false');
    await serve('--payment.process.polling.initial-delay', '0', '--payment.process.polling.fixed-delay', '100');
    const pay = start(['pay', '--url', called, '--count', '5', '--json', '--wait', '20s']);
    expect((await pay.exited).code).toBe(0);
    const summary = JSON.parse(pay.stdout()) as { accepted: number; notFinal: number; webhooksDelivered: number; final: Record<string, number> };
    expect(summary).toMatchObject({ accepted: 5, notFinal: 0, webhooksDelivered: 5 });
    expect((summary.final.SUCCESS ?? 0) + (summary.final.FAILED ?? 0)).toBe(5);
    expect(cli.receiver.requests).toHaveLength(5);
  });
});
