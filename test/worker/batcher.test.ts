/**
 * The group-commit helper (batcher.ts): what is added in one turn of the event
 * loop is handled in one call, and each caller hears its own result. No
 * timing: the handler is held open with promises the test resolves.
 */
import { describe, expect, it } from 'vitest';
import { Batcher } from '../../src/worker/batcher.js';

interface Deferred<T> {
  promise: Promise<T>;
  resolve: (value: T) => void;
  reject: (error: unknown) => void;
}
function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Lets the event loop run one full turn (what the batcher waits for with setImmediate). */
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** A handler that records each call and answers each item with `item * 10`. */
function recording() {
  const calls: number[][] = [];
  const handle = async (items: number[]) => {
    calls.push([...items]);
    return items.map((n) => n * 10);
  };
  return { calls, handle };
}

describe('Batcher', () => {
  it('handles items added in the same turn in one call, in the order they were added', async () => {
    const { calls, handle } = recording();
    const batcher = new Batcher(handle);
    const results = Promise.all([1, 2, 3, 4, 5].map((n) => batcher.add(n)));
    // Nothing is handled while the turn that added them is still running.
    expect(calls).toEqual([]);
    await results;
    expect(calls).toEqual([[1, 2, 3, 4, 5]]);
  });

  it('gives each caller the result at its own position', async () => {
    const batcher = new Batcher(async (items: string[]) => items.map((s) => s.toUpperCase()));
    const a = batcher.add('a');
    const b = batcher.add('b');
    const c = batcher.add('c');
    expect(await c).toBe('C');
    expect(await a).toBe('A');
    expect(await b).toBe('B');
  });

  it('handles items added in separate turns in separate calls', async () => {
    const { calls, handle } = recording();
    const batcher = new Batcher(handle);
    expect(await batcher.add(1)).toBe(10);
    expect(await Promise.all([batcher.add(2), batcher.add(3)])).toEqual([20, 30]);
    expect(calls).toEqual([[1], [2, 3]]);
  });

  it('splits one turn’s items into calls of at most `max`, every caller still answered', async () => {
    const { calls, handle } = recording();
    const batcher = new Batcher(handle, 3);
    const items = [1, 2, 3, 4, 5, 6, 7];
    expect(await Promise.all(items.map((n) => batcher.add(n)))).toEqual(items.map((n) => n * 10));
    expect(calls).toEqual([
      [1, 2, 3],
      [4, 5, 6],
      [7],
    ]);
  });

  it('rejects every waiter of a failed call with its error, and handles later batches normally', async () => {
    const failure = new Error('transaction failed');
    const calls: number[][] = [];
    let fail = true;
    const batcher = new Batcher(async (items: number[]) => {
      calls.push([...items]);
      if (fail) throw failure;
      return items.map((n) => n * 10);
    });

    const failed = [1, 2, 3].map((n) => batcher.add(n));
    const settled = await Promise.allSettled(failed);
    expect(settled).toEqual([1, 2, 3].map(() => ({ status: 'rejected', reason: failure })));

    fail = false;
    expect(await Promise.all([batcher.add(4), batcher.add(5)])).toEqual([40, 50]);
    expect(calls).toEqual([
      [1, 2, 3],
      [4, 5],
    ]);
  });

  it('rejects only the waiters of the failed batch when one turn is split by `max`', async () => {
    const failure = new Error('second batch failed');
    const batcher = new Batcher(async (items: number[]) => {
      if (items.includes(3)) throw failure;
      return items.map((n) => n * 10);
    }, 2);
    const settled = await Promise.allSettled([1, 2, 3, 4, 5].map((n) => batcher.add(n)));
    expect(settled).toEqual([
      { status: 'fulfilled', value: 10 },
      { status: 'fulfilled', value: 20 },
      { status: 'rejected', reason: failure },
      { status: 'rejected', reason: failure },
      { status: 'fulfilled', value: 50 },
    ]);
  });

  it('rejects the waiters when the handler throws before returning a promise', async () => {
    const failure = new Error('thrown synchronously');
    const batcher = new Batcher<number, number>(() => {
      throw failure;
    });
    await expect(batcher.add(1)).rejects.toBe(failure);
    await expect(batcher.add(2)).rejects.toBe(failure);
  });

  it('puts items added while a call is running into the next call, not the running one', async () => {
    const calls: number[][] = [];
    const held = deferred<void>();
    const firstStarted = deferred<void>();
    const batcher = new Batcher(async (items: number[]) => {
      calls.push([...items]);
      if (calls.length === 1) {
        firstStarted.resolve();
        await held.promise;
      }
      return items.map((n) => n * 10);
    });

    const first = [batcher.add(1), batcher.add(2)];
    await firstStarted.promise;
    // The first call is under way: these come later and must not join it.
    const second = [batcher.add(3), batcher.add(4)];
    await nextTurn();
    await nextTurn();
    held.resolve();

    expect(await Promise.all([...first, ...second])).toEqual([10, 20, 30, 40]);
    expect(calls).toEqual([
      [1, 2],
      [3, 4],
    ]);
  });

  it('keeps working after a failure that happened while the next batch was being added', async () => {
    const failure = new Error('first call failed');
    const held = deferred<void>();
    const firstStarted = deferred<void>();
    const calls: number[][] = [];
    const batcher = new Batcher(async (items: number[]) => {
      calls.push([...items]);
      if (calls.length === 1) {
        firstStarted.resolve();
        await held.promise;
        throw failure;
      }
      return items.map((n) => n * 10);
    });

    const first = batcher.add(1);
    const firstSettled = first.then(
      () => 'resolved',
      (error: unknown) => error,
    );
    await firstStarted.promise;
    const second = batcher.add(2);
    held.resolve();

    expect(await firstSettled).toBe(failure);
    expect(await second).toBe(20);
    expect(calls).toEqual([[1], [2]]);
  });
});
