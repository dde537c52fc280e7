/**
 * Requests a `timeout` scenario holds open: no answer, then the connection is
 * dropped — what a client sees from a PG that hangs. All are dropped at once
 * when the service stops, so a graceful stop does not wait for them.
 */
import type { ServerResponse } from 'node:http';

export class Hangs {
  private readonly held = new Map<ServerResponse, NodeJS.Timeout>();

  hold(res: ServerResponse, ms: number): void {
    const timer = setTimeout(() => this.drop(res), ms);
    this.held.set(res, timer);
    res.on('close', () => {
      clearTimeout(timer);
      this.held.delete(res);
    });
  }

  get size(): number {
    return this.held.size;
  }

  dropAll(): void {
    for (const res of [...this.held.keys()]) this.drop(res);
  }

  private drop(res: ServerResponse): void {
    const timer = this.held.get(res);
    if (timer) clearTimeout(timer);
    this.held.delete(res);
    res.socket?.destroy();
  }
}
