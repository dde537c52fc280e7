/**
 * Stopping never depends on anyone reading the output: with stdout and
 * stderr closed (`serve | head`), SIGTERM still stops the service cleanly;
 * a second signal exits at once. The real command, as child processes.
 */
import { describe, expect, it } from 'vitest';
import { useCliFixture } from '../setup/cli-fixture.js';
import type { Running } from '../setup/process.js';

const LISTENING = /hamster-pg listening on (http:\/\/127\.0\.0\.1:\d+)/;
const cli = useCliFixture();

async function serve(...args: string[]): Promise<{ proc: Running; url: string }> {
  const proc = cli.start(['serve', '--port', '0', '--webhook-url', cli.receiver.url, ...args]);
  const [, url] = await proc.waitFor(LISTENING);
  return { proc, url: url! };
}

describe('signals', () => {
  it('SIGTERM stops the service cleanly when nobody reads its output any more', async () => {
    // (In memory: the stop is quick, and its last lines meet the closed pipe.)
    const { proc } = await serve('--db', ':memory:');
    proc.child.stdout!.destroy();
    proc.child.stderr!.destroy();
    await new Promise((r) => setTimeout(r, 100));
    proc.kill('SIGTERM');
    expect(await proc.exited).toEqual({ code: 0, signal: null });
  });

  it('a second signal exits at once, while the first is still waiting for a webhook', async () => {
    cli.receiver.answer = () => ({ status: 200, delayMs: 20_000 }); // a webhook that holds the stop
    const { proc, url } = await serve('--db', 'signals.db', '--payment.process.polling.initial-delay', '0', '--payment.process.polling.fixed-delay', '50', '--payment.webhook.timeout', '30s');
    await fetch(`${url}/api/payment`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"orderId":"O","amount":1}' });
    await proc.waitFor(/payment finalized/);
    proc.kill('SIGTERM');
    await proc.waitFor(/SIGTERM: finishing requests/);
    proc.kill('SIGINT');
    expect((await proc.exited).code).toBe(130);
  });
});
