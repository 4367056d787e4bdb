/**
 * The local Tines simulator: a real HTTP server speaking the parts of the Tines REST API this
 * package uses, with Tines' shapes and rules (tines-api.md), its rate limits, API-key kinds, fault
 * injection, an audit log of the writes it receives, and a request log (in memory, at
 * `GET /_simulator/requests`, and optionally as NDJSON in a file). Tests start it in-process on
 * port 0; people start it with `npm run simulator`.
 *
 * This file takes a request through, in order: the request log (requestLog.ts), the API key
 * (apiKeys.ts), the rate limits (rateLimits.ts), the injected faults (faults.ts), and the route
 * that answers it (routes/dispatch.ts). Paths under `/_simulator/` are the simulator's own, not
 * Tines' (controlRoutes.ts): they need the tenant-owner key, and are neither logged, rate-limited
 * nor faulted, so reading the log never changes it.
 */
import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { SimulatorApiKeys } from "./apiKeys";
import { answerControlRequest } from "./controlRoutes";
import { FaultInjector, seededRandom, type SimulatorFaultAction, type SimulatorFaults } from "./faults";
import { SimulatorRateLimiter, type SimulatorRateLimits } from "./rateLimits";
import { RequestLog, type SimulatorRequestLogEntry, type SimulatorRequestLogLine } from "./requestLog";
import { buildRoutes } from "./routes";
import { dispatch } from "./routes/dispatch";
import { ensureTenantOwner } from "./seed";
import { TenantState, type NewSimulatedAuditLogEntry, type SimulatedAuditLogEntry, type SimulatorNormalisation } from "./tenantState";

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
  /** How long a new object answers 404 to every read, direct ones included, in ms (the read-after-write lag). Default 0. */
  readAfterWriteDelayMs?: number;
  /** How the tenant normalises what it stores and echoes (letter case, nulls, key order, numbers, permissions). None by default. */
  normalisation?: SimulatorNormalisation;
  /** Seed of the fault-injection random draws. Default 1. */
  seed?: number;
  /** Teams to create when the tenant is empty. */
  seedTeams?: string[];
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

/** Starts a simulator and resolves once it listens. */
export async function startTinesSimulator(options: TinesSimulatorOptions = {}): Promise<TinesSimulator> {
  const state = new TenantState({
    statePath: options.statePath,
    userDeletionDelayMs: options.userDeletionDelayMs,
    normalisation: options.normalisation,
    listingDelayMs: options.listingDelayMs,
    readAfterWriteDelayMs: options.readAfterWriteDelayMs,
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
  const requestLog = new RequestLog(options.logPath);
  const keys = new SimulatorApiKeys(ownerKey);
  const rateLimiter = new SimulatorRateLimiter(options.rateLimits);
  const faults = new FaultInjector(seededRandom(options.seed ?? 1));
  let baseUrl = "";
  const routes = buildRoutes(state, () => baseUrl);

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const startedAt = Date.now();
    const url = new URL(request.url ?? "/", "http://simulator.invalid");
    const method = (request.method ?? "GET").toUpperCase();
    if (url.pathname.startsWith("/_simulator/")) {
      const rawBody = await readBody(request);
      const answer = answerControlRequest({ method, url, rawBody, identity: keys.identify(request) }, state, requestLog);
      if (answer.body === undefined) response.writeHead(answer.status).end();
      else response.writeHead(answer.status, { "content-type": "application/json; charset=utf-8" }).end(JSON.stringify(answer.body));
      return;
    }
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
    requestLog.add(entry);
    const send = (status: number, body: unknown, headers: Record<string, string> = {}): void => {
      entry.status = status;
      entry.durationMs = Date.now() - startedAt;
      requestLog.written(entry);
      if (status === 204 || body === undefined) {
        response.writeHead(status, headers).end();
        return;
      }
      const text = typeof body === "string" ? body : JSON.stringify(body);
      response.writeHead(status, { "content-type": "application/json; charset=utf-8", ...headers }).end(text);
    };
    const rawBody = await readBody(request);
    if (faults.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, faults.latencyMs));

    const identity = keys.identify(request);
    entry.key = identity?.name ?? (request.headers.authorization ? "invalid" : "none");
    if (!identity) return send(401, { error: "Unauthorized: a valid API key is required" });

    const retryAfter = rateLimiter.overLimit(identity.name, url.pathname);
    if (retryAfter !== undefined) {
      return send(429, { error: "Rate limit exceeded" }, rateLimiter.limits.sendRetryAfter ? { "retry-after": String(retryAfter) } : {});
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
      requestLog.written(entry);
      if (status === "reset") request.socket.destroy();
    };
    if (fault?.type === "reset" && fault.when === "before") return unanswered("reset");
    if (fault?.type === "hang") return unanswered("hang");

    const caller = { ip: (request.socket.remoteAddress ?? "").replace(/^::ffff:/, ""), userAgent: entry.userAgent };
    const answer = dispatch(routes, state, { method, url, rawBody, identity, caller }, auditLogAccess);
    if (fault?.type === "reset" && fault.when === "after") return unanswered("reset");
    if (fault?.type === "replaceBody") {
      const real = answer.body === undefined ? "" : JSON.stringify(answer.body);
      const text = typeof fault.body === "string" ? fault.body : fault.body(real);
      entry.status = fault.status ?? answer.status;
      entry.durationMs = Date.now() - startedAt;
      requestLog.written(entry);
      response.writeHead(entry.status, { "content-type": fault.contentType ?? "application/json" }).end(text);
      return;
    }
    send(answer.status, answer.body);
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
    log: requestLog.entries,
    createTeamApiKey(teamId: number): string {
      state.getTeam(teamId);
      return keys.createTeamKey(teamId);
    },
    setFaults(next: SimulatorFaults): void {
      faults.set(next);
    },
    setRateLimits(limits: Partial<SimulatorRateLimits>): void {
      rateLimiter.set(limits);
    },
    setAuditLogAccess(allowed: boolean): void {
      auditLogAccess = allowed;
    },
    addAuditLogEntry(entry: NewSimulatedAuditLogEntry): SimulatedAuditLogEntry {
      return state.addAuditLogEntry(entry);
    },
    countRequests(method?: string, path?: string | RegExp): number {
      return requestLog.count(method, path);
    },
    reset(): void {
      state.reset();
      state.normalisation = { ...options.normalisation };
      state.listingDelayMs = options.listingDelayMs ?? 0;
      state.readAfterWriteDelayMs = options.readAfterWriteDelayMs ?? 0;
      applySwitches();
      auditLogAccess = options.auditLogAccess ?? true;
      requestLog.clear();
      rateLimiter.clear();
      faults.set({});
    },
    async stop(): Promise<void> {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await requestLog.close();
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
