/**
 * Fault injection for the simulator: the failures a real tenant produces, settable per test.
 * A rule matches requests by method and path and fires a number of times or with a probability;
 * the first rule that fires decides what happens to the request.
 */

/** What a fault does to a request. */
export type SimulatorFaultAction =
  /** Answer with this status (and body and headers) without processing the request. */
  | { type: "status"; status: number; body?: string; headers?: Record<string, string> }
  /** A 429 without processing, with `Retry-After: seconds` when given. */
  | { type: "rateLimit"; retryAfterSeconds?: number }
  /** Drop the connection: `before` the request is processed, or `after` it is committed. */
  | { type: "reset"; when: "before" | "after" }
  /** Never answer (the connection stays open until the client gives up or the server stops). */
  | { type: "hang" }
  /** Process the request, then answer `body` (with `status`, default the real one) instead. */
  | { type: "replaceBody"; body: string | ((realBody: string) => string); status?: number; contentType?: string };

/** One fault rule. */
export interface SimulatorFaultRule {
  /** Matches this method only (e.g. `POST`); all when absent. */
  method?: string;
  /** Matches paths (without query) that this pattern finds, or that start with this string. */
  path?: RegExp | string;
  /** What to do. */
  action: SimulatorFaultAction;
  /** Let this many matching requests through before the rule fires (a fault partway through a write: "hang after 150 invitations"). */
  after?: number;
  /** Fire at most this many times. */
  times?: number;
  /**
   * Fire at most this many times for each distinct request (method, path and body): a burst that
   * every operation meets, however concurrent requests interleave.
   */
  timesPerRequest?: number;
  /** Fire on this share of matching requests (0 to 1). Default 1. */
  probability?: number;
}

/** Everything that can be injected. */
export interface SimulatorFaults {
  /** Added to every request before it is handled, in ms. */
  latencyMs?: number;
  /** Rules, first firing rule wins. */
  rules?: SimulatorFaultRule[];
}

/** A small seeded generator (mulberry32), so a fault run can be repeated exactly. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Holds the current faults and decides, per request, which action (if any) fires. */
export class FaultInjector {
  private faults: SimulatorFaults = {};
  private fired = new Map<SimulatorFaultRule, number>();
  private passed = new Map<SimulatorFaultRule, number>();
  private firedPerRequest = new Map<SimulatorFaultRule, Map<string, number>>();

  constructor(private readonly random: () => number) {}

  /** Replaces every fault. */
  set(faults: SimulatorFaults): void {
    this.faults = faults;
    this.fired = new Map();
    this.passed = new Map();
    this.firedPerRequest = new Map();
  }

  /** The latency to add. */
  get latencyMs(): number {
    return this.faults.latencyMs ?? 0;
  }

  /** The action that fires for this request, if any. */
  decide(method: string, path: string, body = ""): SimulatorFaultAction | undefined {
    for (const rule of this.faults.rules ?? []) {
      if (rule.method && rule.method.toUpperCase() !== method) continue;
      if (rule.path !== undefined) {
        const matches = typeof rule.path === "string" ? path.startsWith(rule.path) : rule.path.test(path);
        if (!matches) continue;
      }
      const passed = this.passed.get(rule) ?? 0;
      if (rule.after !== undefined && passed < rule.after) {
        this.passed.set(rule, passed + 1);
        continue;
      }
      const count = this.fired.get(rule) ?? 0;
      if (rule.times !== undefined && count >= rule.times) continue;
      const requestKey = `${method} ${path} ${body}`;
      const perRequest = this.firedPerRequest.get(rule) ?? new Map<string, number>();
      const requestCount = perRequest.get(requestKey) ?? 0;
      if (rule.timesPerRequest !== undefined && requestCount >= rule.timesPerRequest) continue;
      if (rule.probability !== undefined && this.random() >= rule.probability) continue;
      this.fired.set(rule, count + 1);
      perRequest.set(requestKey, requestCount + 1);
      this.firedPerRequest.set(rule, perRequest);
      return rule.action;
    }
    return undefined;
  }
}
