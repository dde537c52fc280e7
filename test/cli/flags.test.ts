/** A mistyped flag is refused with the nearest known one, for every command. The real command, as child processes. */
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

describe('mistyped flags', () => {
  it.each([
    [['serve', '--prot', '9000'], "Unknown option '--prot' (did you mean --port?)"],
    [['serve', '--payment.webhook.urll', 'http://x'], "Unknown option '--payment.webhook.urll' (did you mean --payment.webhook.url?)"],
    [['pay', '--cuont', '3'], "Unknown option '--cuont' (did you mean --count?)"],
    [['sink', '--secrett', 'x'], "Unknown option '--secrett' (did you mean --secret?)"],
  ])('%j is refused with a suggestion (exit 2)', async (args, message) => {
    const proc = runCli(args, { cwd: dir.path });
    running.push(proc);
    expect((await proc.exited).code).toBe(2);
    expect(proc.stderr()).toContain(message);
  });
});
