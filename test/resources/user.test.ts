import { describe, expect, it } from "vitest";
import { TinesClient } from "../../src/client";
import { CheckFailedError } from "../../tools/runner/engine";
import type { ProviderHostError } from "../../tools/runner/providerHost";
import { providerStubText } from "../../src/provider/registration";
import { failureOf, useProviderHost } from "../helpers/host";

const tines = useProviderHost();
const client = () => new TinesClient({ tenantUrl: tines.simulator.url, apiKey: tines.simulator.apiKey });

describe("TinesUser", () => {
  it("creates a user with one request and records every input and what Tines computes", async () => {
    // The preview checks' reads are the check's cost, not the create's: count from the create on.
    const plan = await tines.engine.preview("User", "ada", {
      email: " ada@example.com ",
      firstName: "Ada",
      tenantPermissions: ["TUNNEL_MANAGE", "AUDIT_LOG_READ"],
    });
    tines.simulator.log.length = 0;
    const { state } = await tines.engine.apply("User", "ada", plan);
    expect(state.id).toMatch(/^\d+$/);
    expect(state.outputs).toMatchObject({
      email: "ada@example.com",
      firstName: "Ada",
      admin: false,
      isActive: true,
      tenantPermissions: ["AUDIT_LOG_READ", "TUNNEL_MANAGE"],
      deletionMode: "delete",
      adoptExisting: false,
      userId: Number(state.id),
      tenant: tines.simulator.url,
    });
    expect(state.outputs.createdAt).toEqual(expect.any(String));
    expect(tines.simulator.log.map((entry) => `${entry.method} ${entry.path}`)).toEqual(["POST /api/v1/admin/users"]);
    expect(tines.simulator.state.snapshot().outbox.map((mail) => mail.to)).toEqual(["ada@example.com"]);
  });

  it("shows no change when nothing changed, with no request", async () => {
    const { state } = await tines.engine.up("User", "ada", { email: "ada@example.com", lastName: "Lovelace" });
    tines.simulator.log.length = 0;
    const plan = await tines.engine.preview("User", "ada", { email: "ada@example.com", lastName: "Lovelace" }, state);
    expect(plan.operation).toBe("same");
    expect(tines.simulator.log).toHaveLength(0);
  });

  it("updates email, names, admin, permissions and active flag in place, always sending admin and is_active", async () => {
    // Another owner: deactivating the only one is refused (test/guardRails/tenantOwner.test.ts).
    tines.simulator.state.createUser({ email: "owner@example.com", admin: true });
    const { state } = await tines.engine.up("User", "ada", { email: "ada@example.com", admin: true });
    tines.simulator.log.length = 0;
    const plan = await tines.engine.preview("User", "ada", { email: "ada.l@example.com", admin: true, firstName: "Ada" }, state);
    expect(plan.diff).toEqual({ changes: "some", replaces: [], deleteBeforeReplace: false });
    const { state: updated, operation } = await tines.engine.up(
      "User",
      "ada",
      { email: "ada.l@example.com", admin: true, firstName: "Ada", tenantPermissions: ["AUDIT_LOG_READ"], isActive: false },
      state,
    );
    expect(operation).toBe("update");
    expect(updated.id).toBe(state.id);
    // Deactivating an owner first reads the tenant's owners, so it never deactivates the last one:
    // once to see whether the user is an owner, again in the one-owner-change-at-a-time queue.
    expect(tines.simulator.log.map((entry) => `${entry.method} ${entry.path}`)).toEqual([
      "GET /api/v1/admin/users",
      "GET /api/v1/admin/users",
      `PUT /api/v1/admin/users/${state.id}`,
    ]);
    expect(tines.simulator.state.getUser(Number(state.id))).toMatchObject({
      email: "ada.l@example.com",
      first_name: "Ada",
      admin: true,
      is_active: false,
      tenant_permissions: ["AUDIT_LOG_READ"],
    });
  });

  it("changes deletionMode and adoptExisting without touching Tines", async () => {
    const { state } = await tines.engine.up("User", "ada", { email: "ada@example.com" });
    tines.simulator.log.length = 0;
    const { state: updated, operation } = await tines.engine.up(
      "User",
      "ada",
      { email: "ada@example.com", deletionMode: "deactivate", adoptExisting: true },
      state,
    );
    expect(operation).toBe("update");
    expect(updated.outputs).toMatchObject({ deletionMode: "deactivate", adoptExisting: true });
    expect(tines.simulator.log).toHaveLength(0);
  });

  it("leaves an undeclared name as Tines has it", async () => {
    const { state } = await tines.engine.up("User", "ada", { email: "ada@example.com", firstName: "Ada" });
    const plan = await tines.engine.preview("User", "ada", { email: "ada@example.com" }, state);
    expect(plan.operation).toBe("same");
  });

  it("refresh picks up a change made outside Pulumi with one request (and one of the audit logs, to say who)", async () => {
    const { state } = await tines.engine.up("User", "ada", { email: "ada@example.com", firstName: "Ada" });
    await client().users.update(Number(state.id), { first_name: "Augusta", admin: true, is_active: true });
    tines.simulator.log.length = 0;
    const refreshed = await tines.engine.refresh(state);
    expect(tines.simulator.log.map((entry) => `${entry.method} ${entry.path}`)).toEqual([`GET /api/v1/admin/users/${state.id}`, "GET /api/v1/audit_logs"]);
    expect(refreshed!.outputs).toMatchObject({ firstName: "Augusta", admin: true });
    // The inputs come back too, so the refresh shows exactly the drift.
    expect(refreshed!.inputs).toMatchObject({ email: "ada@example.com", firstName: "Augusta", admin: true });
    // The next `up` puts the declared state back.
    const plan = await tines.engine.preview("User", "ada", { email: "ada@example.com", firstName: "Ada" }, refreshed);
    expect(plan.operation).toBe("update");
  });

  it("refresh drops a user deleted outside Pulumi", async () => {
    const { state } = await tines.engine.up("User", "ada", { email: "ada@example.com" });
    await client().users.delete(Number(state.id));
    expect(await tines.engine.refresh(state)).toBeUndefined();
  });

  it("deletes the user, and treats one already gone as deleted", async () => {
    const { state } = await tines.engine.up("User", "ada", { email: "ada@example.com" });
    await tines.engine.destroy(state);
    expect(tines.simulator.state.findUserByEmail("ada@example.com")).toBeUndefined();
    await tines.engine.destroy(state);
  });

  it('with deletionMode "deactivate", destroy deactivates and never deletes', async () => {
    tines.simulator.state.createUser({ email: "owner@example.com", admin: true });
    const { state } = await tines.engine.up("User", "ada", { email: "ada@example.com", admin: true, deletionMode: "deactivate" });
    await tines.engine.destroy(state);
    expect(tines.simulator.countRequests("DELETE")).toBe(0);
    expect(tines.simulator.state.findUserByEmail("ada@example.com")).toMatchObject({ is_active: false, admin: true });
  });

  it("refuses an email that already exists, and says adoptExisting exists", async () => {
    tines.simulator.state.createUser({ email: "taken@example.com" });
    const error = await failureOf(tines.engine.up("User", "taken", { email: "taken@example.com" }));
    expect(error.message).toContain("already exists");
    expect(error.message).toContain("adoptExisting");
    expect(tines.simulator.state.listUsers()).toHaveLength(1);
  });

  it("adopts an existing user with adoptExisting and brings it to the declared state", async () => {
    const existing = tines.simulator.state.createUser({ email: "taken@example.com", first_name: "Old" });
    const { state } = await tines.engine.up("User", "taken", {
      email: "taken@example.com",
      firstName: "New",
      tenantPermissions: ["API_KEY_CREATE"],
      adoptExisting: true,
    });
    expect(state.id).toBe(String(existing.id));
    expect(tines.simulator.state.getUser(existing.id)).toMatchObject({ first_name: "New", tenant_permissions: ["API_KEY_CREATE"] });
    expect(tines.simulator.countRequests("POST")).toBe(0);
  });

  it("an ambiguous create (the answer lost after Tines committed it) leaves exactly one user, in state", async () => {
    tines.simulator.setFaults({ rules: [{ method: "POST", action: { type: "reset", when: "after" }, times: 1 }] });
    const { state } = await tines.engine.up("User", "ada", { email: "ada@example.com", firstName: "Ada" });
    const users = tines.simulator.state.listUsers();
    expect(users).toHaveLength(1);
    expect(state.id).toBe(String(users[0]!.id));
    expect(state.outputs).toMatchObject({ email: "ada@example.com", firstName: "Ada" });
  });

  it("an ambiguous create that Tines never committed is tried again", async () => {
    tines.simulator.setFaults({ rules: [{ method: "POST", action: { type: "reset", when: "before" }, times: 1 }] });
    const { state } = await tines.engine.up("User", "ada", { email: "ada@example.com" });
    expect(tines.simulator.state.listUsers().map((user) => String(user.id))).toEqual([state.id]);
    expect(tines.simulator.countRequests("POST")).toBe(2);
  });

  it("previews with unknown values without failing or sending anything", async () => {
    const unknown = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
    const plan = await tines.engine.preview("User", "ada", { email: unknown, tenantPermissions: [unknown], isActive: unknown });
    expect(plan.operation).toBe("create");
    const { state } = await tines.engine.up("User", "ada", { email: "ada@example.com" });
    const change = await tines.engine.preview("User", "ada", { email: unknown }, state);
    expect(change.diff).toMatchObject({ changes: "some", replaces: [] });
    expect(tines.simulator.countRequests()).toBe(1);
  });

  it("replaces the user when the stack points at another tenant", async () => {
    const { state } = await tines.engine.up("User", "ada", { email: "ada@example.com" });
    const elsewhere = { ...state, outputs: { ...state.outputs, tenant: "https://other-tenant-1234.tines.com" } };
    const plan = await tines.engine.preview("User", "ada", { email: "ada@example.com" }, elsewhere);
    expect(plan.diff).toMatchObject({ changes: "some", replaces: ["tenant"] });
    // Refresh or delete never act on an id recorded for another tenant.
    const error = await failureOf(tines.engine.destroy(elsewhere));
    expect(error.message).toContain("lives in the Tines tenant https://other-tenant-1234.tines.com");
    expect(tines.simulator.countRequests("DELETE")).toBe(0);
  });

  it("fails check with the property named and no request", async () => {
    const error = await failureOf(tines.engine.up("User", "bad", { email: "not-an-email" }));
    expect(error).toBeInstanceOf(CheckFailedError);
    expect((error as CheckFailedError).failures).toEqual([{ property: "email", reason: "not an email address" }]);
    expect(tines.simulator.log).toHaveLength(0);
  });

  it("records a user adopted but not brought to the declared state, so it is neither lost nor made twice", async () => {
    const existing = tines.simulator.state.createUser({ email: "taken@example.com" });
    tines.simulator.setFaults({ rules: [{ method: "PUT", action: { type: "status", status: 422, body: '{"errors":[{"message":"Nope"}]}' } }] });
    const error = (await failureOf(
      tines.engine.up("User", "taken", { email: "taken@example.com", firstName: "New", adoptExisting: true }),
    )) as ProviderHostError;
    // The host turns the error into ErrorResourceInitFailed: the engine records the object under this id.
    expect(error.partialId).toBe(String(existing.id));
    expect(error.message).toContain("Nope");
    expect(error.message).toContain(`id ${existing.id}`);
  });

  it("stores only the one-line stub as __provider", async () => {
    const { state } = await tines.engine.up("User", "ada", { email: "ada@example.com" });
    expect(state.outputs.__provider).toBe(providerStubText("User"));
    expect(state.inputs.__provider).toBe(providerStubText("User"));
  });
});
