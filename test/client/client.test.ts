import { describe, expect, it, vi } from "vitest";
import {
  TinesApiError,
  TinesClient,
  TinesConfigurationError,
  TinesConnectionError,
  TinesResponseError,
  nextPageNumber,
} from "../../src/client";
import { packageVersion } from "../../src/version";
import { failureOf as failure } from "../helpers/failure";
import { useSimulator } from "../helpers/simulator";

const tines = useSimulator({ seedTeams: ["Security Operations", "IT Operations"] });


describe("users", () => {
  it("creates, reads, updates, lists and deletes a user", async () => {
    const client = tines.client();
    const created = await client.users.create({ email: "ada@example.com", first_name: "Ada", tenant_permissions: ["AUDIT_LOG_READ"] });
    expect(created).toMatchObject({ email: "ada@example.com", first_name: "Ada", admin: false, is_active: true });
    expect(tines.simulator.state.snapshot().outbox.map((mail) => mail.to)).toEqual(["ada@example.com"]);

    const updated = await client.users.update(created.id, { last_name: "Lovelace", admin: true, is_active: true });
    expect(updated).toMatchObject({ last_name: "Lovelace", admin: true, tenant_permissions: ["AUDIT_LOG_READ"] });
    expect((await client.users.get(created.id)).last_name).toBe("Lovelace");

    await client.users.create({ email: "bob@example.com" });
    expect((await client.users.listAll()).map((user) => user.email)).toEqual(["ada@example.com", "bob@example.com"]);
    expect((await client.users.listAll({ filter: "TENANT_OWNER" })).map((user) => user.email)).toEqual(["ada@example.com"]);
    expect((await client.users.findByEmail("  BOB@example.com "))?.email).toBe("bob@example.com");
    expect(await client.users.findByEmail("nobody@example.com")).toBeUndefined();

    await client.users.delete(created.id);
    const error = await failure(client.users.get(created.id));
    expect(error).toBeInstanceOf(TinesApiError);
    expect((error as TinesApiError).isNotFound).toBe(true);
  });

  it("sees a deleted user deactivated until Tines' asynchronous deletion completes", async () => {
    const client = tines.client();
    const user = await client.users.create({ email: "slow@example.com" });
    tines.simulator.state.userDeletionDelayMs = 60_000;
    try {
      await client.users.delete(user.id);
      expect(await client.users.get(user.id)).toMatchObject({ is_active: false });
    } finally {
      tines.simulator.state.userDeletionDelayMs = 0;
    }
  });

  it("includes team memberships on request", async () => {
    const client = tines.client();
    const user = await client.users.create({ email: "carol@example.com" });
    await client.teams.inviteMember(1, { user_id: user.id }, "EDITOR");
    const withTeams = await client.users.get(user.id, { includeTeamMemberships: true });
    expect(withTeams.team_memberships).toEqual([{ team_id: 1, team_name: "Security Operations", role: "EDITOR" }]);
    const listed = await client.users.listAll({ includeTeamMemberships: true });
    expect(listed[0]!.team_memberships).toHaveLength(1);
    expect((await client.users.get(user.id)).team_memberships).toBeUndefined();
  });

  it("reads sign-in activity, resends invitations and expires sessions", async () => {
    const client = tines.client();
    const user = await client.users.create({ email: "dan@example.com" });
    tines.simulator.state.recordSignIn(user.id, "198.51.100.4");
    expect(await client.users.listSignInActivities(user.id)).toMatchObject([{ user_id: user.id, ip: "198.51.100.4" }]);
    expect(await client.users.resendInvitation(user.id)).toBeUndefined();
    tines.simulator.state.acceptInvitation(user.id);
    expect(await client.users.resendInvitation(user.id)).toBe("User already accepted invitation.");
    await client.users.expireSession(user.id);
    expect(tines.simulator.countRequests("POST", `/api/v1/admin/users/${user.id}/expire_session`)).toBe(1);
  });

  it("refuses a duplicate email with Tines' message", async () => {
    const client = tines.client();
    await client.users.create({ email: "dup@example.com" });
    const error = (await failure(client.users.create({ email: "DUP@example.com" }))) as TinesApiError;
    expect(error.isConflictOrValidation).toBe(true);
    expect(error.tinesMessage).toContain("Email has already been taken");
  });
});

describe("teams and members", () => {
  it("creates, renames, lists and deletes teams", async () => {
    const client = tines.client();
    const team = await client.teams.create({ name: "Detection" });
    expect((await client.teams.update(team.id, { name: "Detection Engineering" })).name).toBe("Detection Engineering");
    expect((await client.teams.get(team.id)).name).toBe("Detection Engineering");
    expect((await client.teams.list()).map((each) => each.name)).toEqual([
      "Security Operations",
      "IT Operations",
      "Detection Engineering",
    ]);
    await client.teams.delete(team.id);
    expect(((await failure(client.teams.get(team.id))) as TinesApiError).isNotFound).toBe(true);
  });

  it("invites by user id or by email, with VIEWER as the default role", async () => {
    const client = tines.client();
    const user = await client.users.create({ email: "erin@example.com" });
    const byId = await client.teams.inviteMember(1, { user_id: user.id });
    expect(byId).toMatchObject({ id: user.id, role: "VIEWER", email: "erin@example.com" });
    const byEmail = await client.teams.inviteMember(1, { email: "new.person@example.com" }, "TEAM_ADMIN");
    expect(byEmail.role).toBe("TEAM_ADMIN");
    // Inviting an unknown email creates the tenant user and emails them.
    expect(await client.users.findByEmail("new.person@example.com")).toMatchObject({ id: byEmail.id });
    expect(tines.simulator.state.snapshot().outbox.filter((mail) => mail.to === "new.person@example.com")).not.toHaveLength(0);
    expect((await client.teams.listMembers(1)).map((member) => member.id)).toEqual([user.id, byEmail.id]);
    expect(await client.teams.findMember(1, { email: "ERIN@example.com" })).toMatchObject({ id: user.id });
    await client.teams.resendInvitation(1, user.id);
  });

  it("removes members but never the last one", async () => {
    const client = tines.client();
    const first = await client.teams.inviteMember(2, { email: "f@example.com" });
    const second = await client.teams.inviteMember(2, { email: "g@example.com" });
    expect(await client.teams.removeMember(2, first.id)).toBe(first.id);
    const error = (await failure(client.teams.removeMember(2, second.id))) as TinesApiError;
    expect(error.isConflictOrValidation).toBe(true);
    expect(error.tinesMessage).toBe("Cannot remove the last member of a team");
  });

  it("lists roles, custom ones included", async () => {
    tines.simulator.state.addCustomRole("INCIDENT_RESPONDER");
    const roles = await tines.client().roles.list();
    expect(roles.map((role) => role.name)).toEqual(["VIEWER", "EDITOR", "TEAM_ADMIN", "CASE_MANAGER", "INCIDENT_RESPONDER"]);
    expect(roles.at(-1)).toMatchObject({ type: "custom" });
  });
});

describe("private templates", () => {
  const template = {
    name: "Look up an IP",
    description: "Asks a threat-intel service",
    vendor: "Acme",
    product: "Intel",
    agent_type: "Agents::HTTPRequestAgent",
    agent_options: { url: "https://intel.example.com/ip", method: "get" },
  };

  it("creates, updates (reading the template back), moves, lists and deletes", async () => {
    const client = tines.client();
    const created = await client.templates.create({
      ...template,
      team_id: 1,
      action_inputs: [{ name: "ip", type: "TEXT", required: true }],
    });
    expect(typeof created.id).toBe("string");
    expect(created.read_access).toBe("TEAM");

    // Tines answers an update with `true`; the client reads the template back.
    const updated = await client.templates.update(created.id, { description: "New", read_access: "GLOBAL" });
    expect(updated).toMatchObject({ id: created.id, description: "New", read_access: "GLOBAL" });
    expect(tines.simulator.countRequests("GET", `/api/v1/admin/templates/${created.id}`)).toBe(1);

    await client.templates.move(created.id, { team_id: 2 });
    expect(await client.templates.get(created.id)).toMatchObject({ team_id: 2, read_access: "TEAM" });

    await client.templates.create({ ...template, name: "Other" });
    expect((await client.templates.list({ search: "look up" })).map((each) => each.id)).toEqual([created.id]);
    await client.templates.delete(created.id);
    expect(((await failure(client.templates.get(created.id))) as TinesApiError).isNotFound).toBe(true);
  });

  it("reports Tines' validation messages from the bare-array error shape", async () => {
    const error = (await failure(
      tines.client().templates.create({ ...template, read_access: "SPECIFIC_TEAMS" }),
    )) as TinesApiError;
    expect(error.status).toBe(422);
    expect(error.tinesMessage).toContain("shared_team_slugs");
  });
});

describe("pagination", () => {
  it("walks more than 500 objects 500 at a time", async () => {
    for (let index = 0; index < 1_203; index += 1) tines.simulator.state.createUser({ email: `user${index}@example.com` });
    const users = await tines.client().users.listAll();
    expect(users).toHaveLength(1_203);
    expect(new Set(users.map((user) => user.id)).size).toBe(1_203);
    const pages = tines.simulator.log.filter((entry) => entry.path === "/api/v1/admin/users");
    expect(pages.map((entry) => entry.query)).toEqual(["page=1&per_page=500", "page=2&per_page=500", "page=3&per_page=500"]);
  });

  it("stops when next_page_number is null or 0, and falls back to pages when it is absent", () => {
    expect(nextPageNumber(1, 500, { next_page_number: 2 })).toBe(2);
    expect(nextPageNumber(1, 500, { next_page_number: null })).toBeUndefined();
    expect(nextPageNumber(1, 500, { next_page_number: 0 })).toBeUndefined();
    expect(nextPageNumber(3, 500, { next_page_number: 3 })).toBeUndefined();
    expect(nextPageNumber(1, 20, { pages: 2 })).toBe(2);
    expect(nextPageNumber(2, 20, { pages: 2 })).toBeUndefined();
    expect(nextPageNumber(1, 500, undefined)).toBe(2);
    expect(nextPageNumber(1, 499, undefined)).toBeUndefined();
  });
});

describe("transport", () => {
  it("sends the key as a Bearer token and names the package in User-Agent", async () => {
    await tines.client().teams.list();
    expect(tines.simulator.log.at(-1)).toMatchObject({ key: "owner", userAgent: `pulumi-tines/${packageVersion}` });
  });

  it("tells unauthorized and forbidden apart", async () => {
    const wrongKey = (await failure(tines.client({}, "not-a-key").teams.list())) as TinesApiError;
    expect(wrongKey.isUnauthorized).toBe(true);
    const teamKey = tines.simulator.createTeamApiKey(1);
    const forbidden = (await failure(tines.client({}, teamKey).users.listAll())) as TinesApiError;
    expect(forbidden.isForbidden).toBe(true);
    // A Team key may still manage its own team's members.
    await tines.client({}, teamKey).teams.inviteMember(1, { email: "team.key@example.com" });
  });

  it("retries a read through a burst of 5xx and counts the attempts", async () => {
    tines.simulator.setFaults({ rules: [{ method: "GET", path: "/api/v1/teams", action: { type: "status", status: 503 }, times: 2 }] });
    expect(await tines.client().teams.list()).toHaveLength(2);
    expect(tines.simulator.countRequests("GET", "/api/v1/teams")).toBe(3);
  });

  it("gives up after the attempt budget and says how many attempts were made", async () => {
    tines.simulator.setFaults({ rules: [{ path: "/api/v1/teams", action: { type: "status", status: 502 } }] });
    const error = (await failure(tines.client({ retry: { maxAttempts: 4 } }).teams.get(1))) as TinesApiError;
    expect(error.attempts).toBe(4);
    expect(error.message).toContain("after 4 attempts");
    expect(error.isServerError).toBe(true);
    expect(tines.simulator.countRequests("GET", "/api/v1/teams/1")).toBe(4);
  });

  it("never repeats a create after a 5xx, since Tines may have committed it", async () => {
    tines.simulator.setFaults({ rules: [{ method: "POST", action: { type: "status", status: 500 }, times: 1 }] });
    const error = (await failure(tines.client().users.create({ email: "once@example.com" }))) as TinesApiError;
    expect(error.status).toBe(500);
    expect(tines.simulator.countRequests("POST", "/api/v1/admin/users")).toBe(1);
  });

  it("repeats a create refused with 429, honouring Retry-After", async () => {
    tines.simulator.setFaults({ rules: [{ method: "POST", action: { type: "rateLimit", retryAfterSeconds: 1 }, times: 1 }] });
    const user = await tines.client().users.create({ email: "paced@example.com" });
    expect(user.email).toBe("paced@example.com");
    const attempts = tines.simulator.log.filter((entry) => entry.method === "POST");
    expect(attempts.map((entry) => entry.status)).toEqual([429, 201]);
    expect(attempts[1]!.startedAt - attempts[0]!.startedAt).toBeGreaterThanOrEqual(950);
  });

  it("backs off on a 429 without Retry-After and succeeds", async () => {
    tines.simulator.setFaults({ rules: [{ method: "GET", action: { type: "rateLimit" }, times: 3 }] });
    expect(await tines.client().teams.list()).toHaveLength(2);
    expect(tines.simulator.countRequests("GET", "/api/v1/teams")).toBe(4);
  });

  it("keeps waiting out 429s past the budget for other failures, then says how many attempts it made", async () => {
    tines.simulator.setFaults({ rules: [{ method: "GET", action: { type: "rateLimit" }, times: 7 }] });
    expect(await tines.client({ retry: { maxAttempts: 3 } }).teams.list()).toHaveLength(2);
    expect(tines.simulator.countRequests("GET", "/api/v1/teams")).toBe(8);
    tines.simulator.reset();
    tines.simulator.setFaults({ rules: [{ method: "GET", action: { type: "rateLimit" } }] });
    const error = (await failure(tines.client({ retry: { maxRateLimitedAttempts: 4 } }).teams.list())) as TinesApiError;
    expect(error.isRateLimited).toBe(true);
    expect(error.message).toContain("after 4 attempts");
  });

  it("retries a read whose connection was reset", async () => {
    tines.simulator.setFaults({ rules: [{ method: "GET", action: { type: "reset", when: "before" }, times: 2 }] });
    expect(await tines.client().teams.get(1)).toMatchObject({ name: "Security Operations" });
    expect(tines.simulator.countRequests("GET", "/api/v1/teams/1")).toBe(3);
  });

  it("reports a create whose answer was lost as possibly processed, without repeating it", async () => {
    tines.simulator.setFaults({ rules: [{ method: "POST", action: { type: "reset", when: "after" }, times: 1 }] });
    const error = (await failure(tines.client().users.create({ email: "lost@example.com" }))) as TinesConnectionError;
    expect(error).toBeInstanceOf(TinesConnectionError);
    expect(error.requestMayHaveBeenProcessed).toBe(true);
    expect(tines.simulator.countRequests("POST")).toBe(1);
    expect(tines.simulator.state.findUserByEmail("lost@example.com")).toBeDefined();
  });

  it("fails a hanging request after the configured timeout", async () => {
    tines.simulator.setFaults({ rules: [{ action: { type: "hang" } }] });
    const started = Date.now();
    const error = (await failure(
      tines.client({ timeoutMs: 300, retry: { maxAttempts: 2 } }).teams.list(),
    )) as TinesConnectionError;
    expect(error).toBeInstanceOf(TinesConnectionError);
    expect(error.timedOut).toBe(true);
    expect(error.message).toMatch(/timed out/);
    expect(error.message).toContain("after 2 attempts");
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it("reports a refused connection with its cause", async () => {
    const closed = new TinesClient({ tenantUrl: "http://127.0.0.1:9", apiKey: "k" }, { retry: { maxAttempts: 2, baseDelayMs: 1 } });
    const error = (await failure(closed.teams.list())) as TinesConnectionError;
    expect(error.requestMayHaveBeenProcessed).toBe(false);
    expect(error.message).toContain("ECONNREFUSED");
    expect(error.cause).toBeDefined();
    await closed.close();
  });

  it("refuses plain http for a tenant that is not on this machine", () => {
    expect(() => new TinesClient({ tenantUrl: "http://acme.tines.com", apiKey: "k" })).toThrow(TinesConfigurationError);
    expect(() => new TinesClient({ tenantUrl: "acme.tines.com", apiKey: "k" })).toThrow(/https:\/\/acme\.tines\.com/);
    expect(new TinesClient({ tenantUrl: "https://acme.tines.com/", apiKey: "k" }).tenantUrl).toBe("https://acme.tines.com");
  });
});

describe("malformed answers", () => {
  const cases: Array<[string, string | ((real: string) => string), RegExp]> = [
    ["an HTML error page", "<html><body><h1>502 Bad Gateway</h1></body></html>", /is not JSON \(it starts with "<html>/],
    ["truncated JSON", (real) => real.slice(0, real.length / 2), /is not JSON/],
    ["a field of the wrong type", (real) => real.replace(/"id":1,/, '"id":"one",'), /field teams\[0\]\.id/],
    ["an empty body", "", /body is empty/],
  ];
  for (const [name, body, message] of cases) {
    it(`turns ${name} into an error naming the endpoint`, async () => {
      tines.simulator.setFaults({ rules: [{ method: "GET", action: { type: "replaceBody", body } }] });
      const error = await failure(tines.client().teams.list());
      expect(error).toBeInstanceOf(TinesResponseError);
      expect(error.message).toContain("GET /api/v1/teams returned an unexpected response");
      expect(error.message).toMatch(message);
    });
  }
});

describe("rate limits", () => {
  it("paces a 600-request burst under a scaled admin/users limit with no 429 reaching the caller", async () => {
    // A "minute" of 3 s: the same 500-request budget, twenty times faster.
    tines.simulator.setRateLimits({ timeScale: 20 });
    try {
      const user = tines.simulator.state.createUser({ email: "burst@example.com" });
      const client = tines.client({ rateLimits: { adminUsers: { requests: 500, windowMs: 3_000 } } });
      const results = await Promise.all(Array.from({ length: 600 }, () => client.users.get(user.id)));
      expect(results).toHaveLength(600);
      expect(tines.simulator.log.filter((entry) => entry.status === 429)).toHaveLength(0);
    } finally {
      tines.simulator.setRateLimits({ timeScale: 1 });
    }
  });

  it("slows the whole key down after a 429", async () => {
    tines.simulator.setFaults({ rules: [{ method: "GET", action: { type: "rateLimit", retryAfterSeconds: 1 }, times: 1 }] });
    const client = tines.client();
    const refused = client.teams.get(1);
    await vi.waitFor(() => expect(tines.simulator.countRequests("GET")).toBe(1));
    // This request was never refused itself, yet it waits out the pause the 429 asked for.
    await Promise.all([refused, client.teams.get(2)]);
    const [refusal, ...later] = tines.simulator.log;
    expect(refusal!.status).toBe(429);
    expect(later.map((entry) => entry.status)).toEqual([200, 200]);
    for (const entry of later) expect(entry.startedAt - refusal!.startedAt).toBeGreaterThanOrEqual(950);
  });
});

describe("secrets", () => {
  it("never puts the API key in an error message, string or stack", async () => {
    const key = `secret-${Math.random().toString(36).slice(2)}-key`;
    const errors: Error[] = [];
    // A key Tines refuses, and one it accepts but whose requests then fail in every other way.
    errors.push(await failure(tines.client({}, key).teams.list()));
    const owner = tines.simulator.apiKey;
    tines.simulator.setFaults({ rules: [{ action: { type: "status", status: 500, body: JSON.stringify({ error: `bad key ${owner}` }) } }] });
    errors.push(await failure(tines.client({ retry: { maxAttempts: 1 } }).teams.list()));
    tines.simulator.setFaults({ rules: [{ action: { type: "hang" } }] });
    errors.push(await failure(tines.client({ timeoutMs: 100, retry: { maxAttempts: 1 } }).teams.list()));
    tines.simulator.setFaults({ rules: [{ action: { type: "replaceBody", body: `<html>${owner}</html>` } }] });
    errors.push(await failure(tines.client().teams.list()));
    const closed = new TinesClient({ tenantUrl: "http://127.0.0.1:9", apiKey: key }, { retry: { maxAttempts: 1 } });
    errors.push(await failure(closed.teams.list()));
    for (const error of errors) {
      const text = [error.message, String(error), error.stack, JSON.stringify(error), String((error as { cause?: unknown }).cause)].join("\n");
      expect(text).not.toContain(key);
      expect(text).not.toContain(tines.simulator.apiKey);
    }
    expect(errors.map((error) => error.name)).toEqual([
      "TinesApiError",
      "TinesApiError",
      "TinesConnectionError",
      "TinesResponseError",
      "TinesConnectionError",
    ]);
  });

  it("never puts part of the key in a message either, where a quoted body is cut short across the key", async () => {
    const owner = tines.simulator.apiKey;
    const errors: Error[] = [];
    // The error body is quoted up to 300 characters, a non-JSON body's start up to 80: the key straddles each cut.
    tines.simulator.setFaults({ rules: [{ action: { type: "status", status: 500, body: JSON.stringify({ error: `${"x".repeat(285)}${owner}` }) } }] });
    errors.push(await failure(tines.client({ retry: { maxAttempts: 1 } }).teams.list()));
    tines.simulator.setFaults({ rules: [{ action: { type: "replaceBody", body: `${"y".repeat(70)}${owner}` } }] });
    errors.push(await failure(tines.client().teams.list()));
    for (const error of errors) {
      expect(error.message).not.toContain(owner.slice(0, 12));
    }
  });
});
