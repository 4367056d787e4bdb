/**
 * The local Tines simulator: a real HTTP server speaking the parts of the Tines REST API this
 * package uses, with Tines' shapes and rules (tines-api.md), its rate limits, API-key kinds, fault
 * injection, an audit log of the writes it receives, and a request log (in memory, at
 * `GET /_simulator/requests`, and optionally as NDJSON in a file). Tests start it in-process on
 * port 0; people start it with `npm run simulator`.
 *
 * Paths under `/_simulator/` are the simulator's own, not Tines': they need the tenant-owner key,
 * and are neither logged, rate-limited nor faulted, so reading the log never changes it.
 */
import { randomBytes } from "node:crypto";
import { createWriteStream, type WriteStream } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { FaultInjector, seededRandom, type SimulatorFaultAction, type SimulatorFaults } from "./faults";
import { z } from "zod";
import { buildRoutes, type Answer } from "./routes";
import { ensureTenantOwner } from "./seed";
import {
  SimulatorHttpError,
  TenantState,
  type NewSimulatedAuditLogEntry,
  type SimulatedAuditLogEntry,
  type SimulatorNormalisation,
} from "./tenantState";

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

/** Options of {@link startTinesSimulator}. */
export interface TinesSimulatorOptions {
  /** Port to listen on; 0 (default) picks a free one. */
  port?: number;
  /** Address to listen on. Default 127.0.0.1: the simulator is for this machine only. */
  host?: string;
  /** JSON file the tenant is loaded from and saved to, so it survives restarts. */
  statePath?: string;
  /**
   * The tenant-owner API key. When absent: the key kept in the state file, if any, else a random
   * one, which is then kept there, so a restart with the same `statePath` answers to the same key.
   */
  apiKey?: string;
  /**
   * Make sure the tenant has its owner, at start and after every {@link TinesSimulator.reset}: an
   * active tenant owner (`owner@example.com`) whose key the simulator's is, as every real tenant
   * has. Off by default, so tests start from an empty directory; the command line turns it on.
   */
  tenantOwner?: boolean;
  /** A file the request log is appended to, one JSON line per request (see {@link SimulatorRequestLogLine}). */
  logPath?: string;
  /** Whether people come from SCIM (user writes refused with a bare 403). Default: as the state file says, else off. */
  scim?: boolean;
  /** Whether `GET /admin/users/{email}` finds users by email; false behaves as an older tenant (404). Default true. */
  userLookupByEmail?: boolean;
  /**
   * Whether the tenant-owner key may read the audit logs. False answers its `GET /audit_logs` with
   * a 403, as for a key without `AUDIT_LOG_READ` that is not a tenant owner's. Default true.
   */
  auditLogAccess?: boolean;
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

/** One line of the request log as `--log` writes it and `GET /_simulator/requests` answers it. */
export interface SimulatorRequestLogLine {
  /** When it arrived, ISO 8601. */
  time: string;
  method: string;
  path: string;
  query: string;
  status: number | "reset" | "hang";
  /** The `User-Agent` header. */
  userAgent: string;
  /** Which key made it (never the key itself). */
  key: string;
  durationMs: number;
}

/** A request log entry as a line. */
export function requestLogLine(entry: SimulatorRequestLogEntry): SimulatorRequestLogLine {
  return {
    time: new Date(entry.startedAt).toISOString(),
    method: entry.method,
    path: entry.path,
    query: entry.query,
    status: entry.status,
    userAgent: entry.userAgent,
    key: entry.key,
    durationMs: entry.durationMs,
  };
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
  /** Whether the tenant-owner key may read the audit logs (see {@link TinesSimulatorOptions.auditLogAccess}). */
  setAuditLogAccess(allowed: boolean): void;
  /**
   * Adds an audit-log entry as if someone else had made a change (by default the tenant owner, now,
   * from a browser at 203.0.113.9); `POST /_simulator/audit_logs` does the same over HTTP.
   */
  addAuditLogEntry(entry: NewSimulatedAuditLogEntry): SimulatedAuditLogEntry;
  /** Requests in the log matching a method and a path prefix or pattern. */
  countRequests(method?: string, path?: string | RegExp): number;
  /**
   * Empties the tenant, the log, the faults and the rate-limit windows, and puts the normalisation
   * and the switches back as started; keeps the API key (and the tenant owner, with `tenantOwner`).
   */
  reset(): void;
  /** Stops listening and drops every open connection (hanging requests included). */
  stop(): Promise<void>;
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

type ApiKeyIdentity = { name: string; kind: "owner" } | { name: string; kind: "team"; teamId: number };

/** Starts a simulator and resolves once it listens. */
export async function startTinesSimulator(options: TinesSimulatorOptions = {}): Promise<TinesSimulator> {
  const state = new TenantState({
    statePath: options.statePath,
    userDeletionDelayMs: options.userDeletionDelayMs,
    normalisation: options.normalisation,
    listingDelayMs: options.listingDelayMs,
    userLookupByEmail: options.userLookupByEmail,
  });
  // Issue 24: a restart from the same state file keeps the key, so programs configured with it go on working.
  const ownerKey = options.apiKey ?? state.ownerApiKey ?? `tines-sim-${randomBytes(18).toString("hex")}`;
  /** The switches as started, which {@link TinesSimulator.reset} puts back. */
  const applySwitches = (): void => {
    if (options.scim !== undefined && state.scimEnabled !== options.scim) state.setScim(options.scim);
    state.userLookupByEmail = options.userLookupByEmail ?? true;
    if (options.tenantOwner) ensureTenantOwner(state);
    if (state.ownerApiKey !== ownerKey) state.ownerApiKey = ownerKey;
  };
  applySwitches();
  if (state.listTeams("all").length === 0) {
    for (const name of options.seedTeams ?? []) state.createTeam(name);
  }
  let auditLogAccess = options.auditLogAccess ?? true;
  const requestLogFile: WriteStream | undefined = options.logPath ? createWriteStream(options.logPath, { flags: "a" }) : undefined;
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

  /** Appends a finished request to the `--log` file. */
  function written(entry: SimulatorRequestLogEntry): void {
    requestLogFile?.write(`${JSON.stringify(requestLogLine(entry))}\n`);
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const startedAt = Date.now();
    const url = new URL(request.url ?? "/", "http://simulator.invalid");
    const method = (request.method ?? "GET").toUpperCase();
    if (url.pathname.startsWith("/_simulator/")) return handleOwn(request, response, method, url);
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
      written(entry);
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
    const unanswered = (status: "reset" | "hang"): void => {
      entry.status = status;
      entry.durationMs = Date.now() - startedAt;
      written(entry);
      if (status === "reset") request.socket.destroy();
    };
    if (fault?.type === "reset" && fault.when === "before") return unanswered("reset");
    if (fault?.type === "hang") return unanswered("hang");

    const caller = { ip: (request.socket.remoteAddress ?? "").replace(/^::ffff:/, ""), userAgent: entry.userAgent };
    const answer = route(method, url, rawBody, identity, caller);
    if (fault?.type === "reset" && fault.when === "after") return unanswered("reset");
    if (fault?.type === "replaceBody") {
      const real = answer.body === undefined ? "" : JSON.stringify(answer.body);
      const text = typeof fault.body === "string" ? fault.body : fault.body(real);
      entry.status = fault.status ?? answer.status;
      entry.durationMs = Date.now() - startedAt;
      written(entry);
      response.writeHead(entry.status, { "content-type": fault.contentType ?? "application/json" }).end(text);
      return;
    }
    send(answer.status, answer.body);
  }

  function route(method: string, url: URL, rawBody: string, identity: ApiKeyIdentity, caller: { ip: string; userAgent: string }): Answer {
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
    // Audit logs need a tenant owner or AUDIT_LOG_READ; the 403's body is not documented, so none.
    if (matched.requires === "auditLogRead" && !auditLogAccess) return { status: 403 };
    let body: unknown = undefined;
    if (rawBody.trim() !== "") {
      try {
        body = JSON.parse(rawBody);
      } catch (error) {
        return { status: 400, body: { errors: [{ message: "Invalid JSON in request body", details: (error as Error).message }] } };
      }
    }
    try {
      const answer = matched.handle({ params, query: url.searchParams, body, url });
      if (matched.audit && answer.status >= 200 && answer.status < 300) audit(matched.audit, params, body, answer, caller);
      return answer;
    } catch (error) {
      if (error instanceof SimulatorHttpError) return { status: error.status, body: error.body };
      return { status: 500, body: { errors: [{ message: "Internal simulator error", details: String(error) }] } };
    }
  }

  /**
   * Records a write in the audit log as Tines would (tines-api.md, Audit logs): by the key's user,
   * with the request's IP and User-Agent; the inputs are the path's ids and the body, the outputs the
   * answer (copies: an answer may be the stored object itself).
   */
  function audit(
    spec: { operation: string; ids?: string[] },
    params: string[],
    body: unknown,
    answer: Answer,
    caller: { ip: string; userAgent: string },
  ): void {
    const isObject = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);
    const ids = Object.fromEntries(
      (spec.ids ?? []).map((name, index) => {
        const raw = decodeURIComponent(params[index] ?? "");
        return [name, /^\d+$/.test(raw) && Number.isSafeInteger(Number(raw)) ? Number(raw) : raw];
      }),
    );
    state.addAuditLogEntry({
      operation_name: spec.operation,
      inputs: structuredClone({ ...ids, ...(isObject(body) ? body : {}) }),
      outputs: isObject(answer.body) ? structuredClone(answer.body) : {},
      request_ip: caller.ip,
      request_user_agent: caller.userAgent,
    });
  }

  /** The simulator's own endpoints under `/_simulator/`: the request log and the audit-log test hook. */
  async function handleOwn(request: IncomingMessage, response: ServerResponse, method: string, url: URL): Promise<void> {
    const send = (status: number, body?: unknown): void => {
      if (body === undefined) response.writeHead(status).end();
      else response.writeHead(status, { "content-type": "application/json; charset=utf-8" }).end(JSON.stringify(body));
    };
    const rawBody = await readBody(request);
    if (authenticate(request, keys)?.kind !== "owner") return send(401, { error: "Unauthorized: the tenant-owner key is required" });
    if (url.pathname === "/_simulator/requests" && method === "GET") return send(200, { requests: log.map(requestLogLine), count: log.length });
    if (url.pathname === "/_simulator/requests" && method === "DELETE") {
      log.length = 0;
      return send(204);
    }
    if (url.pathname === "/_simulator/audit_logs" && method === "POST") {
      let parsed: unknown;
      try {
        parsed = JSON.parse(rawBody || "{}");
      } catch {
        return send(400, { error: "the body is not JSON" });
      }
      const fields = auditHookBody().safeParse(parsed);
      if (!fields.success) return send(400, { error: fields.error.issues.map((issue) => `${issue.path.join(".")} ${issue.message}`).join("; ") });
      try {
        return send(201, state.addAuditLogEntry(fields.data));
      } catch (error) {
        if (error instanceof SimulatorHttpError) return send(error.status, error.body);
        throw error;
      }
    }
    send(404, { error: `No simulator endpoint ${method} ${url.pathname}` });
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
    setAuditLogAccess(allowed: boolean): void {
      auditLogAccess = allowed;
    },
    addAuditLogEntry(entry: NewSimulatedAuditLogEntry): SimulatedAuditLogEntry {
      return state.addAuditLogEntry(entry);
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
      applySwitches();
      auditLogAccess = options.auditLogAccess ?? true;
      log.length = 0;
      windows.clear();
      faults.set({});
    },
    async stop(): Promise<void> {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      if (requestLogFile) await new Promise<void>((resolve) => requestLogFile.end(() => resolve()));
    },
  };
}

/** The body of `POST /_simulator/audit_logs`, built on first use. */
let auditHookSchema: z.ZodType<NewSimulatedAuditLogEntry> | undefined;
function auditHookBody(): z.ZodType<NewSimulatedAuditLogEntry> {
  auditHookSchema ??= z.object({
    operation_name: z.string().min(1),
    inputs: z.unknown().optional(),
    outputs: z.unknown().optional(),
    user_id: z.number().int().nullable().optional(),
    user_email: z.string().optional(),
    user_name: z.string().optional(),
    request_ip: z.string().optional(),
    request_user_agent: z.string().optional(),
    created_at: z.string().optional(),
  });
  return auditHookSchema;
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
