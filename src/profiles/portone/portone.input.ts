/**
 * Reading PortOne request bodies by hand: the SDK sends them as text/plain
 * JSON, checks nothing itself, and a wrong field must come back as
 * INVALID_REQUEST naming it. Pure.
 */
import { invalidRequest } from './portone.errors.js';

export type Json = Record<string, unknown>;

export function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The body as an object (absent: `{}`). */
export function bodyOf(raw: unknown): Json {
  if (raw === undefined || raw === null) return {};
  if (!isObject(raw)) throw invalidRequest('The request body must be a JSON object');
  return raw;
}

export function object(o: Json, field: string, required: true): Json;
export function object(o: Json, field: string, required?: false): Json | undefined;
export function object(o: Json, field: string, required = false): Json | undefined {
  const v = o[field];
  if (v === undefined || v === null) {
    if (required) throw invalidRequest(`${field} is required`);
    return undefined;
  }
  if (!isObject(v)) throw invalidRequest(`${field} must be an object`);
  return v;
}

export function string(o: Json, field: string, required: true, at?: string): string;
export function string(o: Json, field: string, required?: false, at?: string): string | undefined;
export function string(o: Json, field: string, required = false, at = field): string | undefined {
  const v = o[field];
  if (v === undefined || v === null) {
    if (required) throw invalidRequest(`${at} is required`);
    return undefined;
  }
  if (typeof v !== 'string') throw invalidRequest(`${at} must be a string`);
  return v;
}

/** A whole number (int64 in PortOne's types), ≥ min. */
export function integer(o: Json, field: string, required: true, min?: number, at?: string): number;
export function integer(o: Json, field: string, required?: false, min?: number, at?: string): number | undefined;
export function integer(o: Json, field: string, required = false, min = 0, at = field): number | undefined {
  const v = o[field];
  if (v === undefined || v === null) {
    if (required) throw invalidRequest(`${at} is required`);
    return undefined;
  }
  if (typeof v !== 'number' || !Number.isSafeInteger(v)) throw invalidRequest(`${at} must be a whole number`);
  if (v < min) throw invalidRequest(`${at} must be at least ${min}`);
  return v;
}

export function boolean(o: Json, field: string): boolean | undefined {
  const v = o[field];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'boolean') throw invalidRequest(`${field} must be true or false`);
  return v;
}

export function oneOf<T extends string>(o: Json, field: string, values: readonly T[], at = field): T | undefined {
  const v = string(o, field, false, at);
  if (v === undefined) return undefined;
  if (!(values as readonly string[]).includes(v)) throw invalidRequest(`${at} must be one of ${values.join(', ')}`);
  return v as T;
}

/** An RFC 3339 date-time, as epoch ms. */
export function instant(o: Json, field: string, at = field): number | undefined {
  const v = string(o, field, false, at);
  if (v === undefined) return undefined;
  const ms = Date.parse(v);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(v) || Number.isNaN(ms)) throw invalidRequest(`${at} must be an RFC 3339 date-time`);
  return ms;
}

/** The JSON a GET carries in `?requestBody=` (how the SDK sends list queries). */
export function queryBody(query: unknown): Json {
  const raw = isObject(query) ? query.requestBody : undefined;
  if (raw === undefined || raw === '') return {};
  if (typeof raw !== 'string') throw invalidRequest('requestBody must be given once');
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw invalidRequest('requestBody is not JSON');
  }
  return bodyOf(parsed);
}
