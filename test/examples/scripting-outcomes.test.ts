/**
 * The walk-through of docs/scripting.md ("A walk-through you can run") is a
 * script; it must run as written (against the source, on free ports).
 */
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

function freePort(at = 0): Promise<number | null> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(null));
    server.listen(at, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** A free port whose next one is free too (hamster-pg's PortOne API takes server.port + 1). */
async function freePair(): Promise<number> {
  for (;;) {
    const port = (await freePort())!;
    if (port < 65535 && (await freePort(port + 1)) !== null) return port;
  }
}

describe('examples', () => {
  it('scripting-outcomes.sh runs as docs/scripting.md shows', async () => {
    const pgPort = await freePair();
    let hookPort = (await freePort())!;
    while (hookPort === pgPort + 1) hookPort = (await freePort())!;
    const tsx = pathToFileURL(join(ROOT, 'node_modules/tsx/dist/loader.mjs')).href;
    const env = {
      ...process.env,
      HAMSTER_PG: `${process.execPath} --import ${tsx} ${join(ROOT, 'src/cli.ts')}`,
      PG_PORT: String(pgPort),
      HOOK_PORT: String(hookPort),
    };
    const child = spawn('bash', [join(ROOT, 'examples/scripting-outcomes.sh')], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(out).toContain('All as scripted.');
    expect(out).not.toContain('✗');
    expect(code).toBe(0);
  }, 60_000);
});
