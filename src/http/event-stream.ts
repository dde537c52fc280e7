/**
 * What happens to payments and webhooks, as a stream for the dashboard and
 * `hamster-pg tail` (Server-Sent Events at /api/events) and for metrics.
 * Each instance tells about the work it does itself; in a cluster
 * (`server.workers`), a worker also forwards its events, through the primary,
 * to the workers that have listeners (see src/cluster/).
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
  /** Where this process's own events also go (in a cluster: the other workers), while set. */
  private forward: Listener | null = null;
  /** Told the number of listeners each time it changes (a cluster worker tells the primary). */
  onCount: ((count: number) => void) | null = null;

  /** True when someone listens, here or (forwarded) elsewhere: callers skip building events otherwise. */
  get active(): boolean {
    return this.listeners.size > 0 || this.forward !== null;
  }

  on(listener: Listener): () => void {
    this.listeners.add(listener);
    this.onCount?.(this.listeners.size);
    return () => {
      if (this.listeners.delete(listener)) this.onCount?.(this.listeners.size);
    };
  }

  /** An event of this process: to its listeners, and forwarded while forwarding is on. */
  emit(event: HamsterEvent): void {
    this.deliver(event);
    this.forward?.(event);
  }

  /** An event from elsewhere (another worker of the cluster): to this process's listeners only, never forwarded. */
  deliver(event: HamsterEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch {
        // A listener's failure is its own; the others still hear.
      }
    }
  }

  /** Also hands each event of this process to `forward`, until called with null. */
  forwardTo(forward: Listener | null): void {
    this.forward = forward;
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
