/**
 * Wraps `run` so the returned record says how many calls were in flight at most, and in which
 * order they started: what the scheduling tests of the runner assert on.
 */
export function tracked<A extends unknown[], R>(run: (...args: A) => Promise<R>) {
  const record = { inFlight: 0, most: 0, started: [] as A[] };
  const wrapped = async (...args: A): Promise<R> => {
    record.started.push(args);
    record.most = Math.max(record.most, ++record.inFlight);
    try {
      return await run(...args);
    } finally {
      record.inFlight -= 1;
    }
  };
  return { record, wrapped };
}
