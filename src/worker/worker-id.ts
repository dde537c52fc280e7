/**
 * This process's Snowflake worker id: the configured one (`server.worker-id`),
 * or a free one leased from the database — renewed by a heartbeat, taken
 * again if the lease was lost, and given back at a clean stop — so that
 * instances sharing a database never mint the same tid or approval number.
 */
import type { Logger } from '../log.js';
import type { Store } from '../store/store.js';

/** A leased worker id is renewed this often (it lapses after a minute without). */
export const HEARTBEAT_EVERY_MS = 10_000;

export class WorkerId {
  /** The id in use (0 until taken). */
  id = 0;
  /** Whether it was leased from the database (then the heartbeat renews it). */
  leased = false;

  constructor(
    private readonly store: Pick<Store, 'setWorkerId' | 'leaseWorkerId' | 'renewWorkerId' | 'releaseWorkerId'>,
    private readonly instanceId: string,
    private readonly configured: number | null,
    private readonly log: Logger,
  ) {}

  /** Takes the configured id, or leases a free one. */
  async take(): Promise<void> {
    if (this.configured !== null) {
      this.store.setWorkerId(this.configured);
      this.id = this.configured;
      return;
    }
    this.id = await this.store.leaseWorkerId(this.instanceId);
    this.leased = true;
  }

  /** Renews the lease; if another instance took the id meanwhile, leases another. */
  async heartbeat(): Promise<void> {
    const id = await this.store.renewWorkerId(this.id, this.instanceId);
    if (id !== this.id) this.log.warn({ was: this.id, now: id }, 'Snowflake worker id lease was lost; leased another');
    this.id = id;
  }

  /** Gives a leased id back (best effort: a lapsed lease frees it anyway). */
  async release(): Promise<void> {
    if (this.leased) await this.store.releaseWorkerId(this.id, this.instanceId).catch(() => undefined);
  }
}
