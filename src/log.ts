/**
 * The service's logger: pino, JSON lines by default; readable lines (through
 * pino-pretty) when stdout is a terminal. Every log line about one payment
 * carries its `tid`, so a payment's story can be grepped.
 */
import { pino, type Logger } from 'pino';

export type { Logger } from 'pino';

export function createLogger(level: string, pretty = process.stdout.isTTY === true): Logger {
  if (!pretty) return pino({ level });
  return pino({
    level,
    transport: { target: 'pino-pretty', options: { translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' } },
  });
}

export const silentLogger: Logger = pino({ level: 'silent' });
