/**
 * What cannot work stops start-up at once, with one line naming the setting
 * and the cause, and exit status 2 — never a stack trace, never a silent spin.
 * The real command, as child processes.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
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

async function fails(args: string[]): Promise<string> {
  const proc = runCli(['serve', '--port', '0', ...args], { cwd: dir.path });
  running.push(proc);
  // A spin would never exit: the test's own timeout catches it.
  const { code } = await proc.exited;
  expect(code).toBe(2);
  const lines = proc.stderr().trim().split('\n');
  expect(lines, proc.stderr()).toHaveLength(1);
  expect(lines[0]).not.toMatch(/\bat .*:\d+:\d+/);
  return lines[0]!;
}

describe('start-up faults', () => {
  it.skipIf(!existsSync('/proc/self'))('a database folder that cannot be made (under /proc): one line, no spin', async () => {
    expect(await fails(['--db', '/proc/hamster-pg-nope/x.db'])).toMatch(/^hamster-pg: Cannot use the database in database\.url \(SQLite \/proc\/hamster-pg-nope\/x\.db\): .*mkdir/);
  });

  it('a file that is not a database, and a folder given as the file', async () => {
    writeFileSync(`${dir.path}/junk.db`, 'this is not SQLite\n'.repeat(100));
    expect(await fails(['--db', 'junk.db'])).toMatch(/database\.url \(SQLite .*junk\.db\): file is not a database/);
    mkdirSync(`${dir.path}/a-folder`);
    expect(await fails(['--db', 'a-folder'])).toMatch(/database\.url \(SQLite .*a-folder\): unable to open database file/);
  });

  it('a PostgreSQL server that does not answer', async () => {
    expect(await fails(['--db', 'postgres://nobody@127.0.0.1:1/nothing'])).toMatch(
      /database\.url \(PostgreSQL 127\.0\.0\.1:1\/nothing\): connect ECONNREFUSED/,
    );
  });

  it('a configuration file that cannot be read', async () => {
    mkdirSync(`${dir.path}/conf.yml`);
    expect(await fails(['--config', 'conf.yml'])).toMatch(/Configuration file .*conf\.yml cannot be read: EISDIR/);
  });
});
