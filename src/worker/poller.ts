/**
 * A fixed-delay loop, as Spring's @Scheduled(fixedDelay, initialDelay) in the
 * seed: the next pass starts `fixedDelayMs` after the previous one ended, so
 * passes never overlap. `wake()` runs a pass now instead of waiting.
 */
export interface PollerOptions {
  initialDelayMs: number;
  fixedDelayMs: number;
  pass: () => Promise<unknown>;
  onError: (error: unknown) => void;
}

export class Poller {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = true;

  constructor(private readonly o: PollerOptions) {}

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.schedule(this.o.initialDelayMs);
  }

  /** Runs a pass as soon as possible (after the current one, if one is running). */
  wake(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.schedule(0);
  }

  /** Stops scheduling and waits for the pass under way, if any, to finish. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
  }

  private schedule(delayMs: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.run(), delayMs);
  }

  private run(): void {
    this.timer = null;
    if (this.stopped || this.running) return;
    this.again = false;
    this.running = this.o
      .pass()
      .then(
        () => undefined,
        (error: unknown) => this.o.onError(error),
      )
      .finally(() => {
        this.running = null;
        if (!this.stopped) this.schedule(this.again ? 0 : this.o.fixedDelayMs);
      });
  }
}

/** A process's background loops by name, each started only while it `runs()`; a failed pass is reported with its loop's name. */
export class Loops {
  private readonly all: Array<{ poller: Poller; runs: () => boolean }> = [];

  constructor(private readonly onError: (name: string, error: unknown) => void) {}

  add(name: string, initialDelayMs: number, fixedDelayMs: number, pass: () => Promise<unknown>, runs = () => true): void {
    this.all.push({ poller: new Poller({ initialDelayMs, fixedDelayMs, pass, onError: (error) => this.onError(name, error) }), runs });
  }

  start(): void {
    for (const { poller, runs } of this.all) if (runs()) poller.start();
  }

  /** Stops every loop, waiting for the passes under way. */
  async stop(): Promise<void> {
    for (const { poller } of this.all) await poller.stop();
  }
}
