import { describe, expect, it } from "vitest";
import { TinesClient } from "../../src/client";
import { DynamicProviderEngine } from "../../tools/runner/engine";
import { failureOf, startHost, useProviderHost } from "../helpers/host";

const tines = useProviderHost({ seedTeams: ["Security Operations", "IT Operations"] });
const client = () => new TinesClient({ tenantUrl: tines.simulator.url, apiKey: tines.simulator.apiKey });

function seedUser(email: string) {
  return tines.simulator.state.createUser({ email });
}

describe("TinesTeamMembership", () => {
  it("adds a user by id with one request, VIEWER by default, with id <teamId>/<userId>", async () => {
    const user = seedUser("ada@example.com");
    // The preview checks' reads are the check's cost, not the create's: count from the create on.
    const plan = await tines.engine.preview("TeamMembership", "ada-secops", { teamId: 1, userId: String(user.id) });
    tines.simulator.log.length = 0;
    const { state } = await tines.engine.apply("TeamMembership", "ada-secops", plan);
    expect(state.id).toBe(`1/${user.id}`);
    expect(state.outputs).toMatchObject({
      teamId: 1,
      userId: user.id,
      email: "ada@example.com",
      role: "VIEWER",
      invitationAccepted: false,
      tenant: tines.simulator.url,
    });
    expect(tines.simulator.log.map((entry) => `${entry.method} ${entry.path}`)).toEqual(["POST /api/v1/teams/1/invite_member"]);
    expect(tines.simulator.state.teamMembershipsOf(user.id)).toEqual([{ team_id: 1, team_name: "Security Operations", role: "VIEWER" }]);
  });

  it("invites by email, creating the tenant user and sending the invitation", async () => {
    const { state } = await tines.engine.up("TeamMembership", "new", { teamId: "2", email: "new@example.com", role: "EDITOR" });
    const user = tines.simulator.state.findUserByEmail("new@example.com")!;
    expect(state.id).toBe(`2/${user.id}`);
    expect(state.outputs).toMatchObject({ userId: user.id, email: "new@example.com", role: "EDITOR" });
    expect(tines.simulator.state.snapshot().outbox.map((mail) => mail.to)).toContain("new@example.com");
  });

  it("accepts custom roles", async () => {
    tines.simulator.state.addCustomRole("INCIDENT_RESPONDER");
    const user = seedUser("ada@example.com");
    const { state } = await tines.engine.up("TeamMembership", "m", { teamId: 1, userId: user.id, role: "INCIDENT_RESPONDER" });
    expect(state.outputs.role).toBe("INCIDENT_RESPONDER");
  });

  it("sees no change between a numeric string and a number, or an email in another case", async () => {
    const user = seedUser("ada@example.com");
    const { state } = await tines.engine.up("TeamMembership", "m", { teamId: 1, userId: user.id });
    expect((await tines.engine.preview("TeamMembership", "m", { teamId: "1", userId: String(user.id) }, state)).operation).toBe("same");
    const byEmail = await tines.engine.up("TeamMembership", "e", { teamId: 2, email: "ada@example.com" });
    expect((await tines.engine.preview("TeamMembership", "e", { teamId: 2, email: "ADA@example.com" }, byEmail.state)).operation).toBe("same");
  });

  it("replaces the membership on a role change, removing before inviting, since Tines cannot update a role", async () => {
    const ada = seedUser("ada@example.com");
    const bob = seedUser("bob@example.com");
    tines.simulator.state.seedMembership(1, bob.id, "TEAM_ADMIN");
    const { state } = await tines.engine.up("TeamMembership", "m", { teamId: 1, userId: ada.id });
    const plan = await tines.engine.preview("TeamMembership", "m", { teamId: 1, userId: ada.id, role: "EDITOR" }, state);
    expect(plan.diff).toEqual({ changes: "some", replaces: ["role"], deleteBeforeReplace: true });
    tines.simulator.log.length = 0;
    const { state: replaced, operation } = await tines.engine.up("TeamMembership", "m", { teamId: 1, userId: ada.id, role: "EDITOR" }, state);
    expect(operation).toBe("replace");
    expect(replaced.id).toBe(state.id);
    expect(tines.simulator.log.map((entry) => entry.path)).toEqual(["/api/v1/teams/1/remove_member", "/api/v1/teams/1/invite_member"]);
    expect(tines.simulator.state.teamMembershipsOf(ada.id)).toMatchObject([{ team_id: 1, role: "EDITOR" }]);
  });

  it("replaces the membership on a team or user change, adding the new one first", async () => {
    const ada = seedUser("ada@example.com");
    const bob = seedUser("bob@example.com");
    tines.simulator.state.seedMembership(1, bob.id);
    const { state } = await tines.engine.up("TeamMembership", "m", { teamId: 1, userId: ada.id });
    const plan = await tines.engine.preview("TeamMembership", "m", { teamId: 2, userId: ada.id }, state);
    expect(plan.diff).toEqual({ changes: "some", replaces: ["teamId"], deleteBeforeReplace: false });
    const { state: moved } = await tines.engine.up("TeamMembership", "m", { teamId: 2, userId: ada.id }, state);
    expect(moved.id).toBe(`2/${ada.id}`);
    expect(tines.simulator.state.teamMembershipsOf(ada.id)).toMatchObject([{ team_id: 2 }]);
    const other = await tines.engine.preview("TeamMembership", "m", { teamId: 2, email: "bob@example.com" }, moved);
    expect(other.diff).toMatchObject({ replaces: ["email"], deleteBeforeReplace: false });
  });

  it("changes adoptExisting without touching Tines", async () => {
    const user = seedUser("ada@example.com");
    const { state } = await tines.engine.up("TeamMembership", "m", { teamId: 1, userId: user.id });
    tines.simulator.log.length = 0;
    const { operation, state: updated } = await tines.engine.up("TeamMembership", "m", { teamId: 1, userId: user.id, adoptExisting: true }, state);
    expect(operation).toBe("update");
    expect(updated.outputs.adoptExisting).toBe(true);
    expect(tines.simulator.log).toHaveLength(0);
  });

  it("refresh reads the membership with one request and shows a role changed outside Pulumi (then asks the audit logs who, and the team's name)", async () => {
    const ada = seedUser("ada@example.com");
    const bob = seedUser("bob@example.com");
    tines.simulator.state.seedMembership(1, bob.id);
    const { state } = await tines.engine.up("TeamMembership", "m", { teamId: 1, userId: ada.id, role: "EDITOR" });
    await client().teams.removeMember(1, ada.id);
    await client().teams.inviteMember(1, { user_id: ada.id }, "VIEWER");
    tines.simulator.log.length = 0;
    const refreshed = await tines.engine.refresh(state);
    // The drift it found is attributed (deployment/driftAttribution.ts): one audit-log read (the
    // team's name in the line comes from the team list the deployment reads once, already read here).
    expect(tines.simulator.log.map((entry) => `${entry.method} ${entry.path}`)).toEqual([`GET /api/v1/admin/users/${ada.id}`, "GET /api/v1/audit_logs"]);
    expect(refreshed!.outputs).toMatchObject({ role: "VIEWER" });
    expect(refreshed!.inputs).toMatchObject({ teamId: 1, userId: ada.id, role: "VIEWER" });
    expect((await tines.engine.preview("TeamMembership", "m", { teamId: 1, userId: ada.id, role: "EDITOR" }, refreshed)).operation).toBe("replace");
  });

  it("refresh drops a membership removed outside Pulumi, and one whose user was deleted", async () => {
    const ada = seedUser("ada@example.com");
    const bob = seedUser("bob@example.com");
    tines.simulator.state.seedMembership(1, bob.id);
    const first = await tines.engine.up("TeamMembership", "a", { teamId: 1, userId: ada.id });
    await client().teams.removeMember(1, ada.id);
    expect(await tines.engine.refresh(first.state)).toBeUndefined();
    const second = await tines.engine.up("TeamMembership", "b", { teamId: 2, userId: bob.id });
    await client().users.delete(bob.id);
    expect(await tines.engine.refresh(second.state)).toBeUndefined();
  });

  it("reads through the team's member list when the key is a Team key", async () => {
    const ada = seedUser("ada@example.com");
    const { state } = await tines.engine.up("TeamMembership", "m", { teamId: 1, userId: ada.id, role: "EDITOR" });
    tines.simulator.state.acceptInvitation(ada.id);
    const teamHost = await startHost({ TINES_TENANT: tines.simulator.url, TINES_API_KEY: tines.simulator.createTeamApiKey(1) });
    try {
      await teamHost.configure({});
      const refreshed = await new DynamicProviderEngine(teamHost).refresh(state);
      expect(refreshed!.outputs).toMatchObject({ role: "EDITOR", email: "ada@example.com", invitationAccepted: true });
    } finally {
      await teamHost.stop();
    }
  });

  it("refuses to remove the last member of a team, explaining why, and keeps the membership", async () => {
    const ada = seedUser("ada@example.com");
    const { state } = await tines.engine.up("TeamMembership", "m", { teamId: 1, userId: ada.id });
    const error = await failureOf(tines.engine.destroy(state));
    expect(error.message).toContain("Tines refuses to remove the last member of a team");
    expect(error.message).toContain("Add another member");
    expect(tines.simulator.state.teamMembershipsOf(ada.id)).toHaveLength(1);
  });

  it("deletes the membership, and treats one already gone as deleted", async () => {
    const ada = seedUser("ada@example.com");
    const bob = seedUser("bob@example.com");
    tines.simulator.state.seedMembership(1, bob.id);
    const { state } = await tines.engine.up("TeamMembership", "m", { teamId: 1, userId: ada.id });
    await tines.engine.destroy(state);
    expect(tines.simulator.state.teamMembershipsOf(ada.id)).toHaveLength(0);
    await tines.engine.destroy(state);
    // The user stays in the tenant: the membership owns only the membership.
    expect(tines.simulator.state.findUserByEmail("ada@example.com")).toBeDefined();
  });

  it("refuses a user already on the team, and says adoptExisting exists", async () => {
    const ada = seedUser("ada@example.com");
    tines.simulator.state.seedMembership(1, ada.id, "EDITOR");
    const error = await failureOf(tines.engine.up("TeamMembership", "m", { teamId: 1, userId: ada.id }));
    expect(error.message).toContain("is already on team 1 with role EDITOR");
    expect(error.message).toContain("adoptExisting");
  });

  it("adopts an existing membership, changing its role when needed", async () => {
    const ada = seedUser("ada@example.com");
    const bob = seedUser("bob@example.com");
    tines.simulator.state.seedMembership(1, ada.id, "EDITOR");
    tines.simulator.state.seedMembership(1, bob.id, "VIEWER");
    const same = await tines.engine.up("TeamMembership", "a", { teamId: 1, userId: ada.id, role: "EDITOR", adoptExisting: true });
    expect(same.state.id).toBe(`1/${ada.id}`);
    expect(tines.simulator.countRequests("POST")).toBe(0);
    await tines.engine.up("TeamMembership", "b", { teamId: 1, email: "bob@example.com", role: "TEAM_ADMIN", adoptExisting: true });
    expect(tines.simulator.state.teamMembershipsOf(bob.id)).toMatchObject([{ team_id: 1, role: "TEAM_ADMIN" }]);
  });

  it("an ambiguous create leaves exactly one membership, in state", async () => {
    const ada = seedUser("ada@example.com");
    tines.simulator.setFaults({ rules: [{ method: "POST", path: /invite_member/, action: { type: "reset", when: "after" }, times: 1 }] });
    const { state } = await tines.engine.up("TeamMembership", "m", { teamId: 1, userId: ada.id, role: "EDITOR" });
    expect(state.id).toBe(`1/${ada.id}`);
    expect(tines.simulator.countRequests("POST", "/api/v1/teams/1/invite_member")).toBe(1);
    expect(tines.simulator.state.membersOf(1)).toHaveLength(1);
  });

  it("an ambiguous invite by email leaves exactly one user and one membership", async () => {
    tines.simulator.setFaults({ rules: [{ method: "POST", path: /invite_member/, action: { type: "status", status: 502 }, times: 1 }] });
    const { state } = await tines.engine.up("TeamMembership", "m", { teamId: 1, email: "new@example.com" });
    expect(tines.simulator.state.listUsers()).toHaveLength(1);
    expect(state.outputs).toMatchObject({ email: "new@example.com", role: "VIEWER" });
  });
});
