/**
 * The only outbound HTTP of the service: one POST of a webhook body. undici's
 * Agent keeps connections alive per receiver; one overall deadline covers
 * connect, headers and body, so a receiver that hangs costs at most
 * `timeoutMs`. Redirects are not followed (a 3xx is an answer like any
 * other). At most RESPONSE_EXCERPT bytes of the answer are kept for the log.
 */
import Agent from 'undici/lib/dispatcher/agent.js';
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
  const targets = new Targets();

  const send: SendWebhook = (url, payload, headers = {}) => {
    let target: Target;
    try {
      target = targets.of(url);
    } catch (error) {
      return Promise.resolve(failed(0, describeError(error, false, timeoutMs)));
    }
    return new Promise<SendResult>((resolve) => {
      const exchange = new Exchange(resolve, timeoutMs);
      agent.dispatch(
        {
          origin: target.origin,
          path: target.path,
          method: 'POST',
          headers: requestHeaders(headers),
          body: payload,
          headersTimeout: timeoutMs,
          bodyTimeout: timeoutMs,
        },
        exchange,
      );
    });
  };

  return { send, close: () => agent.close() };
}

/** Past this many bytes of answer the connection is dropped rather than drained. */
const DRAIN_LIMIT = 64 * 1024;

/** Where a URL's requests go: its origin and its path with the query. */
interface Target {
  origin: string;
  path: string;
}

/** Parsed URLs, kept: a service posts to a handful of receivers, over and over. */
class Targets {
  private readonly known = new Map<string, Target>();

  of(url: string): Target {
    let target = this.known.get(url);
    if (target === undefined) {
      const parsed = new URL(url);
      if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new TypeError(`not an http(s) URL: ${url}`);
      target = { origin: parsed.origin, path: `${parsed.pathname}${parsed.search}` };
      if (this.known.size >= 1000) this.known.clear();
      this.known.set(url, target);
    }
    return target;
  }
}

class DeadlinePassed extends Error {}
class AnswerTooLong extends Error {}

/**
 * One webhook request, as undici's dispatch handler: the answer's status,
 * its Retry-After and the first RESPONSE_EXCERPT bytes are kept as they
 * arrive; the rest is read and dropped (so the connection can be reused), up
 * to DRAIN_LIMIT, past which the connection is dropped. One deadline covers
 * connect, headers and body: when it passes the request is aborted and the
 * attempt is a timeout. No stream, promise or listener per request beyond
 * this object and its timer (undici's request() built a readable stream and
 * an async iterator for every answer).
 */
class Exchange {
  private readonly started = performance.now();
  private readonly timer: NodeJS.Timeout;
  private abort: ((reason: Error) => void) | null = null;
  private settled = false;
  private statusCode = 0;
  private retryAfter: string | undefined;
  private kept: Buffer[] = [];
  private keptSize = 0;
  private total = 0;

  constructor(
    private readonly resolve: (result: SendResult) => void,
    private readonly timeoutMs: number,
  ) {
    this.timer = setTimeout(() => this.expire(), timeoutMs);
  }

  onConnect(abort: (reason: Error) => void): void {
    this.abort = abort;
    if (this.settled) abort(new DeadlinePassed());
  }

  onHeaders(statusCode: number, rawHeaders: Buffer[] | string[]): boolean {
    this.statusCode = statusCode;
    for (let i = 0; i < rawHeaders.length; i += 2) {
      const name = rawHeaders[i]!;
      if (name.length === 11 && name.toString().toLowerCase() === 'retry-after') this.retryAfter = rawHeaders[i + 1]!.toString();
    }
    return true;
  }

  onData(chunk: Buffer): boolean {
    this.total += chunk.length;
    if (this.keptSize < RESPONSE_EXCERPT) {
      this.kept.push(chunk);
      this.keptSize += chunk.length;
    }
    if (this.total > DRAIN_LIMIT) {
      // Enough: answered, but the rest is not worth reading.
      this.answered();
      this.abort?.(new AnswerTooLong());
      return false;
    }
    return true;
  }

  onComplete(): void {
    this.answered();
  }

  onError(error: Error): void {
    if (error instanceof AnswerTooLong || error instanceof DeadlinePassed) return;
    this.settle(failed(this.started, describeError(error, false, this.timeoutMs)));
  }

  private answered(): void {
    // Text for the attempt log: PostgreSQL's text cannot hold a NUL, and one
    // receiver's binary answer must not keep a batch of attempts unrecorded.
    const excerpt = this.keptSize === 0 ? null : Buffer.concat(this.kept).subarray(0, RESPONSE_EXCERPT).toString('utf8').replaceAll('\0', '\uFFFD');
    this.settle({
      responseCode: this.statusCode,
      retryAfterMs: parseRetryAfter(this.retryAfter, Date.now()),
      error: null,
      durationMs: Math.round(performance.now() - this.started),
      responseBody: excerpt,
    });
  }

  private expire(): void {
    if (this.settled) return;
    this.settle(failed(this.started, describeError(new DeadlinePassed(), true, this.timeoutMs)));
    this.abort?.(new DeadlinePassed());
  }

  private settle(result: SendResult): void {
    if (this.settled) return;
    this.settled = true;
    clearTimeout(this.timer);
    this.kept = [];
    this.resolve(result);
  }
}

function failed(started: number, error: string): SendResult {
  return {
    responseCode: null,
    retryAfterMs: null,
    error,
    durationMs: started === 0 ? 0 : Math.round(performance.now() - started),
    responseBody: null,
  };
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
