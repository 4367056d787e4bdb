/**
 * Runs work the way the Pulumi engine does: at most `parallelism` operations at once (its default is
 * 4 per CPU). Used by the benchmark and the reliability tests.
 */

/** Runs `work` over `items`, at most `parallelism` at once, and settles every one. */
export async function runConcurrently<T, R>(
  items: T[],
  parallelism: number,
  work: (item: T) => Promise<R>,
): Promise<Array<PromiseSettledResult<R>>> {
  const results: Array<PromiseSettledResult<R>> = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(parallelism, items.length) }, async () => {
      while (next < items.length) {
        const index = next++;
        try {
          results[index] = { status: "fulfilled", value: await work(items[index]!) };
        } catch (reason) {
          results[index] = { status: "rejected", reason };
        }
      }
    }),
  );
  return results;
}
