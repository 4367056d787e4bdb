/**
 * The simulator's SCIM tenant, its user group mapping, the user found by email, and the audit log,
 * as tines-api.md describes them ("Users", "SCIM", Audit logs), over real HTTP.
 */
import { describe, expect, it } from "vitest";
import { useSimulator } from "../helpers/simulator";

const tines = useSimulator({ seedTeams: ["Security Operations", "Detection"] });

async function call(method: string, path: string, body?: unknown, options: { key?: string; userAgent?: string } = {}) {
  const response = await fetch(`${tines.simulator.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${options.key ?? tines.simulator.apiKey}`,
      "content-type": "application/json",
      "user-agent": options.userAgent ?? "pulumi-tines/0.0.0-test",
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, text, json: text ? (JSON.parse(text) as Record<string, unknown>) : undefined };
}

describe("a user by email in place of the id", () => {
  it("answers the user, in any letter case and with characters a path must escape", async () => {
    const user = tines.simulator.state.createUser({ email: "r&d+ops@example.com", first_name: "Rita" });
    tines.simulator.state.seedMembership(1, user.id, "EDITOR");
    const found = await call("GET", `/api/v1/admin/users/${encodeURIComponent("R&D+Ops@Example.com")}?include=team_memberships`);
    expect(found.status).toBe(200);
    expect(found.json).toMatchObject({ id: user.id, email: "r&d+ops@example.com", team_memberships: [{ team_id: 1, role: "EDITOR" }] });
    expect((await call("GET", "/api/v1/admin/users/nobody%40example.com")).status).toBe(404);
    // Writes still take the id only.
    expect((await call("PUT", `/api/v1/admin/users/${encodeURIComponent(user.email)}`, { admin: false, is_active: true })).status).toBe(404);
  });

  it("answers 404 for any email when set to behave as an older tenant", async () => {
    const user = tines.simulator.state.createUser({ email: "old@example.com" });
    tines.simulator.state.userLookupByEmail = false;
    expect((await call("GET", "/api/v1/admin/users/old%40example.com")).status).toBe(404);
    expect((await call("GET", `/api/v1/admin/users/${user.id}`)).status).toBe(200);
    tines.simulator.reset();
    expect(tines.simulator.state.userLookupByEmail).toBe(true);
  });
});

describe("a SCIM tenant", () => {
  it("refuses user creates, updates and invitations of new emails with a bare 403, and changes nothing", async () => {
    const existing = tines.simulator.state.createUser({ email: "pre-scim@example.com" });
    tines.simulator.state.setScim(true);
    const provisioned = tines.simulator.state.provisionScimUser({ email: "okta@example.com", first_name: "Okta" });
    const before = tines.simulator.state.snapshot();

    for (const [method, path, body] of [
      ["POST", "/api/v1/admin/users", { email: "new@example.com" }],
      ["PUT", `/api/v1/admin/users/${provisioned.id}`, { first_name: "Changed", admin: false, is_active: true }],
      ["PUT", `/api/v1/admin/users/${existing.id}`, { admin: false, is_active: false }],
      ["POST", "/api/v1/teams/1/invite_member", { email: "new@example.com", role: "VIEWER" }],
    ] as const) {
      expect(await call(method, path, body), `${method} ${path}`).toMatchObject({ status: 403, text: "" });
    }
    const after = tines.simulator.state.snapshot();
    expect(after.users).toEqual(before.users);
    expect(after.outbox).toEqual(before.outbox);
    expect(after.auditLogs).toEqual([]);

    // Users from the identity provider carry a scim_uid; those made before SCIM do not.
    const listed = (await call("GET", "/api/v1/admin/users")).json!["admin/users"] as Array<{ email: string; scim_uid: string | null }>;
    expect(listed).toEqual([
      expect.objectContaining({ email: "pre-scim@example.com", scim_uid: null }),
      expect.objectContaining({ email: "okta@example.com", scim_uid: expect.stringMatching(/^[0-9a-f-]{36}$/) }),
    ]);
    // Existing people may still be put on teams (by email or id), and removed.
    expect((await call("POST", "/api/v1/teams/1/invite_member", { email: "OKTA@example.com", role: "EDITOR" })).status).toBe(200);
    expect((await call("POST", "/api/v1/teams/2/invite_member", { user_id: existing.id })).status).toBe(200);
  });
});

describe("the SCIM user group mapping", () => {
  const path = "/api/v1/admin/scim_user_group_mapping";

  it("starts empty, and is replaced whole by the newer body shape", async () => {
    expect((await call("GET", path)).json).toEqual({ mappings: [], tenant_owners_group: null });
    const mapping = {
      mappings: [
        { group_name: "okta-secops", team_name: "Security Operations", role_name: "EDITOR" },
        { group_name: "okta-detection", team_name: "Detection", role_name: "TEAM_ADMIN" },
      ],
      tenant_owners_group: "okta-admins",
    };
    expect(await call("POST", path, { user_group_mapping: mapping })).toMatchObject({ status: 200, json: mapping });
    expect((await call("GET", path)).json).toEqual(mapping);

    // The older shape, with a single object where the list goes: the owners' group is kept.
    const single = { group_name: "okta-all", team_name: "Detection", role_name: "VIEWER" };
    expect((await call("POST", path, { mappings: single })).json).toEqual({ mappings: [single], tenant_owners_group: "okta-admins" });
    // An empty list clears the lines.
    expect((await call("POST", path, { user_group_mapping: { mappings: [], tenant_owners_group: null } })).json).toEqual({
      mappings: [],
      tenant_owners_group: null,
    });
  });

  it("refuses a team or role that does not exist with a 4xx naming each, and keeps what it held", async () => {
    const held = { mappings: [{ group_name: "g", team_name: "Detection", role_name: "VIEWER" }], tenant_owners_group: null };
    await call("POST", path, { user_group_mapping: held });
    const refused = await call("POST", path, {
      user_group_mapping: { mappings: [{ group_name: "g", team_name: "Detectoin", role_name: "EDITR" }] },
    });
    expect(refused.status).toBe(422);
    expect(refused.text).toContain('team \\"Detectoin\\" does not exist');
    expect(refused.text).toContain('role \\"EDITR\\" does not exist');
    expect((await call("POST", path, { user_group_mapping: { mappings: [{ group_name: "g" }] } })).status).toBe(400);
    expect((await call("GET", path)).json).toEqual(held);
  });

  it("leaves tenant_owners_group out of its answers when set to, and refuses a Team key", async () => {
    tines.simulator.state.normalisation.omitTenantOwnersGroup = true;
    expect((await call("GET", path)).json).toEqual({ mappings: [] });
    const teamKey = tines.simulator.createTeamApiKey(1);
    expect((await call("GET", path, undefined, { key: teamKey })).status).toBe(403);
    expect((await call("PUT", path, { mappings: [] })).status).toBe(405);
  });
});

describe("the audit log", () => {
  it("records every write it receives: operation, inputs, outputs, the key's user, IP, user agent and time", async () => {
    const owner = tines.simulator.state.createUser({ email: "owner@example.com", first_name: "Olga", last_name: "Owner", admin: true });
    tines.simulator.state.setTenantOwner(owner.id);
    tines.simulator.state.seedMembership(1, owner.id, "TEAM_ADMIN");
    const started = Math.floor(Date.now() / 1000) * 1000;
    const created = await call("POST", "/api/v1/admin/users", { email: "ada@example.com" }, { userAgent: "pulumi-tines/1.2.3" });
    const id = (created.json as { id: number }).id;
    await call("PUT", `/api/v1/admin/users/${id}`, { first_name: "Ada", admin: false, is_active: true }, { userAgent: "curl/8" });
    await call("POST", "/api/v1/teams/1/invite_member", { user_id: id, role: "EDITOR" });
    await call("POST", "/api/v1/teams/1/remove_member", { user_id: id });
    await call("DELETE", `/api/v1/admin/users/${id}`);
    // Reads and refused writes are not recorded.
    await call("GET", "/api/v1/admin/users");
    expect((await call("POST", "/api/v1/admin/users", {})).status).toBe(400);
    expect((await call("POST", "/api/v1/teams/1/remove_member", { user_id: owner.id })).status).toBe(422);

    const entries = (await call("GET", "/api/v1/audit_logs?per_page=500")).json!.audit_logs as Array<Record<string, unknown>>;
    expect(entries.map((entry) => entry.operation_name)).toEqual(["UserDeletion", "TeamMemberRemoval", "TeamMembersAddition", "UserEdit", "UsersInvitation"]);
    const invitation = entries.at(-1)!;
    expect(invitation).toMatchObject({
      operation_name: "UsersInvitation",
      inputs: { email: "ada@example.com" },
      outputs: { id, email: "ada@example.com" },
      user_id: owner.id,
      user_email: "owner@example.com",
      user_name: "Olga Owner",
      request_ip: "127.0.0.1",
      request_user_agent: "pulumi-tines/1.2.3",
      tenant_id: 1,
    });
    expect(invitation.created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(Date.parse(invitation.created_at as string)).toBeGreaterThanOrEqual(started);
    expect(entries[3]).toMatchObject({ inputs: { userId: id, first_name: "Ada" }, request_user_agent: "curl/8" });
    expect(entries[2]).toMatchObject({ inputs: { teamId: 1, user_id: id, role: "EDITOR" }, outputs: { id, role: "EDITOR" } });
    expect(entries[0]).toMatchObject({ inputs: { userId: id }, outputs: {} });
  });

  it("takes entries of other people from tests, and filters by user, operation and time, bounds excluded", async () => {
    const carol = tines.simulator.state.createUser({ email: "carol@example.com", first_name: "Carol", last_name: "Jones" });
    const hooked = await call("POST", "/_simulator/audit_logs", {
      operation_name: "TeamUpdate",
      inputs: { teamId: 1, name: "Renamed" },
      user_email: "carol@example.com",
      created_at: "2026-12-07T12:03:00Z",
    });
    expect(hooked.status).toBe(201);
    expect(hooked.json).toMatchObject({ user_id: carol.id, user_name: "Carol Jones", request_ip: "203.0.113.9", request_user_agent: expect.stringContaining("Mozilla") });
    tines.simulator.addAuditLogEntry({ operation_name: "UserEdit", user_id: carol.id, created_at: "2026-12-07T12:05:00Z" });
    tines.simulator.addAuditLogEntry({ operation_name: "TeamUpdate", created_at: "2026-12-07T12:07:00Z" });
    expect((await call("POST", "/_simulator/audit_logs", { inputs: {} })).status).toBe(400);

    const names = async (query: string) =>
      ((await call("GET", `/api/v1/audit_logs?${query}`)).json!.audit_logs as Array<{ created_at: string }>).map((entry) => entry.created_at.slice(11, 16));
    expect(await names("")).toEqual(["12:07", "12:05", "12:03"]);
    expect(await names(`user_id[]=${carol.id}`)).toEqual(["12:05", "12:03"]);
    expect(await names(`user_id=${carol.id}&operation_name=TeamUpdate`)).toEqual(["12:03"]);
    expect(await names("operation_name[]=TeamUpdate&operation_name[]=UserEdit")).toEqual(["12:07", "12:05", "12:03"]);
    expect(await names("after=2026-12-07T12:03:00Z&before=2026-12-07T12:07:00Z")).toEqual(["12:05"]);
    expect((await call("GET", "/api/v1/audit_logs?after=yesterday")).status).toBe(400);
    const page = await call("GET", "/api/v1/audit_logs?per_page=2");
    expect(page.json!.meta).toMatchObject({ count: 3, pages: 2, next_page_number: 2 });
  });

  it("answers 403 to a key without access to it, and has its own rate limit", async () => {
    const teamKey = tines.simulator.createTeamApiKey(1);
    expect((await call("GET", "/api/v1/audit_logs", undefined, { key: teamKey })).status).toBe(403);
    tines.simulator.setAuditLogAccess(false);
    expect(await call("GET", "/api/v1/audit_logs")).toMatchObject({ status: 403, text: "" });
    tines.simulator.reset();
    expect((await call("GET", "/api/v1/audit_logs")).status).toBe(200);

    tines.simulator.setRateLimits({ auditLogsPerMinute: 2 });
    try {
      const statuses = [];
      for (let index = 0; index < 3; index += 1) statuses.push((await call("GET", "/api/v1/audit_logs")).status);
      expect(statuses).toEqual([200, 200, 429]);
      expect((await call("GET", "/api/v1/teams")).status).toBe(200);
    } finally {
      tines.simulator.setRateLimits({ auditLogsPerMinute: 1000 });
    }
  });
});
