/**
 * The simulator's rate limits (tines-api.md, "Rate limits"): a sliding window of requests a minute
 * per (API key, bucket), on every endpoint, on `admin/users` and on `audit_logs`, with a clock that
 * may run faster than real time.
 */

/** Rate limiting as the simulator applies it. */
export interface SimulatorRateLimits {
  /** Off turns limiting off altogether. Default on. */
  enabled: boolean;
  /** Requests a minute on every endpoint (Tines: 5000). */
  perMinute: number;
  /** Requests a minute on `admin/users` (Tines: 500). */
  adminUsersPerMinute: number;
  /** Requests a minute on `audit_logs` (Tines: 1000). */
  auditLogsPerMinute: number;
  /** Runs the clock this many times faster: a "minute" lasts 60 s / timeScale. Default 1. */
  timeScale: number;
  /** Whether a 429 carries `Retry-After` (Tines does not document it). Default true. */
  sendRetryAfter: boolean;
  /**
   * Whether `Retry-After` counts seconds of the scaled clock, as a Tines running `timeScale` times
   * faster would, rather than wall-clock seconds. A client that knows the scale divides by it and
   * waits as long, relative to the window, as it would against Tines; in wall-clock seconds, whole
   * seconds against a window of a few seconds make every wait far longer than Tines' would be.
   * Default false.
   */
  scaleRetryAfter: boolean;
}

const defaultRateLimits: SimulatorRateLimits = {
  enabled: true,
  perMinute: 5000,
  adminUsersPerMinute: 500,
  auditLogsPerMinute: 1000,
  timeScale: 1,
  sendRetryAfter: true,
  scaleRetryAfter: false,
};

/** The limits in force and the requests each (key, bucket) window holds. */
export class SimulatorRateLimiter {
  /** The limits in force: Tines' numbers, changed by the options and {@link set}. */
  limits: SimulatorRateLimits;
  /** The arrival times in each window, by `<key name> <bucket>`. */
  private readonly windows = new Map<string, number[]>();

  constructor(limits: Partial<SimulatorRateLimits> | undefined) {
    this.limits = { ...defaultRateLimits, ...limits };
  }

  /** Changes the limits given and empties the windows. */
  set(limits: Partial<SimulatorRateLimits>): void {
    this.limits = { ...this.limits, ...limits };
    this.windows.clear();
  }

  /** Empties the windows; the limits stay. */
  clear(): void {
    this.windows.clear();
  }

  /** Sliding-window limiting per (key, bucket); returns seconds to wait when over the limit. */
  overLimit(keyName: string, path: string): number | undefined {
    const rateLimits = this.limits;
    const windows = this.windows;
    if (!rateLimits.enabled) return undefined;
    const windowMs = 60_000 / rateLimits.timeScale;
    const now = Date.now();
    const buckets: Array<[string, number]> = [["default", rateLimits.perMinute]];
    if (path.startsWith("/api/v1/admin/users")) buckets.push(["adminUsers", rateLimits.adminUsersPerMinute]);
    if (path.startsWith("/api/v1/audit_logs")) buckets.push(["auditLogs", rateLimits.auditLogsPerMinute]);
    let waitMs: number | undefined;
    for (const [bucket, limit] of buckets) {
      const times = windows.get(`${keyName} ${bucket}`) ?? [];
      while (times.length > 0 && times[0]! <= now - windowMs) times.shift();
      windows.set(`${keyName} ${bucket}`, times);
      if (times.length >= limit) waitMs = Math.max(waitMs ?? 0, times[0]! + windowMs - now);
    }
    if (waitMs !== undefined) return Math.max(1, Math.ceil((waitMs * (rateLimits.scaleRetryAfter ? rateLimits.timeScale : 1)) / 1000));
    for (const [bucket] of buckets) windows.get(`${keyName} ${bucket}`)!.push(now);
    return undefined;
  }
}
