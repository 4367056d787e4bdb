/**
 * The client's user-by-email lookup, SCIM user group mapping and audit logs against the simulator
 * over real HTTP (tines-api.md, "Users", "SCIM", Audit logs), including the shapes and behaviours
 * the docs leave open.
 */
import { describe, expect, it } from "vitest";
import { TinesApiError, TinesError } from "../../src/client";
import { packageVersion } from "../../src/version";
import { failureOf as failure } from "../helpers/failure";
import { useSimulator } from "../helpers/simulator";

const tines = useSimulator({ seedTeams: ["Security Operations", "Detection"] });


describe("users.getByEmail", () => {
  it("finds a user in one request, in any letter case, whatever the email's characters", async () => {
    const client = tines.client();
    for (let index = 0; index < 30; index += 1) tines.simulator.state.createUser({ email: `filler${index}@example.com` });
    const rita = tines.simulator.state.createUser({ email: "r&d+ops/eu@example.com", first_name: "Rita" });
    tines.simulator.state.seedMembership(2, rita.id, "EDITOR");
    const found = await client.users.getByEmail("  R&D+Ops/EU@example.com ", { includeTeamMemberships: true });
    expect(found).toMatchObject({ id: rita.id, first_name: "Rita", team_memberships: [{ team_id: 2, team_name: "Detection", role: "EDITOR" }] });
    expect(tines.simulator.countRequests("GET", "/api/v1/admin/users")).toBe(1);
    expect(await client.users.getByEmail("nobody@example.com")).toBeUndefined();
    expect(await client.users.getByEmail("  ")).toBeUndefined();
  });

  it("is undefined on an older tenant, which answers 404 for every email; the directory still finds the user", async () => {
    const client = tines.client();
    tines.simulator.state.createUser({ email: "old@example.com" });
    tines.simulator.state.userLookupByEmail = false;
    expect(await client.users.getByEmail("old@example.com")).toBeUndefined();
    expect((await client.users.findByEmail("old@example.com"))?.email).toBe("old@example.com");
  });

  it("is undefined when the answer is a user of another email (a tenant reading the email as an id)", async () => {
    const client = tines.client();
    const first = tines.simulator.state.createUser({ email: "first@example.com" });
    tines.simulator.state.createUser({ email: "1abc@example.com" });
    const answer = JSON.stringify({ id: first.id, email: "first@example.com", admin: false, is_active: true });
    tines.simulator.setFaults({ rules: [{ method: "GET", path: "/api/v1/admin/users/", action: { type: "replaceBody", body: answer } }] });
    expect(await client.users.getByEmail("1abc@example.com")).toBeUndefined();
  });

  it("throws what is not a 404", async () => {
    const client = tines.client();
    tines.simulator.setFaults({ rules: [{ method: "GET", action: { type: "status", status: 403 } }] });
    expect(await failure(client.users.getByEmail("x@example.com"))).toMatchObject({ status: 403, kind: "forbidden" });
  });
});

describe("scim", () => {
  const mapping = {
    mappings: [
      { group_name: "okta-secops", team_name: "Security Operations", role_name: "EDITOR" },
      { group_name: "okta-detection", team_name: "Detection", role_name: "TEAM_ADMIN" },
    ],
    tenant_owners_group: "okta-admins",
  };

  it("replaces the whole mapping in the newer body shape and reads it back", async () => {
    const client = tines.client();
    expect(await client.scim.getGroupMapping()).toEqual({ mappings: [], tenant_owners_group: null });
    expect(await client.scim.replaceGroupMapping(mapping)).toEqual(mapping);
    expect(await client.scim.getGroupMapping()).toEqual(mapping);
    // Sent as {"user_group_mapping": {...}}: the audit log keeps the request's body.
    expect(tines.simulator.state.listAuditLogs({ operationNames: ["ScimUserGroupMappingUpdate"] })[0]!.inputs).toEqual({ user_group_mapping: mapping });
    // Without tenant_owners_group the key is left out of the body; the simulator keeps the group.
    expect(await client.scim.replaceGroupMapping({ mappings: [] })).toEqual({ mappings: [], tenant_owners_group: "okta-admins" });
    expect(tines.simulator.state.listAuditLogs()[0]!.inputs).toEqual({ user_group_mapping: { mappings: [] } });
  });

  it("reads every documented answer shape, and says when the owners' group is not reported", async () => {
    const client = tines.client();
    const line = { group_name: "g", team_name: "Detection", role_name: "VIEWER" };
    const answers: Array<[unknown, unknown]> = [
      [{ mappings: line }, { mappings: [line] }],
      [{ user_group_mapping: { mappings: [line], tenant_owners_group: "admins" } }, { mappings: [line], tenant_owners_group: "admins" }],
      [{ mappings: null }, { mappings: [] }],
    ];
    for (const [answer, read] of answers) {
      tines.simulator.setFaults({ rules: [{ method: "GET", action: { type: "replaceBody", body: JSON.stringify(answer) } }] });
      const result = await client.scim.getGroupMapping();
      expect(result).toEqual(read);
      // Undefined (not null) where the answer does not carry it: "not reported", never "unset".
      expect(result.tenant_owners_group).toBe((read as { tenant_owners_group?: string }).tenant_owners_group);
    }
    tines.simulator.setFaults({ rules: [{ method: "GET", action: { type: "replaceBody", body: "{}" } }] });
    expect(await failure(client.scim.getGroupMapping())).toMatchObject({ name: "TinesResponseError", message: expect.stringContaining("mappings") });
  });

  it("reads the mapping back when the write's answer is not a mapping", async () => {
    const client = tines.client();
    tines.simulator.setFaults({ rules: [{ method: "POST", action: { type: "replaceBody", body: "true" } }] });
    expect(await client.scim.replaceGroupMapping(mapping)).toEqual(mapping);
    expect(tines.simulator.countRequests("GET", "/api/v1/admin/scim_user_group_mapping")).toBe(1);
  });

  it("retries the write (it is the same whole mapping each time) and surfaces a refusal as a typed error", async () => {
    const client = tines.client();
    tines.simulator.setFaults({ rules: [{ method: "POST", action: { type: "status", status: 503 }, times: 1 }] });
    expect(await client.scim.replaceGroupMapping(mapping)).toEqual(mapping);
    tines.simulator.setFaults({});
    const error = await failure(client.scim.replaceGroupMapping({ mappings: [{ group_name: "g", team_name: "Nope", role_name: "EDITOR" }] }));
    expect(error).toBeInstanceOf(TinesApiError);
    expect(error).toMatchObject({ status: 422, message: expect.stringContaining('team "Nope" does not exist') });
    expect(await client.scim.getGroupMapping()).toEqual(mapping);
  });

  it("sees a SCIM tenant's refusal of user writes as a bare 403", async () => {
    const client = tines.client();
    tines.simulator.state.setScim(true);
    const error = await failure(client.users.create({ email: "new@example.com" }));
    expect(error).toMatchObject({ status: 403, kind: "forbidden", tinesMessage: "(empty body)" });
    const provisioned = tines.simulator.state.provisionScimUser({ email: "okta@example.com" });
    expect((await client.users.get(provisioned.id)).scim_uid).toBe(provisioned.scim_uid);
  });
});

describe("auditLogs", () => {
  it("lists the entries of a window, bounds included although the tenant excludes them, whole seconds and all", async () => {
    const client = tines.client();
    const at = (time: string, operation_name = "UserEdit") => tines.simulator.addAuditLogEntry({ operation_name, created_at: `2026-12-07T${time}Z` });
    at("11:59:59");
    at("12:00:00");
    at("12:03:30", "TeamUpdate");
    at("12:05:00");
    at("12:05:01");
    const times = (entries: Array<{ created_at: string }>) => entries.map((entry) => entry.created_at.slice(11, 19)).sort();
    expect(times(await client.auditLogs.listAll({ since: "2026-12-07T12:00:00Z", until: new Date("2026-12-07T12:05:00Z") }))).toEqual([
      "12:00:00",
      "12:03:30",
      "12:05:00",
    ]);
    // A bound inside a second: that second's entries are kept or dropped by their written time.
    expect(times(await client.auditLogs.listAll({ since: "2026-12-07T12:00:00.500Z" }))).toEqual(["12:03:30", "12:05:00", "12:05:01"]);
    expect(times(await client.auditLogs.listAll({ operationNames: ["TeamUpdate"] }))).toEqual(["12:03:30"]);
    expect(await failure(client.auditLogs.listAll({ since: "last tuesday" }))).toBeInstanceOf(TinesError);
  });

  it("filters by user with user_id[], and records this package's own writes with its User-Agent", async () => {
    const client = tines.client();
    const carol = tines.simulator.state.createUser({ email: "carol@example.com", first_name: "Carol" });
    tines.simulator.addAuditLogEntry({ operation_name: "TeamUpdate", user_id: carol.id });
    await client.teams.update(2, { name: "Detection & Response" });
    const carols = await client.auditLogs.listAll({ userIds: [carol.id] });
    expect(carols).toEqual([expect.objectContaining({ user_email: "carol@example.com", user_name: "Carol", request_user_agent: expect.stringContaining("Mozilla") })]);
    expect(tines.simulator.log.at(-1)!.query).toContain(`user_id%5B%5D=${carol.id}`);
    const ours = (await client.auditLogs.listAll()).filter((entry) => entry.operation_name === "TeamUpdate" && entry.user_id !== carol.id);
    expect(ours).toEqual([
      expect.objectContaining({ inputs: { teamId: 2, name: "Detection & Response" }, request_user_agent: `pulumi-tines/${packageVersion}` }),
    ]);
  });

  it("pages through 500 a request and yields each entry once, even when pages shift under it", async () => {
    const client = tines.client();
    for (let index = 0; index < 1_050; index += 1) tines.simulator.addAuditLogEntry({ operation_name: "UserEdit", inputs: { index } });
    // The second page repeats the newest entry, as when a new entry pushes the pages down.
    const newest = tines.simulator.state.listAuditLogs()[0]!;
    tines.simulator.setFaults({
      rules: [
        {
          method: "GET",
          path: "/api/v1/audit_logs",
          action: {
            type: "replaceBody",
            body: (real) => {
              const page = JSON.parse(real) as { audit_logs: unknown[]; meta: { current_page: string } };
              if (page.meta.current_page.includes("page=2")) page.audit_logs.unshift(newest);
              return JSON.stringify(page);
            },
          },
        },
      ],
    });
    const entries = await client.auditLogs.listAll();
    expect(entries).toHaveLength(1_050);
    expect(new Set(entries.map((entry) => entry.id)).size).toBe(1_050);
    expect(tines.simulator.countRequests("GET", "/api/v1/audit_logs")).toBe(3);
  });

  it("reads the entries in the shape of Tines' docs and Go SDK fixture, unknown operations and fields kept", async () => {
    const body = JSON.stringify({
      audit_logs: [
        {
          id: 7,
          created_at: "2025-01-11T03:57:28Z",
          updated_at: "2025-01-11T03:57:28Z",
          operation_name: "SomeOperationNobodyListed",
          inputs: { storyId: 3480, inputs: { actionIds: [1, 2] } },
          outputs: {},
          request_ip: "203.0.113.9",
          request_user_agent: "Mozilla/5.0",
          tenant_id: 1,
          user_id: 12,
          user_email: "carol@example.com",
          user_name: "Carol",
          story_id: 3480,
          extra_field: true,
        },
      ],
      meta: { current_page: "x", previous_page: null, next_page: null, per_page: 500, pages: 1, count: 1 },
    });
    tines.simulator.setFaults({ rules: [{ method: "GET", path: "/api/v1/audit_logs", action: { type: "replaceBody", body } }] });
    expect(await tines.client().auditLogs.listAll({ since: "2025-01-11T03:57:28Z" })).toEqual([
      expect.objectContaining({ id: 7, operation_name: "SomeOperationNobodyListed", inputs: { storyId: 3480, inputs: { actionIds: [1, 2] } }, story_id: 3480, extra_field: true }),
    ]);
  });

  it("keeps every entry when some lack fields or write their ids as text: one odd entry never hides the others", async () => {
    const meta = { current_page: "x", previous_page: null, next_page: null, per_page: 500, pages: 1, count: 3 };
    const body = JSON.stringify({
      audit_logs: [
        { id: 1, created_at: "2026-12-07T12:00:00Z", operation_name: "TeamUpdate", user_id: 12, user_email: "carol@example.com", inputs: { teamId: 2 } },
        // Ids as text, as some of Tines' own fields are (a template's id).
        { id: "2", created_at: "2026-12-07T12:01:00Z", operation_name: "UserEdit", user_id: "12", tenant_id: "1", story_id: null, inputs: { userId: "5" } },
        // Fields missing or null: no time, no operation name, no actor.
        { id: 3, created_at: null, operation_name: null, user_id: null, inputs: { teamId: 2 } },
      ],
      meta,
    });
    tines.simulator.setFaults({ rules: [{ method: "GET", path: "/api/v1/audit_logs", action: { type: "replaceBody", body } }] });
    const entries = await tines.client().auditLogs.listAll({ since: "2026-12-07T11:00:00Z" });
    expect(entries.map((entry) => [entry.id, entry.operation_name, entry.user_id ?? null])).toEqual([
      [1, "TeamUpdate", 12],
      [2, "UserEdit", 12],
      [3, "", null],
    ]);
  });

  it("throws a typed 403 for a key without access to the audit logs", async () => {
    const client = tines.client();
    tines.simulator.setAuditLogAccess(false);
    const error = await failure(client.auditLogs.listAll());
    expect(error).toBeInstanceOf(TinesApiError);
    expect(error).toMatchObject({ status: 403, kind: "forbidden" });
    // A 403 is an answer: it is not retried.
    expect(tines.simulator.countRequests("GET", "/api/v1/audit_logs")).toBe(1);
  });
});
