/**
 * The API keys the simulator answers to: the tenant-owner key, and Team API keys made for one team
 * each. A request names its key as `Authorization: Bearer <key>`, or, as older docs show, in
 * `X-User-Token` (tines-api.md: Tines still accepts it).
 */
import { randomBytes } from "node:crypto";
import type { IncomingMessage } from "node:http";

/** Whose a key is: the tenant owner's, or one team's. `name` is what the request log shows. */
export type ApiKeyIdentity = { name: string; kind: "owner" } | { name: string; kind: "team"; teamId: number };

/** The keys this simulator knows, and whose each is. */
export class SimulatorApiKeys {
  private readonly keys: Map<string, ApiKeyIdentity>;

  constructor(ownerKey: string) {
    this.keys = new Map<string, ApiKeyIdentity>([[ownerKey, { name: "owner", kind: "owner" }]]);
  }

  /** Makes a Team API key for one team (the caller checks that the team exists). */
  createTeamKey(teamId: number): string {
    const key = `tines-sim-team-${teamId}-${randomBytes(12).toString("hex")}`;
    this.keys.set(key, { name: `team:${teamId}`, kind: "team", teamId });
    return key;
  }

  /** Whose key a request carries; undefined when it carries none or one this simulator does not know. */
  identify(request: IncomingMessage): ApiKeyIdentity | undefined {
    const header = request.headers.authorization;
    const bearer = typeof header === "string" && /^Bearer /i.test(header) ? header.slice(7).trim() : undefined;
    // Older docs show `X-User-Token`; Tines still accepts it.
    const token = bearer ?? (request.headers["x-user-token"] as string | undefined);
    return token === undefined ? undefined : this.keys.get(token);
  }
}
