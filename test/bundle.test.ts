/**
 * The command as it ships: the single-file bundle (dist/hamster-pg.mjs, what
 * `npm start` and the `hamster-pg` bin run). Built fresh here, then driven
 * like the seed's walk-through, plus the pages it serves.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from './setup/tmp.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BUNDLE = join(ROOT, 'dist/hamster-pg.mjs');
const children: ChildProcess[] = [];
const dir = tempDir();

function run(args: string[]): { child: ChildProcess; output: () => string; wait: (re: RegExp) => Promise<RegExpMatchArray> } {
  const child = spawn(process.execPath, [BUNDLE, ...args], { cwd: dir.path, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let out = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
  return {
    child,
    output: () => out,
    wait: (re) =>
      new Promise((resolve, reject) => {
        const timer = setInterval(() => {
          const m = out.match(re);
          if (m) {
            clearInterval(timer);
            resolve(m);
          } else if (child.exitCode !== null) {
            clearInterval(timer);
            reject(new Error(`exited before ${re}: ${out}`));
          }
        }, 20);
      }),
  };
}

beforeAll(() => {
  execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'ignore' });
}, 120_000);

afterAll(() => {
  for (const c of children) c.kill('SIGKILL');
  dir.remove();
});

describe('the bundled command', () => {
  it('runs the walk-through and serves the dashboard, the docs and the metrics', async () => {
    const sink = run(['sink', '--port', '0']);
    const [, sinkUrl] = await sink.wait(/listening on (http:\/\/\S+)/);
    const serve = run(['serve', '--port', '0', '--webhook-url', sinkUrl!, '--payment.process.polling.initial-delay', '0', '--payment.process.polling.fixed-delay', '100']);
    const [, url] = await serve.wait(/hamster-pg listening on (http:\/\/127\.0\.0\.1:\d+)/);
    const res = await fetch(`${url}/api/payment`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ orderId: 'ORD_BUNDLE', amount: 10000, echo: { mid: 'hamster_dummy_mid_001' } }),
    });
    expect(res.status).toBe(202);
    const { transactionId } = (await res.json()) as { transactionId: string };
    await sink.wait(new RegExp(`"transactionId": "${transactionId}"`));
    for (const [path, pattern] of [
      ['/', /<html/i],
      ['/docs/', /swagger-ui/i],
      ['/openapi.json', /"openapi":"3\.1\.0"/],
      ['/metrics', /hamster_payments_accepted_total 1/],
      ['/ready', /"ready"/],
    ] as const) {
      const page = await fetch(`${url}${path}`);
      expect(page.status, path).toBe(200);
      expect(await page.text(), path).toMatch(pattern);
    }
    serve.child.kill('SIGTERM');
    await new Promise((r) => serve.child.once('exit', r));
    expect(serve.child.exitCode).toBe(0);
  }, 60_000);
});
