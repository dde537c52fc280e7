/**
 * The only outbound HTTP of the service: one POST of a webhook body. undici's
 * Agent keeps connections alive per receiver; one overall deadline covers
 * connect, headers and body, so a receiver that hangs costs at most
 * `timeoutMs`. Redirects are not followed (a 3xx is an answer like any
 * other). At most RESPONSE_EXCERPT bytes of the answer are kept for the log.
 */
import { EventEmitter } from 'node:events';
import { Agent, request } from 'undici';
import { parseRetryAfter } from './backoff.js';

export interface SendResult {
  responseCode: number | null;
  /** The receiver's Retry-After, in ms, if it sent one. */
  retryAfterMs: number | null;
  error: string | null;
  durationMs: number;
  responseBody: string | null;
}

export type SendWebhook = (url: string, payload: string, headers?: Record<string, string>) => Promise<SendResult>;

export interface Sender {
  send: SendWebhook;
  close(): Promise<void>;
}

export const RESPONSE_EXCERPT = 4096;
const USER_AGENT = 'hamster-pg (sandbox payment gateway)';

/** Every header of a webhook request: the fixed ones, then the attempt's own (signature headers). */
export function requestHeaders(headers: Record<string, string>): Record<string, string> {
  return { 'content-type': 'application/json', 'user-agent': USER_AGENT, ...headers };
}

export function createSender({ timeoutMs, connections }: { timeoutMs: number; connections: number }): Sender {
  const agent = new Agent({ keepAliveTimeout: 10_000, connections });

  const send: SendWebhook = async (url, payload, headers = {}) => {
    const started = performance.now();
    // One deadline over connect, headers and body; cleared as soon as the
    // answer is in (AbortSignal.timeout would keep every request's timer, and
    // what it holds, alive for the whole timeout). undici takes an
    // EventEmitter as its signal: far lighter than an AbortController, whose
    // EventTarget machinery showed in the profile of every webhook.
    const deadline = new Deadline();
    const timer = setTimeout(() => deadline.fire(), timeoutMs);
    try {
      const res = await request(url, {
        method: 'POST',
        dispatcher: agent,
        signal: deadline,
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
        headers: requestHeaders(headers),
        body: payload,
      });
      const excerpt = await readExcerpt(res.body);
      return {
        responseCode: res.statusCode,
        retryAfterMs: parseRetryAfter(res.headers['retry-after'], Date.now()),
        error: null,
        durationMs: Math.round(performance.now() - started),
        responseBody: excerpt,
      };
    } catch (error) {
      return {
        responseCode: null,
        retryAfterMs: null,
        error: describeError(error, deadline.fired, timeoutMs),
        durationMs: Math.round(performance.now() - started),
        responseBody: null,
      };
    } finally {
      clearTimeout(timer);
    }
  };

  return { send, close: () => agent.close() };
}

/** Past this many bytes of answer the connection is dropped rather than drained. */
const DRAIN_LIMIT = 64 * 1024;

async function readExcerpt(body: AsyncIterable<Buffer>): Promise<string | null> {
  const kept: Buffer[] = [];
  let keptSize = 0;
  let total = 0;
  // Read to the end (so the connection can be reused) but keep only the
  // excerpt; an endless answer is cut off at DRAIN_LIMIT (and by the deadline).
  for await (const chunk of body) {
    total += chunk.length;
    if (keptSize < RESPONSE_EXCERPT) {
      kept.push(chunk);
      keptSize += chunk.length;
    }
    if (total > DRAIN_LIMIT) break;
  }
  if (keptSize === 0) return null;
  return Buffer.concat(kept).subarray(0, RESPONSE_EXCERPT).toString('utf8');
}

/** A request's deadline, as the signal undici listens to ('abort'). */
class Deadline extends EventEmitter {
  fired = false;
  fire(): void {
    this.fired = true;
    this.emit('abort');
  }
}

function describeError(error: unknown, timedOut: boolean, timeoutMs: number): string {
  if (timedOut) return `timeout: no complete answer within ${timeoutMs} ms`;
  const e = error as { code?: string; message?: string; cause?: { code?: string; message?: string } };
  const code = e.code ?? e.cause?.code;
  if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') {
    return `timeout: no complete answer within ${timeoutMs} ms`;
  }
  if (code === 'ECONNREFUSED') return 'connection refused (ECONNREFUSED)';
  const message = e.cause?.message ?? e.message ?? String(error);
  return code ? `${message} (${code})` : message;
}
