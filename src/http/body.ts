/**
 * The JSON body reader, shared by every route: `Content-Encoding` gzip /
 * deflate / br decoded as it streams, the 1 MiB limit counted after
 * decoding (a zip bomb is cut off at the limit, not inflated); any other
 * coding is 415. The bytes must be UTF-8 (a `charset` other than UTF-8 is
 * 415, invalid bytes 400) and the strings I-JSON (RFC 7493: no lone
 * surrogate, keys included). A plain JSON body pays a few header tests.
 */
import { isUtf8 } from 'node:buffer';
import type { Readable } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate, type BrotliDecompress, type Gunzip, type Inflate } from 'node:zlib';
import { errorCodes, type FastifyRequest } from 'fastify';
import secureJson from 'secure-json-parse';
import { ForbiddenProperty, MalformedJson } from '../errors.js';
import { HttpProblem } from './problem.js';
/** The codings a request body may come in, as `Accept-Encoding` says them on a 415. */
export const ACCEPTED_ENCODINGS = 'gzip, deflate, br';

type Decoder = Gunzip | Inflate | BrotliDecompress;
type Done = (error: Error | null, body?: unknown) => void;

const DECODERS: Readonly<Record<string, () => Decoder>> = {
  gzip: createGunzip,
  'x-gzip': createGunzip, // RFC 9110 §8.4.1.3: the same as gzip
  deflate: createInflate, // RFC 9110 §8.4.1.2: the zlib format
  br: createBrotliDecompress,
};

/**
 * The body parser of every JSON content type: reads the body (decoding its
 * Content-Encoding), holds it to `limit` bytes after decoding, and parses it.
 * Without a Content-Encoding it does what Fastify's own reader does (raw
 * Buffers, decoded once at the end).
 */
export function jsonBodyParser(limit: number) {
  return (request: FastifyRequest, payload: Readable, done: Done): void => {
    const headers = request.headers;
    const contentType = headers['content-type'];
    if (contentType !== undefined && CHARSET_PARAM.test(contentType) && !UTF8_CHARSET.test(contentType)) {
      done(unsupportedCharset(contentType));
      return;
    }
    const coding = headers['content-encoding'];
    let decoding: Decoding | null = null;
    if (coding !== undefined) {
      const chosen = decodingOf(coding);
      if (chosen instanceof HttpProblem) {
        done(chosen);
        return;
      }
      decoding = chosen;
    }
    readBody(payload, decoding, Number(headers['content-length']), limit, (error, bytes) => {
      if (error !== null) {
        done(error);
        return;
      }
      let body: unknown;
      try {
        body = parseJson(bytes!, coding !== undefined);
      } catch (refusal) {
        done(refusal as Error);
        return;
      }
      done(null, body);
    });
  };
}

interface Decoding {
  coding: string;
  decoder: Decoder;
}

/** The decoding of a Content-Encoding (null: identity), or the 415 that refuses it. */
function decodingOf(header: string): Decoding | null | HttpProblem {
  const codings = header
    .split(',')
    .map((c) => c.trim().toLowerCase())
    .filter((c) => c !== '' && c !== 'identity');
  if (codings.length === 0) return null;
  const make = codings.length === 1 ? DECODERS[codings[0]!] : undefined;
  if (make !== undefined) return { coding: codings[0]!, decoder: make() };
  return new HttpProblem(
    415,
    'UNSUPPORTED_MEDIA_TYPE',
    'Unsupported media type',
    codings.length === 1
      ? `Content-Encoding ${printable(codings[0]!)} is not supported; send the body in one of ${ACCEPTED_ENCODINGS}, or unencoded`
      : `Content-Encoding names ${codings.length} codings; send the body in at most one of ${ACCEPTED_ENCODINGS}`,
    { 'accept-encoding': ACCEPTED_ENCODINGS },
  );
}

/**
 * Reads the body: `contentLength` (NaN when absent) is checked against the
 * bytes on the wire, `limit` against the bytes after decoding. Past the limit
 * the decoder is destroyed at once, so a small body that inflates to
 * gigabytes costs the limit and one decoder chunk, no more.
 */
function readBody(
  payload: Readable,
  decoding: Decoding | null,
  contentLength: number,
  limit: number,
  done: (error: Error | null, bytes?: Buffer) => void,
): void {
  if (contentLength > limit) {
    done(new errorCodes.FST_ERR_CTP_BODY_TOO_LARGE());
    return;
  }
  const decoder = decoding?.decoder ?? null;
  const source: Readable = decoder ?? payload;
  let received = 0;
  let wire = 0;
  let first: Buffer | null = null;
  let more: Buffer[] | null = null;
  let finished = false;

  function finish(error: Error | null, bytes?: Buffer) {
    if (finished) return;
    finished = true;
    source.removeListener('data', onData);
    source.removeListener('end', onEnd);
    if (decoder === null) {
      payload.removeListener('error', onPayloadError);
    } else {
      // Whatever the decoder still says is dropped; the rest of the body is read and
      // dropped too (a refusal closes the connection).
      decoder.removeListener('error', onDecoderError);
      decoder.on('error', ignore);
      payload.removeListener('data', countWire);
      payload.removeListener('error', onPayloadError);
      payload.unpipe(decoder);
      decoder.destroy();
      if (error !== null) payload.resume();
    }
    done(error, bytes);
  }
  function onData(chunk: Buffer) {
    received += chunk.length;
    if (received > limit) {
      finish(new errorCodes.FST_ERR_CTP_BODY_TOO_LARGE());
      return;
    }
    if (first === null) first = chunk;
    else (more ??= [first]).push(chunk);
  }
  function onEnd() {
    if (!Number.isNaN(contentLength) && (decoder === null ? received : wire) !== contentLength) {
      finish(new errorCodes.FST_ERR_CTP_INVALID_CONTENT_LENGTH());
      return;
    }
    finish(null, more !== null ? Buffer.concat(more, received) : (first ?? EMPTY));
  }
  function onPayloadError(error: Error & { statusCode?: number }) {
    if (!(typeof error.statusCode === 'number' && error.statusCode >= 400)) error.statusCode = 400;
    finish(error);
  }
  function onDecoderError(error: Error) {
    finish(
      new HttpProblem(
        400,
        'INVALID_CONTENT_ENCODING',
        'Invalid content encoding',
        `The body is not valid ${decoding!.coding} data: ${error.message}`,
      ),
    );
  }
  function countWire(chunk: Buffer) {
    wire += chunk.length;
  }

  source.on('data', onData);
  source.on('end', onEnd);
  payload.on('error', onPayloadError);
  if (decoder === null) {
    payload.resume();
  } else {
    decoder.on('error', onDecoderError);
    payload.on('data', countWire);
    payload.pipe(decoder);
  }
}

const EMPTY = Buffer.alloc(0);
const ignore = () => {};

/** A charset parameter; one that says UTF-8 (WHATWG's labels utf-8 and utf8, quoted or not). */
const CHARSET_PARAM = /;\s*charset\s*=/i;
const UTF8_CHARSET = /;\s*charset\s*=\s*(?:utf-?8|"utf-?8")\s*(?:;|$)/i;

function unsupportedCharset(contentType: string): HttpProblem {
  const named = /;\s*charset\s*=\s*("?)([^";]*)\1/i.exec(contentType)?.[2]?.trim() ?? '';
  return new HttpProblem(
    415,
    'UNSUPPORTED_MEDIA_TYPE',
    'Unsupported media type',
    `The body must be UTF-8 JSON; charset=${named} is not accepted (leave the charset out, or say utf-8)`,
  );
}

/** A JSON text: UTF-8, valid JSON, no prototype keys, no lone surrogate. */
function parseJson(bytes: Buffer, encoded: boolean): unknown {
  const text = bytes.toString('utf8');
  // A replacement character is where an invalid byte sequence was (or a
  // real U+FFFD: the bytes decide). A one-byte string cannot hold it, so
  // for ASCII and Latin-1 text this costs nothing.
  if (text.includes('\uFFFD') && !isUtf8(bytes)) {
    throw new HttpProblem(
      400,
      'INVALID_UTF8',
      'Invalid UTF-8',
      `The body is not UTF-8: an invalid byte sequence at byte ${firstInvalidByte(bytes)}${compressedHint(bytes, encoded)}`,
    );
  }
  // No body at all is "no body" (the schema then says what is missing),
  // so clients that always send Content-Type: application/json still work.
  if (text.trim() === '') return undefined;
  let value: unknown;
  try {
    value = secureJson.parse(text, undefined, { protoAction: 'error', constructorAction: 'error' });
  } catch (error) {
    const message = (error as Error).message;
    if (/prototype/i.test(message)) throw new ForbiddenProperty('The body may not contain __proto__ or constructor.prototype keys');
    throw new MalformedJson(`The body is not valid JSON${compressedHint(bytes, encoded)}: ${printable(message)}`);
  }
  // Only an escape can make a surrogate (raw surrogate bytes are not UTF-8).
  if (text.includes('\\u') && SURROGATE_ESCAPE.test(text)) {
    const where = loneSurrogateAt(value);
    if (where !== null) {
      throw new HttpProblem(
        400,
        'LONE_SURROGATE',
        'Lone surrogate',
        `${where} holds a lone surrogate (an unpaired \\uD800-\\uDFFF escape), which no UTF-8 text can carry; the body must be I-JSON (RFC 7493)`,
      );
    }
  }
  return value;
}

const SURROGATE_ESCAPE = /\\u[dD][89a-fA-F]/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Where the first string or key with a lone surrogate is (`echo.note`, `body`), or null. */
function loneSurrogateAt(root: unknown): string | null {
  const stack: Array<[unknown, string]> = [[root, '']];
  const name = (path: string, key: string) => (path === '' ? key : `${path}.${key}`);
  while (stack.length > 0) {
    const [value, path] = stack.pop()!;
    if (typeof value === 'string') {
      if (LONE_SURROGATE.test(value)) return path || 'body';
    } else if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) stack.push([value[i], name(path, String(i))]);
    } else if (value !== null && typeof value === 'object') {
      for (const [key, v] of Object.entries(value)) {
        if (LONE_SURROGATE.test(key)) return `a key in ${path || 'body'}`;
        stack.push([v, name(path, key)]);
      }
    }
  }
  return null;
}

/** Where the first invalid UTF-8 sequence starts (the error path only). */
function firstInvalidByte(bytes: Buffer): number {
  let i = 0;
  while (i < bytes.length) {
    const c = bytes[i]!;
    const n = c < 0x80 ? 1 : c >= 0xc2 && c <= 0xdf ? 2 : c >= 0xe0 && c <= 0xef ? 3 : c >= 0xf0 && c <= 0xf4 ? 4 : 0;
    // isUtf8 on the one sequence rules out overlong forms, surrogates and code points past U+10FFFF.
    if (n === 0 || i + n > bytes.length || !isUtf8(bytes.subarray(i, i + n))) return i;
    i += n;
  }
  return bytes.length;
}

/** A body that starts like a gzip or zlib stream its Content-Encoding did not name (the error path only). */
function compressedHint(bytes: Buffer, encoded: boolean): string {
  if (encoded || bytes.length < 2) return '';
  const [a, b] = [bytes[0]!, bytes[1]!];
  if (a === 0x1f && b === 0x8b) return ' (it looks gzip-compressed: send Content-Encoding: gzip)';
  if (a === 0x78 && ((a << 8) | b) % 31 === 0) return ' (it looks zlib-compressed: send Content-Encoding: deflate)';
  return '';
}

/** A parser's message may quote the body: control characters, U+FFFD and surrogates become escapes. */
export function printable(message: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are what it looks for
  return message.replace(/[\x00-\x1f\x7f-\x9f\ufffd\ud800-\udfff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
