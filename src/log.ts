/**
 * The service's logger: pino, JSON lines by default; readable lines (through
 * pino-pretty) when stdout is a terminal. Every log line about one payment
 * carries its `tid`, so a payment's story can be grepped.
 */
import { writeSync } from 'node:fs';
import { pino, type Logger } from 'pino';

export type { Logger } from 'pino';

/**
 * Lines to fd 1, each written at once. A stdout nobody reads any more
 * (`serve | head`) drops them: pino's own destination retries a failed
 * write for ever when it flushes at exit, so the process never exited.
 */
const stdoutLines = {
  write(line: string): void {
    let bytes = Buffer.from(line);
    try {
      while (bytes.length > 0) bytes = bytes.subarray(writeSync(1, bytes));
    } catch {
      // EPIPE (or the like): nobody is reading; the line is dropped.
    }
  },
};

export function createLogger(level: string, pretty = process.stdout.isTTY === true): Logger {
  if (!pretty) return pino({ level }, stdoutLines);
  return pino({
    level,
    transport: { target: 'pino-pretty', options: { translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' } },
  });
}

export const silentLogger: Logger = pino({ level: 'silent' });
