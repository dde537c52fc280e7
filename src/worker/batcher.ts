/**
 * Group commit: items added while the event loop is busy with one round of
 * I/O are handled together on the next turn — one transaction instead of
 * many — and each caller hears its own result once that is done.
 */
export class Batcher<T, R> {
  private items: Array<{ item: T; resolve: (r: R) => void; reject: (e: unknown) => void }> = [];
  private scheduled = false;

  constructor(
    private readonly handle: (items: T[]) => Promise<R[]>,
    private readonly max = 500,
  ) {}

  add(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.items.push({ item, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => void this.flush());
      }
    });
  }

  private async flush(): Promise<void> {
    this.scheduled = false;
    while (this.items.length > 0) {
      const batch = this.items.splice(0, this.max);
      try {
        const results = await this.handle(batch.map((b) => b.item));
        batch.forEach((b, i) => b.resolve(results[i]!));
      } catch (error) {
        for (const b of batch) b.reject(error);
      }
    }
  }
}
