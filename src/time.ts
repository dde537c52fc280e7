/**
 * Time as the seed shows it: ISO-8601 local date-times without a zone
 * (`2026-02-05T10:00:05`), in the server's time zone (the `TZ` environment
 * variable, as for any Node.js process). Instants are kept as epoch
 * milliseconds everywhere else, so only the edges format.
 */

/** Milliseconds since the epoch; injected so workers and tests control time. */
export type Clock = () => number;

export const systemClock: Clock = () => Date.now();

const pad2 = (n: number): string => (n < 10 ? `0${n}` : String(n));

/** `2026-02-05T10:00:05` — seconds precision, as in the seed's examples. */
export function toLocalDateTime(epochMs: number): string {
  const d = new Date(epochMs);
  return (
    `${d.getFullYear()}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())}` +
    `T${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())}`
  );
}

let stampFrom = 0;
let stampUntil = -1;
let stamp = '';

/** `20260205` — the server-local date used inside a tid (one Date per local day, not per payment). */
export function localDateStamp(epochMs: number): string {
  if (epochMs >= stampFrom && epochMs < stampUntil) return stamp;
  const d = new Date(epochMs);
  stamp = `${d.getFullYear()}${pad2(d.getMonth() + 1)}${pad2(d.getDate())}`;
  stampFrom = new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime();
  stampUntil = new Date(d.getFullYear(), d.getMonth(), d.getDate() + 1).getTime();
  return stamp;
}

export function toLocalDateTimeOrNull(epochMs: number | null): string | null {
  return epochMs === null ? null : toLocalDateTime(epochMs);
}

/** `2026-02-05`, `2026-02-05T10:00[:05]` (server time) or ISO-8601 with a zone → epoch ms. */
export function parseInstant(text: string): number | null {
  const local = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?)?$/.exec(text);
  if (local) {
    const [, y, mo, d, h = '0', mi = '0', s = '0'] = local;
    const ms = new Date(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s)).getTime();
    return Number.isNaN(ms) ? null : ms;
  }
  if (/^\d{4}-\d{2}-\d{2}T.*(Z|[+-]\d{2}:?\d{2})$/.test(text)) {
    const ms = Date.parse(text);
    return Number.isNaN(ms) ? null : ms;
  }
  return null;
}

const DURATION_UNITS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/**
 * Milliseconds from a plain number (`3000`) or text with a unit (`500ms`,
 * `3s`, `2m`, `1h`, `1d`; decimals allowed, rounded to the millisecond);
 * undefined otherwise. The one reading of a duration: configuration,
 * scenario rules and the CLI's flags each only add their own bounds.
 */
export function parseDuration(raw: unknown): number | undefined {
  // A number is read as its text, so `1e21` is refused like the text `1e21`.
  const s = typeof raw === 'string' ? raw.trim() : typeof raw === 'number' ? String(raw) : undefined;
  const m = s === undefined ? null : /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?$/.exec(s);
  if (!m) return undefined;
  return Math.round(Number(m[1]) * DURATION_UNITS[(m[2] ?? 'ms') as keyof typeof DURATION_UNITS]);
}

/** Milliseconds as they are usually written: `5s`, `5m`, `24h`, `1500ms`, `0`. */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0';
  for (const [unit, size] of [['d', 86_400_000], ['h', 3_600_000], ['m', 60_000], ['s', 1000]] as const) {
    if (ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}
