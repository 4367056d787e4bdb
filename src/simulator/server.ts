/**
 * The local Tines simulator: a real HTTP server speaking the parts of the Tines REST API this
 * package uses, with Tines' shapes and rules (tines-api.md), its rate limits, API-key kinds, fault
 * injection and a request log. Tests start it in-process on port 0; people start it with
 * `npm run simulator`.
 */
import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { FaultInjector, seededRandom, type SimulatorFaultAction, type SimulatorFaults } from "./faults";
import { buildRoutes, type Answer } from "./routes";
import { SimulatorHttpError, TenantState, type SimulatorNormalisation } from "./tenantState";

/** Rate limiting as the simulator applies it. */
export interface SimulatorRateLimits {
  /** Off turns limiting off altogether. Default on. */
  enabled: boolean;
  /** Requests a minute on every endpoint (Tines: 5000). */
  perMinute: number;
  /** Requests a minute on `admin/users` (Tines: 500). */
  adminUsersPerMinute: number;
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

/** Options of {@link startTinesSimulator}. */
export interface TinesSimulatorOptions {
  /** Port to listen on; 0 (default) picks a free one. */
  port?: number;
  /** Address to listen on. Default 127.0.0.1: the simulator is for this machine only. */
  host?: string;
  /** JSON file the tenant is loaded from and saved to, so it survives restarts. */
  statePath?: string;
  /** The tenant-owner API key; a random one when absent. */
  apiKey?: string;
  /** Rate limits; Tines' numbers by default. */
  rateLimits?: Partial<SimulatorRateLimits>;
  /** How long a deleted user stays visible before disappearing, in ms. Default 1000. */
  userDeletionDelayMs?: number;
  /** How long a new user, membership or template stays out of lists, in ms. Default 0. */
  listingDelayMs?: number;
  /** How the tenant normalises what it stores and echoes (letter case, nulls, key order, numbers, permissions). None by default. */
  normalisation?: SimulatorNormalisation;
  /** Seed of the fault-injection random draws. Default 1. */
  seed?: number;
  /** Teams to create when the tenant is empty. */
  seedTeams?: string[];
}

/** One line of the request log. */
export interface SimulatorRequestLogEntry {
  /** HTTP method. */
  method: string;
  /** Path without the query. */
  path: string;
  /** The query string, without `?`. */
  query: string;
  /** Status sent, or what happened instead. */
  status: number | "reset" | "hang";
  /** Which key made it: `owner`, `team:<id>`, or `none`/`invalid` (never the key itself). */
  key: string;
  /** The `User-Agent` header. */
  userAgent: string;
  /** When it arrived (ms since epoch). */
  startedAt: number;
  /** How long it took to answer, in ms. */
  durationMs: number;
}

/** A running simulator. */
export interface TinesSimulator {
  /** Base URL, e.g. `http://127.0.0.1:4010` (the tenant URL to configure). */
  readonly url: string;
  /** The tenant-owner API key. */
  readonly apiKey: string;
  /** The tenant's data and rules, for inspecting and seeding. */
  readonly state: TenantState;
  /** Every request received, in order. */
  readonly log: SimulatorRequestLogEntry[];
  /** Creates a Team API key for one team: refused (403) on admin endpoints and on other teams. */
  createTeamApiKey(teamId: number): string;
  /** Replaces the injected faults. */
  setFaults(faults: SimulatorFaults): void;
  /** Changes the rate limits. */
  setRateLimits(limits: Partial<SimulatorRateLimits>): void;
  /** Requests in the log matching a method and a path prefix or pattern. */
  countRequests(method?: string, path?: string | RegExp): number;
  /** Empties the tenant, the log, the faults and the rate-limit windows, and puts the normalisation back as started. */
  reset(): void;
  /** Stops listening and drops every open connection (hanging requests included). */
  stop(): Promise<void>;
}

const defaultRateLimits: SimulatorRateLimits = {
  enabled: true,
  perMinute: 5000,
  adminUsersPerMinute: 500,
  timeScale: 1,
  sendRetryAfter: true,
  scaleRetryAfter: false,
};

type ApiKeyIdentity = { name: string; kind: "owner" } | { name: string; kind: "team"; teamId: number };

/** Starts a simulator and resolves once it listens. */
export async function startTinesSimulator(options: TinesSimulatorOptions = {}): Promise<TinesSimulator> {
  const state = new TenantState({
    statePath: options.statePath,
    userDeletionDelayMs: options.userDeletionDelayMs,
    normalisation: options.normalisation,
    listingDelayMs: options.listingDelayMs,
  });
  if (state.listTeams("all").length === 0) {
    for (const name of options.seedTeams ?? []) state.createTeam(name);
  }
  const ownerKey = options.apiKey ?? `tines-sim-${randomBytes(18).toString("hex")}`;
  const keys = new Map<string, ApiKeyIdentity>([[ownerKey, { name: "owner", kind: "owner" }]]);
  let rateLimits: SimulatorRateLimits = { ...defaultRateLimits, ...options.rateLimits };
  const windows = new Map<string, number[]>();
  const faults = new FaultInjector(seededRandom(options.seed ?? 1));
  const log: SimulatorRequestLogEntry[] = [];
  let baseUrl = "";
  const routes = buildRoutes(state, () => baseUrl);

  /** Sliding-window limiting per (key, bucket); returns seconds to wait when over the limit. */
  function overLimit(keyName: string, path: string): number | undefined {
    if (!rateLimits.enabled) return undefined;
    const windowMs = 60_000 / rateLimits.timeScale;
    const now = Date.now();
    const buckets: Array<[string, number]> = [["default", rateLimits.perMinute]];
    if (path.startsWith("/api/v1/admin/users")) buckets.push(["adminUsers", rateLimits.adminUsersPerMinute]);
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

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const startedAt = Date.now();
    const url = new URL(request.url ?? "/", "http://simulator.invalid");
    const method = (request.method ?? "GET").toUpperCase();
    const entry: SimulatorRequestLogEntry = {
      method,
      path: url.pathname,
      query: url.search.replace(/^\?/, ""),
      status: 0,
      key: "none",
      userAgent: String(request.headers["user-agent"] ?? ""),
      startedAt,
      durationMs: 0,
    };
    log.push(entry);
    const send = (status: number, body: unknown, headers: Record<string, string> = {}): void => {
      entry.status = status;
      entry.durationMs = Date.now() - startedAt;
      if (status === 204 || body === undefined) {
        response.writeHead(status, headers).end();
        return;
      }
      const text = typeof body === "string" ? body : JSON.stringify(body);
      response.writeHead(status, { "content-type": "application/json; charset=utf-8", ...headers }).end(text);
    };
    const rawBody = await readBody(request);
    if (faults.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, faults.latencyMs));

    const identity = authenticate(request, keys);
    entry.key = identity?.name ?? (request.headers.authorization ? "invalid" : "none");
    if (!identity) return send(401, { error: "Unauthorized: a valid API key is required" });

    const retryAfter = overLimit(identity.name, url.pathname);
    if (retryAfter !== undefined) {
      return send(429, { error: "Rate limit exceeded" }, rateLimits.sendRetryAfter ? { "retry-after": String(retryAfter) } : {});
    }

    const fault: SimulatorFaultAction | undefined = faults.decide(method, url.pathname, rawBody);
    if (fault?.type === "status") {
      return send(fault.status, fault.body ?? { error: "Injected failure" }, fault.headers);
    }
    if (fault?.type === "rateLimit") {
      const headers: Record<string, string> =
        fault.retryAfterSeconds === undefined ? {} : { "retry-after": String(fault.retryAfterSeconds) };
      return send(429, { error: "Rate limit exceeded" }, headers);
    }
    if (fault?.type === "reset" && fault.when === "before") {
      entry.status = "reset";
      request.socket.destroy();
      return;
    }
    if (fault?.type === "hang") {
      entry.status = "hang";
      return;
    }

    const answer = route(method, url, rawBody, identity);
    if (fault?.type === "reset" && fault.when === "after") {
      entry.status = "reset";
      request.socket.destroy();
      return;
    }
    if (fault?.type === "replaceBody") {
      const real = answer.body === undefined ? "" : JSON.stringify(answer.body);
      const text = typeof fault.body === "string" ? fault.body : fault.body(real);
      entry.status = fault.status ?? answer.status;
      entry.durationMs = Date.now() - startedAt;
      response.writeHead(entry.status, { "content-type": fault.contentType ?? "application/json" }).end(text);
      return;
    }
    send(answer.status, answer.body);
  }

  function route(method: string, url: URL, rawBody: string, identity: ApiKeyIdentity): Answer {
    const candidates = routes.filter((candidate) => candidate.pattern.test(url.pathname));
    if (candidates.length === 0) return { status: 404, body: { message: `No route matches ${url.pathname}` } };
    const matched = candidates.find((candidate) => candidate.method === method);
    if (!matched) return { status: 405, body: { message: `${method} is not allowed on ${url.pathname}` } };
    const params = matched.pattern.exec(url.pathname)!.slice(1);
    if (identity.kind === "team") {
      const teamId = url.pathname.startsWith("/api/v1/teams/") ? Number(params[0]) : undefined;
      if (matched.admin || (teamId !== undefined && teamId !== identity.teamId) || (teamId === undefined && method !== "GET")) {
        return { status: 403, body: { error: "Forbidden: this API key may not do that" } };
      }
    }
    let body: unknown = undefined;
    if (rawBody.trim() !== "") {
      try {
        body = JSON.parse(rawBody);
      } catch (error) {
        return { status: 400, body: { errors: [{ message: "Invalid JSON in request body", details: (error as Error).message }] } };
      }
    }
    try {
      return matched.handle({ params, query: url.searchParams, body, url });
    } catch (error) {
      if (error instanceof SimulatorHttpError) return { status: error.status, body: error.body };
      return { status: 500, body: { errors: [{ message: "Internal simulator error", details: String(error) }] } };
    }
  }

  const server: Server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (!response.headersSent) response.writeHead(500).end(JSON.stringify({ error: String(error) }));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
  baseUrl = `http://${host}:${address.port}`;

  return {
    url: baseUrl,
    apiKey: ownerKey,
    state,
    log,
    createTeamApiKey(teamId: number): string {
      state.getTeam(teamId);
      const key = `tines-sim-team-${teamId}-${randomBytes(12).toString("hex")}`;
      keys.set(key, { name: `team:${teamId}`, kind: "team", teamId });
      return key;
    },
    setFaults(next: SimulatorFaults): void {
      faults.set(next);
    },
    setRateLimits(limits: Partial<SimulatorRateLimits>): void {
      rateLimits = { ...rateLimits, ...limits };
      windows.clear();
    },
    countRequests(method?: string, path?: string | RegExp): number {
      return log.filter(
        (entry) =>
          (method === undefined || entry.method === method) &&
          (path === undefined || (typeof path === "string" ? entry.path.startsWith(path) : path.test(entry.path))),
      ).length;
    },
    reset(): void {
      state.reset();
      state.normalisation = { ...options.normalisation };
      state.listingDelayMs = options.listingDelayMs ?? 0;
      log.length = 0;
      windows.clear();
      faults.set({});
    },
    async stop(): Promise<void> {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    request.on("error", reject);
  });
}

function authenticate(request: IncomingMessage, keys: Map<string, ApiKeyIdentity>): ApiKeyIdentity | undefined {
  const header = request.headers.authorization;
  const bearer = typeof header === "string" && /^Bearer /i.test(header) ? header.slice(7).trim() : undefined;
  // Older docs show `X-User-Token`; Tines still accepts it.
  const token = bearer ?? (request.headers["x-user-token"] as string | undefined);
  return token === undefined ? undefined : keys.get(token);
}
