import { describe, expect, it } from "vitest";
import { TinesApiError } from "../../src/client";
import { deploymentFor } from "../../src/deployment";
import {
  TinesInvitationError,
  TinesLastMemberError,
  TinesOnlyMemberRoleChangeError,
  TinesRoleChangeError,
  TinesRosterMemberError,
  TinesRosterPlanError,
  changeMemberRole,
  findMemberOnTeam,
  inviteMember,
  removeMember,
  writeRoster,
  type MembershipScope,
  type TeamMember,
} from "../../src/membership";
import { useSimulator } from "../helpers/simulator";

// The membership operations of src/membership/operations.ts, against the simulator over HTTP:
// what a role change does (Tines has no role update), the last-member rule, and the typed failures.

const tines = useSimulator({ seedTeams: ["Security Operations"] });
const teamId = 1;
const advice = "Keep another member on the team.";

/** A scope on team 1 with a fresh client, so no deployment state is carried between tests. */
function scope(): MembershipScope {
  return { deployment: deploymentFor(tines.client()), teamId, userDeletionWaitMs: 1_000, lastMemberAdvice: advice, lookup: findMemberOnTeam };
}

/** A user on team 1 with `role`, as Tines holds them. */
function seedMember(email: string, role: string): TeamMember {
  const user = tines.simulator.state.createUser({ email });
  tines.simulator.state.seedMembership(teamId, user.id, role);
  return { userId: user.id, email, role, invitationAccepted: false };
}

/** Team 1's members as `email ROLE`, sorted. */
function team(): string[] {
  return tines.simulator.state
    .membersOf(teamId)
    .map((member) => `${String(member.email)} ${String(member.role)}`)
    .sort();
}

/** The requests since the log was cleared, as `METHOD path`. */
function requests(): string[] {
  return tines.simulator.log.map((entry) => `${entry.method} ${entry.path}`);
}

/** Answers the next `times` invitations with a 422, as Tines refuses one. */
function refuseInvitations(times: number): void {
  tines.simulator.setFaults({
    rules: [{ method: "POST", path: /invite_member$/, action: { type: "status", status: 422, body: '{"error":"refused"}' }, times }],
  });
}

describe("a member's role change (Tines has no role update)", () => {
  it("removes the member, then invites them with the new role: two requests", async () => {
    const ada = seedMember("ada@example.com", "VIEWER");
    seedMember("bob@example.com", "TEAM_ADMIN");
    tines.simulator.log.length = 0;
    const changed = await changeMemberRole(scope(), { member: ada, invitee: { userId: ada.userId }, role: "EDITOR", onlyMember: false });
    expect(changed).toMatchObject({ userId: ada.userId, email: "ada@example.com", role: "EDITOR" });
    expect(requests()).toEqual(["POST /api/v1/teams/1/remove_member", "POST /api/v1/teams/1/invite_member"]);
    expect(team()).toEqual(["ada@example.com EDITOR", "bob@example.com TEAM_ADMIN"]);
  });

  it("puts the member back with the old role when the new invitation is refused, and says so in a typed failure", async () => {
    const ada = seedMember("ada@example.com", "VIEWER");
    seedMember("bob@example.com", "TEAM_ADMIN");
    refuseInvitations(1);
    tines.simulator.log.length = 0;
    const removed: string[] = [];
    const failure = await changeMemberRole(scope(), {
      member: ada,
      invitee: { userId: ada.userId },
      role: "EDITOR",
      onlyMember: false,
      onRemoved: () => removed.push("ada"),
    }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(TinesRoleChangeError);
    const error = failure as TinesRoleChangeError;
    expect(error).toMatchObject({ operation: "changeRole", teamId, member: ada, role: "EDITOR" });
    expect(error.restored).toMatchObject({ userId: ada.userId, role: "VIEWER" });
    // The cause is the refused invitation, itself carrying Tines' answer.
    expect(error.cause).toBeInstanceOf(TinesInvitationError);
    expect(error.cause).toMatchObject({ operation: "invite", invitee: { userId: ada.userId }, role: "EDITOR" });
    expect((error.cause.cause as TinesApiError).status).toBe(422);
    expect(removed).toEqual(["ada"]);
    expect(requests()).toEqual(["POST /api/v1/teams/1/remove_member", "POST /api/v1/teams/1/invite_member", "POST /api/v1/teams/1/invite_member"]);
    expect(team()).toEqual(["ada@example.com VIEWER", "bob@example.com TEAM_ADMIN"]);
  });

  it("reports the member off the team (restored: undefined) when Tines refuses the restore too", async () => {
    const ada = seedMember("ada@example.com", "VIEWER");
    seedMember("bob@example.com", "TEAM_ADMIN");
    refuseInvitations(2);
    const error = (await changeMemberRole(scope(), { member: ada, invitee: { userId: ada.userId }, role: "EDITOR", onlyMember: false }).catch(
      (failure: unknown) => failure,
    )) as TinesRoleChangeError;
    expect(error).toBeInstanceOf(TinesRoleChangeError);
    expect(error.restored).toBeUndefined();
    expect(team()).toEqual(["bob@example.com TEAM_ADMIN"]);
  });

  it("refuses to change the role of a team's only member before any request, when the caller knows they are alone", async () => {
    const ada = seedMember("ada@example.com", "VIEWER");
    tines.simulator.log.length = 0;
    const error = await changeMemberRole(scope(), { member: ada, invitee: { userId: ada.userId }, role: "EDITOR", onlyMember: true }).catch(
      (failure: unknown) => failure,
    );
    expect(error).toBeInstanceOf(TinesOnlyMemberRoleChangeError);
    expect(error).toMatchObject({ operation: "changeRole", teamId, member: ada, role: "EDITOR" });
    expect((error as Error).message).toContain("Tines has no role update");
    expect(requests()).toEqual([]);
  });

  it("leaves the only member as they were when Tines refuses their removal, with the last-member rule explained", async () => {
    const ada = seedMember("ada@example.com", "VIEWER");
    tines.simulator.log.length = 0;
    const error = await changeMemberRole(scope(), { member: ada, invitee: { userId: ada.userId }, role: "EDITOR", onlyMember: false }).catch(
      (failure: unknown) => failure,
    );
    expect(error).toBeInstanceOf(TinesLastMemberError);
    // Nothing was invited: the removal failed first.
    expect(requests().filter((request) => request.endsWith("invite_member"))).toEqual([]);
    expect(team()).toEqual(["ada@example.com VIEWER"]);
  });
});

describe("removing a member, and Tines' last-member rule", () => {
  it("refuses to remove a team's last member with a TinesLastMemberError naming the member, the team and the advice", async () => {
    const ada = seedMember("ada@example.com", "EDITOR");
    const error = await removeMember(scope(), ada.userId).catch((failure: unknown) => failure);
    expect(error).toBeInstanceOf(TinesLastMemberError);
    const lastMember = error as TinesLastMemberError;
    expect(lastMember).toMatchObject({ operation: "remove", teamId, advice, member: { userId: ada.userId, email: "ada@example.com", role: "EDITOR" } });
    expect(lastMember.cause).toBeInstanceOf(TinesApiError);
    expect(lastMember.message).toBe(
      `Cannot remove user ada@example.com (id ${ada.userId}) from team 1: Tines refuses to remove the last member of a team. ${advice}`,
    );
    expect(team()).toEqual(["ada@example.com EDITOR"]);
  });

  it("removes a member of a team that keeps others, and counts a member already gone as removed", async () => {
    const ada = seedMember("ada@example.com", "EDITOR");
    seedMember("bob@example.com", "VIEWER");
    await removeMember(scope(), ada.userId);
    expect(team()).toEqual(["bob@example.com VIEWER"]);
    await expect(removeMember(scope(), ada.userId)).resolves.toBeUndefined();
  });
});

describe("inviting a member", () => {
  it("invites by email with one request, creating the tenant user", async () => {
    tines.simulator.log.length = 0;
    const member = await inviteMember(scope(), { email: "new@example.com" }, "EDITOR");
    expect(member).toMatchObject({ email: "new@example.com", role: "EDITOR" });
    expect(requests()).toEqual(["POST /api/v1/teams/1/invite_member"]);
  });

  it("fails with a TinesInvitationError carrying the team, the invitee, the role and Tines' answer, whose message it keeps", async () => {
    const error = await inviteMember(scope(), { userId: 999 }, "VIEWER").catch((failure: unknown) => failure);
    expect(error).toBeInstanceOf(TinesInvitationError);
    const invitation = error as TinesInvitationError;
    expect(invitation).toMatchObject({ operation: "invite", teamId, invitee: { userId: 999 }, role: "VIEWER" });
    expect(invitation.cause).toBeInstanceOf(TinesApiError);
    expect(invitation.message).toBe(invitation.cause.message);
  });

  it("invites an email again once Tines has finished deleting the user that held it", async () => {
    const simulator = tines.simulator;
    simulator.state.userDeletionDelayMs = 600;
    const old = simulator.state.createUser({ email: "ada@example.com" });
    const operation = scope();
    await operation.deployment.client.users.delete(old.id);
    // This deployment deleted it, so it is certainly being deleted: the invitation waits for it.
    operation.deployment.recordUserDeleted(old);
    const member = await inviteMember(operation, { email: "ada@example.com" }, "VIEWER");
    expect(member.email).toBe("ada@example.com");
    expect(member.userId).not.toBe(old.id);
    expect(simulator.state.listUsers().map((user) => user.id)).toEqual([member.userId]);
  });
});

describe("a roster write's failures are values", () => {
  it("a role change refused midway is a failed outcome with what Tines holds and the member's index", async () => {
    const ada = seedMember("ada@example.com", "VIEWER");
    seedMember("bob@example.com", "TEAM_ADMIN");
    refuseInvitations(1);
    const current = tines.simulator.state.membersOf(teamId).map((member) => ({
      userId: Number(member.id),
      email: String(member.email),
      role: String(member.role),
      invitationAccepted: false,
    }));
    const { deployment } = scope();
    const result = await writeRoster(
      { teamId, members: [{ email: "bob@example.com", role: "TEAM_ADMIN" }, { userId: ada.userId, role: "EDITOR" }], ignoredMembers: [], adoptExisting: false },
      current,
      { deployment, userDeletionWaitMs: 1_000, lastMemberAdvice: advice, takesOverTeam: false },
    );
    expect(result.outcome).toBe("failed");
    if (result.outcome !== "failed") return;
    expect(result.changed).toBe(true);
    expect(result.onTeam.map((member) => `${member.email} ${member.role}`).sort()).toEqual(["ada@example.com VIEWER", "bob@example.com TEAM_ADMIN"]);
    expect(result.error).toBeInstanceOf(TinesRosterMemberError);
    const error = result.error as TinesRosterMemberError;
    expect(error.index).toBe(1);
    expect(error.problem.type).toBe("operationFailed");
    expect(error.message).toMatch(/^members\[1\]\.role: changing the role of ada@example\.com to EDITOR failed: /);
  });

  it("a user declared twice on the team fails before any write, with the plan's failures", async () => {
    const ada = seedMember("ada@example.com", "VIEWER");
    tines.simulator.log.length = 0;
    const current = [{ ...ada }];
    const result = await writeRoster(
      { teamId, members: [{ userId: ada.userId, role: "VIEWER" }, { email: "ADA@example.com", role: "VIEWER" }], ignoredMembers: [], adoptExisting: false },
      current,
      { deployment: scope().deployment, userDeletionWaitMs: 1_000, lastMemberAdvice: advice, takesOverTeam: false },
    );
    expect(result).toMatchObject({ outcome: "failed", changed: false });
    if (result.outcome !== "failed") return;
    expect(result.error).toBeInstanceOf(TinesRosterPlanError);
    expect((result.error as TinesRosterPlanError).failures.map((failure) => failure.property)).toEqual(["members[1]"]);
    expect(requests()).toEqual([]);
  });
});
