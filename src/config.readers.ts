/**
 * How configuration values are read: each reader takes a raw value (text
 * from the environment or a flag, or a YAML value) and returns the typed
 * value, or undefined when it is not allowed. A reader may instead throw a
 * ReaderError to say precisely what is wrong (structured values).
 */
import { parseDuration } from './time.js';

export type Reader<T> = (raw: unknown) => T | undefined;

/** Thrown by a reader of a structured value, with the details. */
export class ReaderError extends Error {}

export const text = (raw: unknown): string | undefined =>
  typeof raw === 'string' ? raw.trim() : typeof raw === 'number' ? String(raw) : undefined;

export function integer(min: number, max: number): Reader<number> {
  return (raw) => {
    const s = text(raw);
    if (s === undefined || !/^-?\d+$/.test(s)) return undefined;
    const n = Number(s);
    return Number.isSafeInteger(n) && n >= min && n <= max ? n : undefined;
  };
}

export function decimal(min: number, max: number): Reader<number> {
  return (raw) => {
    const s = text(raw);
    if (s === undefined || !/^-?(\d+(\.\d*)?|\.\d+)$/.test(s)) return undefined;
    const n = Number(s);
    return n >= min && n <= max ? n : undefined;
  };
}

/** Milliseconds (see parseDuration), from `min` to `max`. */
export function duration(min: number, max: number): Reader<number> {
  return (raw) => {
    const ms = parseDuration(raw);
    return ms !== undefined && ms >= min && ms <= max ? ms : undefined;
  };
}

/** A YAML list, or one string with the items separated by commas or spaces. */
export function list<T>(item: Reader<T>, min: number, max: number): Reader<T[]> {
  return (raw) => {
    const items = Array.isArray(raw) ? raw : (text(raw) ?? '').split(/[\s,]+/).filter((x) => x !== '');
    if (items.length < min || items.length > max) return undefined;
    const out: T[] = [];
    for (const it of items) {
      const v = item(it);
      if (v === undefined) return undefined;
      out.push(v);
    }
    return out;
  };
}

/** A Standard Webhooks secret: `whsec_` followed by base64 of at least 16 bytes. */
export const webhookSecret: Reader<string> = (raw) => {
  const s = text(raw);
  if (!s?.startsWith('whsec_')) return undefined;
  const b64 = s.slice('whsec_'.length);
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(b64) || b64.length % 4 !== 0) return undefined;
  return Buffer.from(b64, 'base64').length >= 16 ? s : undefined;
};

export const boolean: Reader<boolean> = (raw) => {
  if (typeof raw === 'boolean') return raw;
  const s = text(raw)?.toLowerCase();
  return s === 'true' ? true : s === 'false' ? false : undefined;
};

export const nonEmpty: Reader<string> = (raw) => {
  const s = text(raw);
  return s ? s : undefined;
};

export const httpUrl: Reader<string> = (raw) => {
  const s = text(raw);
  if (!s || !URL.canParse(s)) return undefined;
  const u = new URL(s);
  return u.protocol === 'http:' || u.protocol === 'https:' ? s : undefined;
};

/** A web origin as browsers send it (`http://localhost:3000`: scheme, host, port; no path), or `*`. */
export const webOrigin: Reader<string> = (raw) => {
  const s = text(raw);
  if (s === '*') return s;
  if (!s || !URL.canParse(s)) return undefined;
  const u = new URL(s);
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return undefined;
  return u.origin === s.replace(/\/$/, '') ? u.origin : undefined;
};

/** Unset (empty) means random outcomes; anything else seeds them. */
export const seed: Reader<string | null> = (raw) => {
  if (raw === null) return null;
  const s = text(raw);
  return s === undefined ? undefined : s === '' ? null : s;
};

export function oneOf<T extends string>(values: readonly T[]): Reader<T> {
  return (raw) => {
    const s = text(raw)?.toLowerCase();
    return values.find((v) => v === s);
  };
}

