/**
 * `serve --workers N` refuses at once, with one line naming the setting and
 * exit status 2, what a cluster cannot do: SQLite, a fixed Snowflake worker
 * id. No PostgreSQL needed (test/cluster/cluster.test.ts runs a real cluster).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { serveHelp } from '../../src/cli/serve.js';
import { killAll, runCli, type Running } from '../setup/process.js';
import { tempDir } from '../setup/tmp.js';

let dir: ReturnType<typeof tempDir>;
const running: Running[] = [];
beforeEach(() => {
  dir = tempDir();
});
afterEach(async () => {
  await killAll(running);
  dir.remove();
});

async function refused(args: string[], env: Record<string, string> = {}): Promise<string> {
  const proc = runCli(['serve', '--port', '0', ...args], { cwd: dir.path, env });
  running.push(proc);
  const { code } = await proc.exited;
  expect(code, proc.stderr()).toBe(2);
  const lines = proc.stderr().trim().split('\n');
  expect(lines, proc.stderr()).toHaveLength(1);
  return lines[0]!;
}

describe('serve --workers', () => {
  it('refuses SQLite (a file or :memory:), from a flag or the environment', async () => {
    const message =
      'hamster-pg: server.workers 2 needs PostgreSQL in database.url: SQLite has one writer at a time, so more processes would only wait on each other (use one worker, or a postgres:// URL)';
    expect(await refused(['--workers', '2', '--db', 'x.db'])).toBe(message);
    expect(await refused(['--db', ':memory:'], { SERVER_WORKERS: '2' })).toBe(message);
  });

  it('refuses a fixed server.worker-id: each worker leases its own', async () => {
    // Refused before the database is used: this PostgreSQL need not exist.
    expect(await refused(['--workers', '2', '--db', 'postgres://nobody@127.0.0.1:1/nothing', '--server.worker-id', '5'])).toBe(
      'hamster-pg: server.workers 2 cannot be used with server.worker-id 5: each worker leases a Snowflake worker id of its own (leave server.worker-id unset)',
    );
  });

  it('a PostgreSQL server that does not answer is said once, by the primary, before any worker starts', async () => {
    expect(await refused(['--workers', '2', '--db', 'postgres://nobody@127.0.0.1:1/nothing'])).toMatch(
      /^hamster-pg: Cannot use the database in database\.url \(PostgreSQL 127\.0\.0\.1:1\/nothing\): connect ECONNREFUSED/,
    );
  });

  it('--help lists the setting and its short flag', () => {
    const help = serveHelp();
    expect(help).toMatch(/--workers N\s+= --server\.workers/);
    expect(help).toMatch(/--server\.workers\s+processes serving on the one port \(node:cluster\); more than 1 needs PostgreSQL in database\.url\n\s+env SERVER_WORKERS, default 1/);
  });
});
