/**
 * The command as it ships: the single-file bundle (dist/hamster-pg.mjs, what
 * `npm start` and the `hamster-pg` bin run). Built fresh here, then driven
 * like the seed's walk-through, plus the pages it serves; and its start
 * from V8's code cache (src/launcher.ts).
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
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

  it('starts from a code cache it wrote itself: one per set of flags and command, kept while valid, replaced when not', () => {
    const cache = join(dir.path, 'code-cache');
    const env = { ...process.env, HAMSTER_PG_CODE_CACHE: cache };
    const version = (flags: string[] = []) => execFileSync(process.execPath, [...flags, BUNDLE, '--version'], { env, encoding: 'utf8' }).trim();
    const expected = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

    expect(version()).toBe(expected);
    const bundleKey = createHash('sha1').update(readFileSync(join(ROOT, 'dist/hamster-pg.cjs'))).digest('hex').slice(0, 16);
    const [first, ...others] = readdirSync(cache);
    expect(others).toEqual([]);
    expect(first).toMatch(new RegExp(`^${bundleKey}-[0-9a-f]{16}\\.v8cache$`));
    const file = join(cache, first!);
    const made = statSync(file).mtimeMs;
    expect(statSync(file).size).toBeGreaterThan(100_000);

    // Accepted: not written again.
    expect(version()).toBe(expected);
    expect(statSync(file).mtimeMs).toBe(made);

    // Other flags, another command: a cache of their own beside it.
    expect(version(['--max-old-space-size=128'])).toBe(expected);
    expect(readdirSync(cache)).toHaveLength(2);
    expect(execFileSync(process.execPath, [BUNDLE, 'pay', '--help'], { env, encoding: 'utf8' })).toMatch(/pay/);
    expect(readdirSync(cache)).toHaveLength(3);

    // A damaged cache is refused by V8, the command runs all the same, and the cache is made again.
    const garbage = Buffer.alloc(statSync(file).size, 7);
    writeFileSync(file, garbage);
    expect(version()).toBe(expected);
    expect(readFileSync(file).equals(garbage)).toBe(false);
    const remade = statSync(file).mtimeMs;
    expect(version()).toBe(expected);
    expect(statSync(file).mtimeMs).toBe(remade);

    // Another build's cache in the folder is removed when this one's is written.
    const stale = join(cache, '0000000000000000-0000000000000000.v8cache');
    writeFileSync(stale, 'old');
    expect(version(['--max-old-space-size=100'])).toBe(expected);
    expect(readdirSync(cache)).not.toContain('0000000000000000-0000000000000000.v8cache');
    expect(readdirSync(cache).every((name) => name.startsWith(bundleKey))).toBe(true);
  });
});
