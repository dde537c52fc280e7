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
