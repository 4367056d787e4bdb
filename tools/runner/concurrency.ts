/**
 * Bounded concurrency, the way the Pulumi engine runs steps: at most `limit` at once, the rest
 * waiting in arrival order (its default parallelism is 4 per CPU). Used by the engine stand-in, the
 * benchmark and the reliability tests.
 */

/** Runs tasks at most `limit` at once; the others start in the order they were submitted. */
export class ConcurrencyLimit {
  private active = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`limit must be a positive integer, got ${limit}`);
  }

  /** Runs `task` as soon as fewer than `limit` tasks are running, and settles as it does. */
  async run<R>(task: () => Promise<R>): Promise<R> {
    if (this.active < this.limit) this.active += 1;
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
    try {
      return await task();
    } finally {
      // Hand the place straight to the next waiter, so a task submitted later cannot overtake it.
      const next = this.waiting.shift();
      if (next) next();
      else this.active -= 1;
    }
  }
}

/** Runs `work` over `items`, at most `parallelism` at once, and settles every one. */
export function runConcurrently<T, R>(
  items: T[],
  parallelism: number,
  work: (item: T) => Promise<R>,
): Promise<Array<PromiseSettledResult<R>>> {
  const limit = new ConcurrencyLimit(parallelism);
  return Promise.allSettled(items.map((item) => limit.run(() => work(item))));
}
