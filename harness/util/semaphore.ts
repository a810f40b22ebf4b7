/** At most `limit` holders at a time; waiters are served first come, first served. */
export class Semaphore {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1)
      throw new Error(`a semaphore needs a positive integer limit, got ${limit}`);
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.active++;
    try {
      return await task();
    } finally {
      // hand the slot straight to the next waiter (active stays the same), or free it
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    }
  }
}

/**
 * Maps items with at most `limit` calls in flight, yielding results as they finish (not in input
 * order). A failure stops the iteration after the calls in flight settle.
 */
export async function* mapConcurrent<T, R>(
  items: Iterable<T>,
  limit: number,
  fn: (item: T) => Promise<R>,
): AsyncGenerator<R> {
  const iterator = items[Symbol.iterator]();
  const inFlight = new Map<number, Promise<{ id: number; result?: R; error?: unknown; failed: boolean }>>();
  let nextId = 0;
  const launch = (): boolean => {
    const step = iterator.next();
    if (step.done) return false;
    const id = nextId++;
    inFlight.set(
      id,
      fn(step.value).then(
        (result) => ({ id, result, failed: false }),
        (error: unknown) => ({ id, error, failed: true }),
      ),
    );
    return true;
  };
  while (inFlight.size < limit && launch()) {}
  let failure: { error: unknown } | undefined;
  while (inFlight.size > 0) {
    const settled = await Promise.race(inFlight.values());
    inFlight.delete(settled.id);
    if (settled.failed) failure ??= { error: settled.error };
    else if (!failure) yield settled.result as R;
    if (!failure) launch();
  }
  if (failure) throw failure.error;
}
