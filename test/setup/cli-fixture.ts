/**
 * What a test of the real command needs, made before each test and cleaned
 * up after it: a temporary folder to run in, a webhook receiver, and every
 * process the test starts (killed if still running).
 */
import { afterEach, beforeEach } from 'vitest';
import { killAll, runCli, type Running } from './process.js';
import { startReceiver, type Receiver } from './receiver.js';
import { tempDir } from './tmp.js';

export interface CliFixture {
  readonly dir: string;
  readonly receiver: Receiver;
  /** Runs `hamster-pg <args>` in the folder; killed after the test. */
  start(args: string[], env?: Record<string, string>): Running;
}

export function useCliFixture(): CliFixture {
  let dir: ReturnType<typeof tempDir>;
  let receiver: Receiver;
  const running: Running[] = [];
  beforeEach(async () => {
    dir = tempDir();
    receiver = await startReceiver();
  });
  afterEach(async () => {
    await killAll(running.splice(0));
    await receiver.close();
    dir.remove();
  });
  return {
    get dir() {
      return dir.path;
    },
    get receiver() {
      return receiver;
    },
    start(args, env = {}) {
      const proc = runCli(args, { cwd: dir.path, env });
      running.push(proc);
      return proc;
    },
  };
}
