import { describe, expect, it } from "vitest";
import type { EngineResourceState } from "../../tools/runner/engine";
import { withProvider, type ProviderHostError } from "../../tools/runner/providerHost";
import { failureOf, useProviderHost } from "../helpers/host";

// TinesTeam with `members`: the team and its whole member list as one resource (src/membership/roster.ts
// is shared with TinesTeamMembers, whose own tests cover the roster's planning in depth).
const tines = useProviderHost();
const requests = () => tines.simulator.log.map((entry) => `${entry.method} ${entry.path}`);
const writes = () => requests().filter((request) => !request.startsWith("GET"));
const onTeam = (teamId: number) =>
  tines.simulator.state
    .membersOf(teamId)
    .map((member) => `${String(member.email)} ${String(member.role)}`)
    .sort();
const user = (email: string) => tines.simulator.state.findUserByEmail(email)?.id ?? tines.simulator.state.createUser({ email }).id;

/** A host of its own: preview checks read the tenant once per process, so each preview gets a fresh one. */
const hostWithChecks = () => tines.freshEngine();

describe("TinesTeam with members", () => {
  it("makes the team, then invites each member with one request, and records them as Tines holds them; the next preview sees no change", async () => {
    const ada = user("ada@example.com");
    const args = { name: "Detection", members: [{ userId: ada, role: "TEAM_ADMIN" }, { email: "grace@example.com", role: "EDITOR" }] };
    const plan = await tines.engine.preview("Team", "detection", args);
    tines.simulator.log.length = 0;
    const { state } = await tines.engine.apply("Team", "detection", plan);
    const teamId = Number(state.id);
    expect(writes()).toEqual(["POST /api/v1/teams", `POST /api/v1/teams/${teamId}/invite_member`, `POST /api/v1/teams/${teamId}/invite_member`]);
    expect(onTeam(teamId)).toEqual(["ada@example.com TEAM_ADMIN", "grace@example.com EDITOR"]);
    expect(state.outputs).toMatchObject({
      name: "Detection",
      members: [{ userId: ada, role: "TEAM_ADMIN" }, { email: "grace@example.com", role: "EDITOR" }],
      ignoredMembers: [],
      unmanagedMembers: [],
    });
    expect((state.outputs.resolvedMembers as Array<{ email: string }>).map((member) => member.email)).toEqual(["ada@example.com", "grace@example.com"]);
    // Same members in another order and letter case: no change.
    const same = { ...args, members: [{ email: "Grace@Example.com", role: "EDITOR" }, { userId: String(ada), role: "TEAM_ADMIN" }] };
    expect((await tines.engine.preview("Team", "detection", same, state)).operation).toBe("same");
  });

  it("renames and changes the roster in one update, adding before it removes so the team is never empty", async () => {
    const { state } = await tines.engine.up("Team", "detection", { name: "Detection", members: [{ email: "ada@example.com", role: "TEAM_ADMIN" }] });
    const teamId = Number(state.id);
    tines.simulator.log.length = 0;
    const updated = await tines.engine.up("Team", "detection", { name: "Detection Engineering", members: [{ email: "grace@example.com", role: "TEAM_ADMIN" }] }, state);
    expect(updated.operation).toBe("update");
    const grace = tines.simulator.state.findUserByEmail("grace@example.com")!.id;
    expect(writes()).toEqual([`PUT /api/v1/teams/${teamId}`, `POST /api/v1/teams/${teamId}/invite_member`, `POST /api/v1/teams/${teamId}/remove_member`]);
    expect(tines.simulator.state.getTeam(teamId).name).toBe("Detection Engineering");
    expect(onTeam(teamId)).toEqual(["grace@example.com TEAM_ADMIN"]);
    expect(updated.state.outputs).toMatchObject({ name: "Detection Engineering", members: [{ email: "grace@example.com", role: "TEAM_ADMIN" }] });
    expect((updated.state.outputs.resolvedMembers as Array<{ userId: number }>)[0]!.userId).toBe(grace);
  });

  it("refresh shows a member added outside Pulumi as drift and the next up removes them; an ignored member is left alone", async () => {
    const args = { name: "Detection", members: [{ email: "ada@example.com", role: "TEAM_ADMIN" }], ignoredMembers: ["breakglass@example.com"] };
    const { state } = await tines.engine.up("Team", "detection", args);
    const teamId = Number(state.id);
    tines.simulator.state.inviteMember(teamId, { email: "eve@example.com" }, "EDITOR");
    tines.simulator.state.inviteMember(teamId, { email: "breakglass@example.com" }, "TEAM_ADMIN");
    const refreshed = (await tines.engine.refresh(state))!;
    expect(refreshed.outputs.unmanagedMembers).toMatchObject([{ email: "eve@example.com", role: "EDITOR" }]);
    expect(refreshed.inputs.members).toEqual([{ email: "ada@example.com", role: "TEAM_ADMIN" }, { email: "eve@example.com", role: "EDITOR" }]);
    const next = await tines.engine.up("Team", "detection", args, refreshed);
    expect(next.operation).toBe("update");
    expect(onTeam(teamId)).toEqual(["ada@example.com TEAM_ADMIN", "breakglass@example.com TEAM_ADMIN"]);
    expect(next.state.outputs.unmanagedMembers).toEqual([]);
  });

  it("adopting a team takes its member list over: members neither declared nor ignored are removed", async () => {
    const team = tines.simulator.state.createTeam("Security Operations");
    tines.simulator.state.seedMembership(team.id, user("old@example.com"), "TEAM_ADMIN");
    tines.simulator.state.seedMembership(team.id, user("ada@example.com"), "VIEWER");
    const { state } = await tines.engine.up("Team", "secops", { name: "Security Operations", adoptExisting: true, members: [{ email: "ada@example.com", role: "TEAM_ADMIN" }] });
    expect(state.id).toBe(String(team.id));
    expect(onTeam(team.id)).toEqual(["ada@example.com TEAM_ADMIN"]);
  });

  it("declaring members on a team the stack already has is a takeover: someone undeclared fails it, named, with nothing changed, unless ignored or adoptExisting", async () => {
    const { state } = await tines.engine.up("Team", "detection", { name: "Detection" });
    const teamId = Number(state.id);
    tines.simulator.state.seedMembership(teamId, user("founder@example.com"), "TEAM_ADMIN");
    tines.simulator.log.length = 0;
    const error = await failureOf(tines.engine.up("Team", "detection", { name: "Detection", members: [{ email: "ada@example.com" }] }, state));
    expect(error.message).toContain(`members: team ${teamId} already has 1 member that is neither declared nor ignored: founder@example.com`);
    expect(error.message).toContain("adoptExisting: true");
    expect(writes()).toEqual([]);
    // What the engine records of that failed update (UpdateStep.Apply keeps a partial failure's
    // outputs) holds no roster: the next up is still a takeover, refused again.
    const partial = error as ProviderHostError;
    expect(partial.partialProperties?.members).toBeUndefined();
    const recorded: EngineResourceState = { ...state, outputs: { ...state.outputs, ...partial.partialProperties } };
    const again = await failureOf(tines.engine.up("Team", "detection", { name: "Detection", members: [{ email: "ada@example.com" }] }, recorded));
    expect(again.message).toContain("neither declared nor ignored: founder@example.com");
    expect(writes()).toEqual([]);
    const ignored = await tines.engine.up("Team", "detection", { name: "Detection", members: [{ email: "ada@example.com" }], ignoredMembers: ["founder@example.com"] }, state);
    expect(onTeam(teamId)).toEqual(["ada@example.com VIEWER", "founder@example.com TEAM_ADMIN"]);
    // Dropping the roster stops managing it, without a request.
    tines.simulator.log.length = 0;
    const dropped = await tines.engine.up("Team", "detection", { name: "Detection" }, ignored.state);
    expect(dropped.operation).toBe("update");
    expect(requests()).toEqual([]);
    expect(dropped.state.outputs.members).toBeUndefined();
    expect(onTeam(teamId)).toHaveLength(2);
  });

  it("a member Tines refuses to add fails the create naming them; the team and the members added are recorded, and the next up finishes", async () => {
    const error = (await failureOf(
      tines.engine.up("Team", "detection", { name: "Detection", members: [{ email: "ada@example.com" }, { userId: 999_999 }] }),
    )) as ProviderHostError;
    expect(error.message).toContain("members[1]: adding user 999999 as VIEWER failed");
    const teamId = Number(error.partialId);
    expect(tines.simulator.state.getTeam(teamId).name).toBe("Detection");
    expect(error.partialProperties).toMatchObject({ teamId, members: [{ email: "ada@example.com", role: "VIEWER" }] });
    const grace = user("grace@example.com");
    const declared = { name: "Detection", members: [{ email: "ada@example.com" }, { userId: grace }] };
    // What the engine records of a partial create (CreateStep.Apply keeps its outputs).
    const recorded: EngineResourceState = {
      kind: "Team",
      name: "detection",
      urn: tines.engine.urn("Team", "detection"),
      id: String(teamId),
      inputs: withProvider("Team", declared),
      outputs: error.partialProperties!,
    };
    const finished = await tines.engine.up("Team", "detection", declared, recorded);
    expect(finished.operation).toBe("update");
    expect(onTeam(teamId)).toEqual(["ada@example.com VIEWER", "grace@example.com VIEWER"]);
    expect(tines.simulator.state.listTeams("all")).toHaveLength(1);
  });

  it("a team with stories is kept with its roster; with forceDestroy, one DELETE takes the team and its members", async () => {
    const { state } = await tines.engine.up("Team", "detection", { name: "Detection", members: [{ email: "ada@example.com" }, { email: "grace@example.com" }] });
    const teamId = Number(state.id);
    tines.simulator.state.seedStory(teamId);
    const refused = await failureOf(tines.engine.destroy(state));
    expect(refused.message).toContain("still holds 1 story");
    // Its members are still in the stack (the resource is), so the message does not send anyone to re-adopt them.
    expect(refused.message).not.toContain("deletedWith");
    expect(onTeam(teamId)).toHaveLength(2);
    const forced = await tines.engine.up("Team", "detection", { name: "Detection", forceDestroy: true, members: [{ email: "ada@example.com" }, { email: "grace@example.com" }] }, state);
    tines.simulator.log.length = 0;
    await tines.engine.destroy(forced.state);
    expect(writes()).toEqual([`DELETE /api/v1/teams/${teamId}`]);
    expect(tines.simulator.state.listTeams("all")).toHaveLength(0);
  });
});

describe("TinesTeam with members, when Tines answers oddly", () => {
  const teamPath = /^\/api\/v1\/teams\/\d+$/;

  it("a destroy keeps the team (and its members) in the stack when the DELETE answers a stray 404, or is answered but not applied", async () => {
    const { state } = await tines.engine.up("Team", "t", { name: "T", forceDestroy: true, members: [{ email: "a@example.com" }, { email: "b@example.com" }] });
    const teamId = Number(state.id);
    tines.simulator.setFaults({ rules: [{ method: "DELETE", path: teamPath, action: { type: "status", status: 404, body: "<html>404 Not Found (nginx)</html>" }, times: 1 }] });
    expect((await failureOf(tines.engine.destroy(state))).message).toContain(`Team ${teamId} ("T") was not deleted: Tines answered the delete with 404 but still holds the team`);
    tines.simulator.setFaults({ rules: [{ method: "DELETE", path: teamPath, action: { type: "status", status: 204, body: "" }, times: 1 }] });
    expect((await failureOf(tines.engine.destroy(state))).message).toContain("Tines answered the delete but still holds the team");
    expect(onTeam(teamId)).toHaveLength(2);
    tines.simulator.setFaults({});
    await tines.engine.destroy(state);
    expect(tines.simulator.state.listTeams("all")).toHaveLength(0);
  });

  it("a destroy without forceDestroy never takes two stray 404s (stories, then the team) for a team already gone", async () => {
    const { state } = await tines.engine.up("Team", "t", { name: "T", members: [{ email: "a@example.com" }] });
    tines.simulator.setFaults({
      rules: [
        { method: "GET", path: "/api/v1/stories", action: { type: "status", status: 404, body: "<html>404</html>" }, times: 1 },
        { method: "GET", path: teamPath, action: { type: "status", status: 404, body: "<html>404</html>" }, times: 1 },
      ],
    });
    expect((await failureOf(tines.engine.destroy(state))).message).toContain("was not deleted: Tines did not say how many stories it holds");
    expect(tines.simulator.state.listTeams("all")).toHaveLength(1);
  });

  it("a removal or an invitation Tines answers but does not apply fails the write, naming the member, and the stack records whom Tines holds", async () => {
    const { state } = await tines.engine.up("Team", "t", { name: "T", members: [{ email: "a@example.com" }, { email: "b@example.com" }] });
    const teamId = Number(state.id);
    const b = tines.simulator.state.findUserByEmail("b@example.com")!.id;
    tines.simulator.setFaults({ rules: [{ method: "POST", path: /remove_member$/, action: { type: "status", status: 200, body: JSON.stringify({ deleted_id: b }) }, times: 1 }] });
    const removal = (await failureOf(tines.engine.up("Team", "t", { name: "T", members: [{ email: "a@example.com" }] }, state))) as ProviderHostError;
    expect(removal.message).toContain(`members: Tines answered every change to team ${teamId}, but holds b@example.com (id ${b}, VIEWER)`);
    expect((removal.partialProperties!.resolvedMembers as Array<{ email: string }>).map((member) => member.email).sort()).toEqual(["a@example.com", "b@example.com"]);
    tines.simulator.setFaults({
      rules: [{ method: "POST", path: /invite_member$/, action: { type: "status", status: 200, body: JSON.stringify({ id: 999, email: "c@example.com", role: "VIEWER", invitation_accepted: false }) }, times: 1 }],
    });
    const invitation = (await failureOf(tines.engine.up("Team", "t", { name: "T", members: [{ email: "a@example.com" }, { email: "b@example.com" }, { email: "c@example.com" }] }, state))) as ProviderHostError;
    expect(invitation.message).toContain("but does not hold c@example.com (id 999, VIEWER)");
    expect(onTeam(teamId)).toEqual(["a@example.com VIEWER", "b@example.com VIEWER"]);
  });

  it("refresh keeps a team that answers when its member list answers 404, and says so", async () => {
    const { state } = await tines.engine.up("Team", "t", { name: "T", members: [{ email: "a@example.com" }] });
    tines.simulator.setFaults({ rules: [{ method: "GET", path: /\/members$/, action: { type: "status", status: 404, body: "<html>404</html>" }, times: 2 }] });
    // A later `pulumi refresh` (another process, more than Tines' lag after the up): a refresh right
    // after the write would wait out the 404s as Tines' lag after it (docs/guides/refresh.md).
    const later = await tines.freshEngine();
    const writtenLongAgo = { ...state, outputs: { ...state.outputs, __writtenAt: "2024-01-01T00:00:00.000Z" } };
    expect((await failureOf(later.refresh(writtenLongAgo))).message).toContain("exists, but Tines answered 404 for its members twice");
  });

  it("a rename is recorded even when the member list then cannot be read", async () => {
    const { state } = await tines.engine.up("Team", "t", { name: "T", members: [{ email: "a@example.com" }] });
    tines.simulator.setFaults({ rules: [{ method: "GET", path: /\/members$/, action: { type: "status", status: 403, body: '{"error":"Forbidden"}' } }] });
    const error = (await failureOf(tines.engine.up("Team", "t", { name: "T2", members: [{ email: "b@example.com" }] }, state))) as ProviderHostError;
    expect(tines.simulator.state.getTeam(Number(state.id)).name).toBe("T2");
    expect(error.partialProperties).toMatchObject({ name: "T2", members: [{ email: "a@example.com", role: "VIEWER" }] });
  });
});

describe("TinesTeam with members, with preview checks", () => {
  it("lists whom the up adds to a team it makes, and fails a member's unknown role and a user id that names no user", async () => {
    const engine = await hostWithChecks();
    await engine.preview("Team", "detection", { name: "Detection", members: [{ email: "ada@example.com", role: "EDITOR" }] });
    await expect.poll(() => engine.host.stderr).toContain('team "Detection" (made by this up): TinesTeam adds 1, re-roles 0 and removes 0 member(s):');
    expect(engine.host.stderr).toContain("+ ada@example.com as EDITOR (no Tines account yet: Tines creates the user and emails an invitation)");
    tines.simulator.log.length = 0;
    const error = await failureOf(
      (await hostWithChecks()).preview("Team", "detection", { name: "Detection", members: [{ email: "ada@example.com", role: "Reviewer" }, { userId: 424_242 }] }),
    );
    expect(error.message).toContain('members[0].role: "Reviewer" is not a role');
    expect(error.message).toContain("members[1].userId: user 424242 does not exist");
    expect(writes()).toEqual([]);
  });

  it("fails the preview of one user declared by id and by email before either is on the team", async () => {
    const ada = user("ada@example.com");
    tines.simulator.log.length = 0;
    const error = await failureOf((await hostWithChecks()).preview("Team", "t", { name: "T", members: [{ userId: ada }, { email: "ADA@example.com", role: "EDITOR" }] }));
    expect(error.message).toContain(`members[1]: is user ${ada}, already declared as members[0]: declare each member once`);
    expect(writes()).toEqual([]);
  });

  it("fails a TinesTeamMembership on a team whose TinesTeam declares its members, in either order", async () => {
    const { state } = await tines.engine.up("Team", "detection", { name: "Detection", members: [{ email: "ada@example.com", role: "TEAM_ADMIN" }] });
    const teamId = Number(state.id);
    const teamFirst = await hostWithChecks();
    await teamFirst.preview("Team", "detection", { name: "Detection", members: [{ email: "ada@example.com", role: "TEAM_ADMIN" }] }, state);
    const membership = await failureOf(teamFirst.preview("TeamMembership", "grace", { teamId, email: "grace@example.com" }));
    expect(membership.message).toContain("has its whole member list managed by the members of a TinesTeam in this deployment");
    const membershipFirst = await hostWithChecks();
    await membershipFirst.preview("TeamMembership", "grace", { teamId, email: "grace@example.com" });
    const team = await failureOf(membershipFirst.preview("Team", "detection", { name: "Detection", members: [{ email: "ada@example.com", role: "TEAM_ADMIN" }] }, state));
    expect(team.message).toContain("members: this deployment also declares TinesTeamMembership resources on team");
    expect(team.message).toContain("grace@example.com");
  });

  it("fails a TinesTeamMembers on a team whose TinesTeam declares its members, in either order", async () => {
    const roster = { name: "Detection", members: [{ email: "ada@example.com", role: "TEAM_ADMIN" }] };
    const { state } = await tines.engine.up("Team", "detection", roster);
    const teamId = Number(state.id);
    const teamFirst = await hostWithChecks();
    await teamFirst.preview("Team", "detection", roster, state);
    const members = await failureOf(teamFirst.preview("TeamMembers", "detection-members", { teamId, members: [{ email: "ada@example.com", role: "TEAM_ADMIN" }] }));
    expect(members.message).toContain("already has its whole member list managed by the members of a TinesTeam in this deployment");
    const membersFirst = await hostWithChecks();
    await membersFirst.preview("TeamMembers", "detection-members", { teamId, members: [{ email: "ada@example.com", role: "TEAM_ADMIN" }] });
    const team = await failureOf(membersFirst.preview("Team", "detection", roster, state));
    expect(team.message).toContain("members: team");
    expect(team.message).toContain("managed by a TinesTeamMembers in this deployment");
  });
});
