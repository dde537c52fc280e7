/**
 * What happens to payments and webhooks, as a stream for the dashboard and
 * `hamster-pg tail` (Server-Sent Events at /api/events) and for metrics.
 * In-process: each instance tells about the work it does itself.
 */
import type { ServerResponse } from 'node:http';
import type { PaymentView } from './browse.routes.js';

export type HamsterEvent =
  | {
      type: 'payment';
      /** accepted, finalized (by the scheduler or the trigger), or cancelled. */
      change: 'accepted' | 'finalized' | 'cancelled';
      at: number;
      payment: PaymentView;
    }
  | {
      type: 'webhook';
      at: number;
      tid: string;
      deliveryId: number;
      webhookId: string;
      eventStatus: string;
      attemptNo: number;
      delivered: boolean;
      responseCode: number | null;
      error: string | null;
      durationMs: number;
      /** Where the delivery stands after this attempt. */
      state: 'PENDING' | 'DELIVERED' | 'DEAD';
      /** Time from the final state to this attempt's success, when it delivered. */
      latencyMs: number | null;
    };

export type Listener = (event: HamsterEvent) => void;

export class EventBus {
  private readonly listeners = new Set<Listener>();

  /** True when someone listens: callers skip building events otherwise. */
  get active(): boolean {
    return this.listeners.size > 0;
  }

  on(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(event: HamsterEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch {
        // A listener's failure is its own; the others still hear.
      }
    }
  }
}

/** Open event streams, so a stop can end them (they would keep the server from closing). */
export class Streams {
  private readonly open_ = new Set<ServerResponse>();
  /** Buffered bytes past which a slow reader misses events (and is told to resync). */
  static readonly MAX_BUFFER = 1024 * 1024;

  open(res: ServerResponse, events: EventBus): void {
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    res.write('retry: 2000\n\n');
    let lagging = false;
    const send = (event: HamsterEvent) => {
      if (res.writableLength > Streams.MAX_BUFFER) {
        lagging = true;
        return;
      }
      if (lagging) {
        res.write('event: resync\ndata: {}\n\n');
        lagging = false;
      }
      const { type, ...data } = event;
      res.write(`event: ${type}\ndata: ${JSON.stringify(data)}\n\n`);
    };
    const off = events.on(send);
    const ping = setInterval(() => res.write(': ping\n\n'), 15_000);
    this.open_.add(res);
    res.on('close', () => {
      off();
      clearInterval(ping);
      this.open_.delete(res);
    });
  }

  closeAll(): void {
    for (const res of this.open_) res.end();
  }
}
