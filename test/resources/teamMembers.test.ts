import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { TinesClient } from "../../src/client";
import { DynamicProviderEngine, type EngineResourceState } from "../../tools/runner/engine";
import { ProviderHostError, resourceUrn, withProvider } from "../../tools/runner/providerHost";
// The built runner: it starts its compiled child-process entry beside itself.
import { runProgramInChildProcess } from "../../dist-tools/runner/programRunner";
import { failureOf, repositoryRoot, startHost, useProviderHost } from "../helpers/host";

// Preview checks off here: these tests specify what create, update, read and delete do by
// themselves; the preview's list and refusals have their own tests below, on fresh hosts.
const tines = useProviderHost({ seedTeams: ["Security Operations", "IT Operations"], config: { "tines:previewChecks": "false" } });
const client = () => new TinesClient({ tenantUrl: tines.simulator.url, apiKey: tines.simulator.apiKey });
const unknown = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** Puts `count` users on a team: member0@example.com ... with `role`; returns their ids. */
function seedTeam(teamId: number, count: number, role = "VIEWER", prefix = "member"): number[] {
  const ids: number[] = [];
  for (let index = 0; index < count; index += 1) {
    const user = tines.simulator.state.findUserByEmail(`${prefix}${index}@example.com`) ?? tines.simulator.state.createUser({ email: `${prefix}${index}@example.com` });
    tines.simulator.state.seedMembership(teamId, user.id, role);
    ids.push(user.id);
  }
  return ids;
}

/** The team as Tines holds it: "email ROLE", sorted. */
function roster(teamId: number): string[] {
  return tines.simulator.state
    .membersOf(teamId)
    .map((member) => `${String(member.email)} ${String(member.role)}`)
    .sort();
}

/** The requests since the log was last emptied, as "METHOD path". */
function requests(): string[] {
  return tines.simulator.log.map((entry) => `${entry.method} ${entry.path}`);
}

const membersPath = (teamId: number) => `GET /api/v1/teams/${teamId}/members`;
const invitePath = (teamId: number) => `POST /api/v1/teams/${teamId}/invite_member`;
const removePath = (teamId: number) => `POST /api/v1/teams/${teamId}/remove_member`;

describe("TinesTeamMembers: create", () => {
  it("on a team of 1 whose member is declared: adds the others with one paged read and one write each, then reads the list back; the id is the team id", async () => {
    const [founder] = seedTeam(1, 1, "TEAM_ADMIN");
    const ada = tines.simulator.state.createUser({ email: "ada@example.com" });
    tines.simulator.log.length = 0;
    const { state } = await tines.engine.up("TeamMembers", "secops", {
      teamId: "1",
      members: [{ userId: founder, role: "TEAM_ADMIN" }, { userId: String(ada.id), role: "EDITOR" }, { email: "new@example.com" }],
    });
    expect(state.id).toBe("1");
    // The last read is the check that the writes took (verified writes).
    expect(requests()).toEqual([membersPath(1), invitePath(1), invitePath(1), membersPath(1)]);
    expect(roster(1)).toEqual(["ada@example.com EDITOR", "member0@example.com TEAM_ADMIN", "new@example.com VIEWER"]);
    const newcomer = tines.simulator.state.findUserByEmail("new@example.com")!;
    expect(state.outputs).toMatchObject({
      teamId: 1,
      members: [{ userId: founder, role: "TEAM_ADMIN" }, { userId: ada.id, role: "EDITOR" }, { email: "new@example.com", role: "VIEWER" }],
      ignoredMembers: [],
      adoptExisting: false,
      resolvedMembers: [
        { userId: founder, email: "member0@example.com", role: "TEAM_ADMIN", invitationAccepted: true },
        { userId: ada.id, email: "ada@example.com", role: "EDITOR", invitationAccepted: false },
        { userId: newcomer.id, email: "new@example.com", role: "VIEWER", invitationAccepted: false },
      ],
      unmanagedMembers: [],
      tenant: tines.simulator.url,
    });
  });

  it("refuses, without adoptExisting, a team that has members neither declared nor ignored, naming them, and changes nothing", async () => {
    const ids = seedTeam(1, 21);
    tines.simulator.log.length = 0;
    const error = await failureOf(
      tines.engine.up("TeamMembers", "secops", { teamId: 1, members: [{ email: "member0@example.com" }, { email: "new@example.com" }], ignoredMembers: [ids[20]!] }),
    );
    expect(error.message).toContain("members: team 1 already has 19 members that are neither declared nor ignored: member1@example.com (id");
    expect(error.message).toContain(`member19@example.com (id ${ids[19]}, VIEWER). Declare them, list them in ignoredMembers, or set adoptExisting: true to remove them`);
    expect(error.message).not.toContain("member20@");
    expect(requests()).toEqual([membersPath(1)]);
    expect(roster(1)).toHaveLength(21);
  });

  it("adopts a team of 21: one paged read, then one write per change, in the order add, re-role, remove, then the read back", async () => {
    const ids = seedTeam(1, 21);
    tines.simulator.log.length = 0;
    const members = [
      ...ids.slice(0, 10).map((userId) => ({ userId })),
      { email: "member10@example.com", role: "TEAM_ADMIN" },
      { email: "ada@example.com", role: "EDITOR" },
    ];
    const { state } = await tines.engine.up("TeamMembers", "secops", { teamId: 1, members, ignoredMembers: ["MEMBER20@example.com"], adoptExisting: true });
    // 1 read; ada added; member10 re-roled (remove, invite); member11..member19 removed; the read back.
    expect(requests()).toEqual([membersPath(1), invitePath(1), removePath(1), invitePath(1), ...Array(9).fill(removePath(1)), membersPath(1)]);
    expect(roster(1)).toEqual(
      [
        ...ids.slice(0, 10).map((_, index) => `member${index}@example.com VIEWER`),
        "member10@example.com TEAM_ADMIN",
        "member20@example.com VIEWER",
        "ada@example.com EDITOR",
      ].sort(),
    );
    expect(state.outputs.unmanagedMembers).toEqual([]);
    expect(state.outputs.resolvedMembers).toHaveLength(12);
    // Nothing left to do.
    expect((await tines.engine.preview("TeamMembers", "secops", { teamId: 1, members, ignoredMembers: ["member20@example.com"], adoptExisting: true }, state)).operation).toBe("same");
  });

  it("fails naming the member when Tines refuses to add them, and records what was done (a partial create)", async () => {
    const [founder] = seedTeam(1, 1);
    const error = (await failureOf(
      tines.engine.up("TeamMembers", "secops", { teamId: 1, members: [{ userId: founder }, { email: "ok@example.com" }, { userId: 999_999 }] }),
    )) as ProviderHostError;
    expect(error.message).toContain("members[2]: adding user 999999 as VIEWER failed");
    expect(error.partialId).toBe("1");
    expect(error.partialProperties).toMatchObject({ members: [{ userId: founder }, { email: "ok@example.com" }] });
    expect(roster(1)).toEqual(["member0@example.com VIEWER", "ok@example.com VIEWER"]);
  });

  it("fails on a team that does not exist, naming teamId", async () => {
    const error = await failureOf(tines.engine.up("TeamMembers", "x", { teamId: 42, members: [{ email: "a@example.com" }] }));
    expect(error.message).toContain(`teamId: team 42 does not exist in ${tines.simulator.url}`);
  });
});

describe("TinesTeamMembers: check and diff", () => {
  async function failuresOf(args: Record<string, unknown>) {
    return (await tines.host.check(resourceUrn("TeamMembers", "c"), {}, withProvider("TeamMembers", args))).failures;
  }

  it("names every problem by property path: duplicates, one of userId and email, declared and ignored, at least one member", async () => {
    expect(
      await failuresOf({
        teamId: 1,
        members: [{ email: "ada@example.com" }, { userId: "7" }, { email: "bob@example.com", userId: 3 }, { email: "ADA@example.com", role: "EDITOR" }, { userId: 7 }, {}],
        ignoredMembers: ["bob@example.com", "7", "not an email"],
      }),
    ).toEqual([
      { property: "ignoredMembers[2]", reason: "must be an email or a user id" },
      { property: "members[2].userId", reason: "give exactly one of userId and email" },
      { property: "members[5].userId", reason: "give exactly one of userId and email" },
      // Every problem at once: repeats among the entries that passed are reported with the rest.
      { property: "members[3].email", reason: "declares ADA@example.com again (already members[0]): declare each member once" },
      { property: "members[4].userId", reason: "declares 7 again (already members[1]): declare each member once" },
    ]);
    expect(
      await failuresOf({
        teamId: 1,
        members: [{ email: "ada@example.com" }, { userId: "7" }, { email: "ADA@example.com", role: "EDITOR" }, { userId: 7 }],
        ignoredMembers: ["bob@example.com", "7"],
      }),
    ).toEqual([
      { property: "members[2].email", reason: "declares ADA@example.com again (already members[0]): declare each member once" },
      { property: "members[3].userId", reason: "declares 7 again (already members[1]): declare each member once" },
      { property: "ignoredMembers[1]", reason: "7 is also declared in members[1]: a member is either declared or ignored" },
    ]);
    expect(await failuresOf({ teamId: 1, members: [] })).toEqual([{ property: "members", reason: "must declare at least one member: Tines refuses to leave a team empty" }]);
    expect(await failuresOf({ teamId: "x", members: [{ email: "a@example.com", roles: "EDITOR" }] })).toEqual([
      { property: "teamId", reason: "must be a positive integer" },
      { property: "members[0].roles", reason: "is not an input of this resource (check the spelling)" },
    ]);
  });

  it("keeps checking the other members when one is unknown in preview", async () => {
    expect(await failuresOf({ teamId: 1, members: [{ userId: unknown }, { email: "bad" }, unknown] })).toEqual([{ property: "members[1].email", reason: "not an email address" }]);
  });

  it("sees no change in member order, email case or numeric strings; a new team replaces", async () => {
    seedTeam(1, 1);
    const args = { teamId: 1, members: [{ email: "member0@example.com" }, { email: "ada@example.com", role: "EDITOR" }], ignoredMembers: [5] };
    const { state } = await tines.engine.up("TeamMembers", "m", args);
    const reordered = { teamId: "1", members: [{ email: "Ada@Example.com", role: "EDITOR" }, { email: "MEMBER0@example.com" }], ignoredMembers: ["5"] };
    expect((await tines.engine.preview("TeamMembers", "m", reordered, state)).operation).toBe("same");
    expect((await tines.engine.preview("TeamMembers", "m", { ...args, teamId: 2 }, state)).diff).toEqual({ changes: "some", replaces: ["teamId"], deleteBeforeReplace: false });
    expect((await tines.engine.preview("TeamMembers", "m", { ...args, ignoredMembers: [] }, state)).operation).toBe("update");
  });
});

describe("TinesTeamMembers: update", () => {
  it("adds before removing, so a team whose only member is replaced is never left empty", async () => {
    const [ada] = seedTeam(1, 1);
    const { state } = await tines.engine.up("TeamMembers", "m", { teamId: 1, members: [{ userId: ada }] });
    tines.simulator.log.length = 0;
    const { state: updated } = await tines.engine.up("TeamMembers", "m", { teamId: 1, members: [{ email: "bob@example.com", role: "EDITOR" }] }, state);
    expect(requests()).toEqual([membersPath(1), invitePath(1), removePath(1), membersPath(1)]);
    expect(roster(1)).toEqual(["bob@example.com EDITOR"]);
    expect(updated.outputs.members).toEqual([{ email: "bob@example.com", role: "EDITOR" }]);
  });

  it("cannot re-role a team's only member (no role update, no removing the last member): says why and changes nothing", async () => {
    const [ada] = seedTeam(1, 1);
    const { state } = await tines.engine.up("TeamMembers", "m", { teamId: 1, members: [{ userId: ada }] });
    const error = (await failureOf(tines.engine.up("TeamMembers", "m", { teamId: 1, members: [{ userId: ada, role: "EDITOR" }] }, state))) as ProviderHostError;
    expect(error.message).toContain("members[0].role: member0@example.com is the only member of team 1, and Tines has no role update");
    expect(error.message).toContain("Declare another member, run `pulumi up`, then change the role");
    expect(error.partialProperties).toMatchObject({ members: [{ userId: ada, role: "VIEWER" }] });
    expect(roster(1)).toEqual(["member0@example.com VIEWER"]);
    // With a second member declared, the same change goes through: add, then re-role.
    await tines.engine.up("TeamMembers", "m", { teamId: 1, members: [{ userId: ada, role: "EDITOR" }, { email: "bob@example.com" }] }, state);
    expect(roster(1)).toEqual(["bob@example.com VIEWER", "member0@example.com EDITOR"]);
  });

  it("a re-role whose invitation fails puts the member back with their old role, and says which member failed", async () => {
    const [ada, bob] = seedTeam(1, 2);
    const { state } = await tines.engine.up("TeamMembers", "m", { teamId: 1, members: [{ userId: ada! }, { userId: bob! }] });
    tines.simulator.setFaults({ rules: [{ method: "POST", path: "/api/v1/teams/1/invite_member", times: 1, action: { type: "status", status: 403, body: '{"error":"Forbidden"}' } }] });
    const error = (await failureOf(tines.engine.up("TeamMembers", "m", { teamId: 1, members: [{ userId: ada!, role: "EDITOR" }, { userId: bob! }] }, state))) as ProviderHostError;
    tines.simulator.setFaults({});
    expect(error.message).toContain("members[0].role: changing the role of member0@example.com to EDITOR failed");
    expect(roster(1)).toEqual(["member0@example.com VIEWER", "member1@example.com VIEWER"]);
    expect(error.partialProperties).toMatchObject({ members: [{ userId: ada, role: "VIEWER" }, { userId: bob, role: "VIEWER" }], unmanagedMembers: [] });
  });

  it("a failed update records what Tines holds, and the next up converges without duplicates", async () => {
    const ids = seedTeam(1, 3);
    const { state } = await tines.engine.up("TeamMembers", "m", { teamId: 1, members: ids.map((userId) => ({ userId })) });
    const declared = { teamId: 1, members: [{ userId: ids[0]! }, { email: "ada@example.com" }, { email: "bob@example.com" }] };
    tines.simulator.setFaults({ rules: [{ method: "POST", path: "/api/v1/teams/1/remove_member", action: { type: "status", status: 403, body: '{"error":"Forbidden"}' } }] });
    const error = (await failureOf(tines.engine.up("TeamMembers", "m", declared, state))) as ProviderHostError;
    tines.simulator.setFaults({});
    expect(error.partialId).toBe("1");
    // What the engine records (UpdateStep.Apply keeps a partial failure's outputs): the two added, the two not yet removed.
    const recorded: EngineResourceState = { ...state, inputs: withProvider("TeamMembers", declared), outputs: { ...state.outputs, ...error.partialProperties } };
    expect(recorded.outputs.unmanagedMembers).toMatchObject([{ userId: ids[1] }, { userId: ids[2] }]);
    expect((recorded.outputs.resolvedMembers as unknown[]).length).toBe(5);
    tines.simulator.log.length = 0;
    const { operation } = await tines.engine.up("TeamMembers", "m", declared, recorded);
    expect(operation).toBe("update");
    expect(requests()).toEqual([membersPath(1), removePath(1), removePath(1), membersPath(1)]);
    expect(roster(1)).toEqual(["ada@example.com VIEWER", "bob@example.com VIEWER", "member0@example.com VIEWER"]);
  });

  it("at 501 members: two pages of 500 read once, one write per change", async () => {
    const ids = seedTeam(1, 501);
    const everyone = ids.map((userId) => ({ userId }));
    tines.simulator.log.length = 0;
    const { state } = await tines.engine.up("TeamMembers", "big", { teamId: 1, members: everyone });
    expect(requests()).toEqual([`${membersPath(1)}`, `${membersPath(1)}`]);
    tines.simulator.log.length = 0;
    const kept = [{ userId: ids[0]!, role: "TEAM_ADMIN" }, ...everyone.slice(1, 251)];
    await tines.engine.up("TeamMembers", "big", { teamId: 1, members: kept }, state);
    // 2 reads, 1 re-role (2 writes), 250 removals, 1 read back (251 members: one page).
    expect(requests()).toHaveLength(2 + 2 + 250 + 1);
    expect(roster(1)).toHaveLength(251);
    expect(roster(1)).toContain("member0@example.com TEAM_ADMIN");
  });
});

describe("TinesTeamMembers: refresh", () => {
  it("shows members added, removed and re-roled outside Pulumi as drift, with one read; the next up puts the declared list back", async () => {
    const [ada, bob, carol] = seedTeam(1, 3);
    const declared = { teamId: 1, members: [{ userId: ada!, role: "EDITOR" }, { userId: bob! }, { email: "member2@example.com" }] };
    const { state } = await tines.engine.up("TeamMembers", "m", declared);
    const eve = tines.simulator.state.createUser({ email: "eve@example.com" });
    await client().teams.inviteMember(1, { user_id: eve.id }, "TEAM_ADMIN");
    await client().teams.removeMember(1, bob!);
    await client().teams.removeMember(1, carol!);
    await client().teams.inviteMember(1, { user_id: carol! }, "EDITOR");
    // A later `pulumi refresh` (another process, more than Tines' lag after the up): a refresh right
    // after the write would wait for Tines to show the members it wrote (Tines may show a write
    // late), which bob's and carol's removal look like. The state records when it was written.
    const later = await tines.freshEngine();
    tines.simulator.log.length = 0;
    const refreshed = (await later.refresh({ ...state, outputs: { ...state.outputs, __writtenAt: "2024-01-01T00:00:00.000Z" } }))!;
    // One read of the roster; the drift it finds is then attributed from one read of the audit logs
    // (and the team's name from the team list): docs/guides/who-changed-it.md.
    expect(requests().filter((request) => request === membersPath(1))).toHaveLength(1);
    expect(requests().filter((request) => request.startsWith("GET /api/v1/audit_logs"))).toHaveLength(1);
    expect(requests().filter((request) => request !== membersPath(1) && !request.startsWith("GET /api/v1/audit_logs") && request !== "GET /api/v1/teams")).toEqual([]);
    expect(refreshed.outputs).toMatchObject({
      members: [{ userId: ada, role: "EDITOR" }, { email: "member2@example.com", role: "EDITOR" }, { email: "eve@example.com", role: "TEAM_ADMIN" }],
      unmanagedMembers: [{ userId: eve.id, email: "eve@example.com", role: "TEAM_ADMIN" }],
    });
    expect(refreshed.inputs.members).toEqual(refreshed.outputs.members);
    // A second refresh sees the same: eve stays unmanaged, not declared.
    const again = (await tines.engine.refresh(refreshed))!;
    expect(again.outputs.unmanagedMembers).toMatchObject([{ email: "eve@example.com" }]);
    expect((await tines.engine.preview("TeamMembers", "m", declared, again)).operation).toBe("update");
    await tines.engine.up("TeamMembers", "m", declared, again);
    expect(roster(1)).toEqual(["member0@example.com EDITOR", "member1@example.com VIEWER", "member2@example.com VIEWER"]);
  });

  it("drops the resource when the team was deleted", async () => {
    seedTeam(2, 1);
    const { state } = await tines.engine.up("TeamMembers", "m", { teamId: 2, members: [{ email: "member0@example.com" }] });
    tines.simulator.state.deleteTeam(2);
    expect(await tines.engine.refresh(state)).toBeUndefined();
  });
});

describe("TinesTeamMembers: ignored members", () => {
  it("are never added, removed or re-roled, on create, update and delete", async () => {
    const [breakGlass] = seedTeam(1, 1, "TEAM_ADMIN", "break-glass");
    const [synced] = seedTeam(1, 1, "EDITOR", "idp-sync");
    const ignoredMembers = ["Break-Glass0@example.com", synced!, "absent@example.com"];
    const { state } = await tines.engine.up("TeamMembers", "m", { teamId: 1, members: [{ email: "ada@example.com" }], ignoredMembers });
    expect(roster(1)).toEqual(["ada@example.com VIEWER", "break-glass0@example.com TEAM_ADMIN", "idp-sync0@example.com EDITOR"]);
    expect(state.outputs.unmanagedMembers).toEqual([]);
    expect(tines.simulator.state.findUserByEmail("absent@example.com")).toBeUndefined();
    const { state: updated } = await tines.engine.up("TeamMembers", "m", { teamId: 1, members: [{ email: "bob@example.com" }], ignoredMembers }, state);
    expect(roster(1)).toEqual(["bob@example.com VIEWER", "break-glass0@example.com TEAM_ADMIN", "idp-sync0@example.com EDITOR"]);
    await tines.engine.destroy(updated);
    expect(roster(1)).toEqual(["break-glass0@example.com TEAM_ADMIN", "idp-sync0@example.com EDITOR"]);
    expect(breakGlass).toBeDefined();
  });

  it("no longer ignored and not declared: removed by the next up", async () => {
    const [synced] = seedTeam(1, 1, "EDITOR", "idp-sync");
    const { state } = await tines.engine.up("TeamMembers", "m", { teamId: 1, members: [{ email: "ada@example.com" }], ignoredMembers: [synced!] });
    await tines.engine.up("TeamMembers", "m", { teamId: 1, members: [{ email: "ada@example.com" }] }, state);
    expect(roster(1)).toEqual(["ada@example.com VIEWER"]);
  });
});

describe("TinesTeamMembers: delete", () => {
  it("removes the declared members, leaving unmanaged ones seen by a refresh to Tines", async () => {
    seedTeam(1, 1, "TEAM_ADMIN", "owner");
    const { state } = await tines.engine.up("TeamMembers", "m", {
      teamId: 1,
      members: [{ email: "owner0@example.com", role: "TEAM_ADMIN" }, { email: "ada@example.com" }],
    });
    await client().teams.inviteMember(1, { email: "eve@example.com" });
    const refreshed = (await tines.engine.refresh(state))!;
    await tines.engine.destroy(refreshed);
    expect(roster(1)).toEqual(["eve@example.com VIEWER"]);
  });

  it("keeps the last member when Tines refuses to remove them, and succeeds with a warning naming them", async () => {
    const [owner] = seedTeam(1, 1, "TEAM_ADMIN", "owner");
    const { state } = await tines.engine.up("TeamMembers", "m", { teamId: 1, members: [{ userId: owner!, role: "TEAM_ADMIN" }, { email: "ada@example.com" }] });
    await tines.engine.destroy(state);
    expect(roster(1)).toEqual(["ada@example.com VIEWER"]);
    await expect.poll(() => tines.host.stderr).toContain("pulumi-tines: ada@example.com (id");
    expect(tines.host.stderr).toContain("stays on team 1: Tines refuses to remove the last member of a team");
  });
});

// Preview checks ---------------------------------------------------------------------------------

/** A fresh host (fresh per-deployment tenant facts) with preview checks on. */
const hostWithChecks = () => tines.freshEngine();

describe("TinesTeamMembers: the preview, with preview checks", () => {
  it("lists who the up adds, re-roles and removes, members never declared included, on the first up as on later ones", async () => {
    const ids = seedTeam(1, 21);
    const members = [{ userId: ids[0]!, role: "TEAM_ADMIN" }, ...ids.slice(1, 19).map((userId) => ({ userId })), { email: "ada@example.com", role: "EDITOR" }];
    const args = { teamId: 1, members, ignoredMembers: ["member20@example.com"], adoptExisting: true };
    const first = await hostWithChecks();
    tines.simulator.log.length = 0;
    await first.preview("TeamMembers", "m", args);
    // The teams, the roles, the team's members (one paged read), the user directory for the one added.
    expect(requests().filter((request) => request.includes("/members"))).toEqual([membersPath(1)]);
    expect(requests().every((request) => request.startsWith("GET"))).toBe(true);
    await expect.poll(() => first.host.stderr).toContain('team 1 ("Security Operations"): TinesTeamMembers adds 1, re-roles 1 and removes 1 member(s):');
    expect(first.host.stderr).toContain("+ ada@example.com as EDITOR (no Tines account yet: Tines creates the user and emails an invitation)");
    expect(first.host.stderr).toContain(`~ member0@example.com (id ${ids[0]}): VIEWER -> TEAM_ADMIN (removed, then invited again: Tines has no role update)`);
    expect(first.host.stderr).toContain(`- member19@example.com (id ${ids[19]}, VIEWER): on the team but not declared`);
    expect(first.host.stderr).toContain("(1 ignored member(s) on the team are left as they are)");
    expect(first.host.stderr).not.toContain("member20@example.com (id");
    expect(roster(1)).toHaveLength(21);

    const { state } = await tines.engine.up("TeamMembers", "m", args);
    await client().teams.inviteMember(1, { email: "eve@example.com" }, "EDITOR");
    // Not yet refreshed: diff sees no change, so the up would change nothing; the preview says so.
    const stale = await hostWithChecks();
    await stale.preview("TeamMembers", "m", args, state);
    await expect.poll(() => stale.host.stderr).toContain(
      'team 1 ("Security Operations") differs from the program, whose members did not change since the stack\'s state recorded them: this up leaves the team as it is ' +
        "(an up changes only what differs from the stack's state); run `pulumi up --refresh` (or set `options: refresh: always` in Pulumi.yaml) to put it back, which adds 0, re-roles 0 and removes 1 member(s):",
    );
    expect(stale.host.stderr).toMatch(/- eve@example\.com \(id \d+, EDITOR\): on the team but not declared/);
    // Refreshed (`pulumi up --refresh`): the up removes eve, and the preview lists it.
    const refreshed = (await tines.engine.refresh(state))!;
    const later = await hostWithChecks();
    expect((await later.preview("TeamMembers", "m", args, refreshed)).operation).toBe("update");
    await expect.poll(() => later.host.stderr).toContain('team 1 ("Security Operations"): TinesTeamMembers adds 0, re-roles 0 and removes 1 member(s):');
    expect(later.host.stderr).toMatch(/- eve@example\.com \(id \d+, EDITOR\): on the team but not declared/);
  });

  it("fails the preview of a new resource that would take over a team with undeclared members, naming them", async () => {
    const ids = seedTeam(1, 2);
    const engine = await hostWithChecks();
    const error = await failureOf(engine.preview("TeamMembers", "m", { teamId: 1, members: [{ userId: ids[0]! }] }));
    expect(error.message).toContain(`members: team 1 ("Security Operations") already has 1 member that is neither declared nor ignored: member1@example.com (id ${ids[1]}, VIEWER)`);
  });

  it("fails the preview of a move to another team that has undeclared members, as a new resource's does (the move replaces it)", async () => {
    const ids = seedTeam(1, 1, "TEAM_ADMIN");
    const { state } = await tines.engine.up("TeamMembers", "m", { teamId: 1, members: [{ userId: ids[0]!, role: "TEAM_ADMIN" }] });
    const others = seedTeam(2, 1, "VIEWER", "other");
    const engine = await hostWithChecks();
    const error = await failureOf(engine.preview("TeamMembers", "m", { teamId: 2, members: [{ userId: ids[0]!, role: "TEAM_ADMIN" }] }, state));
    expect(error.message).toContain(`already has 1 member that is neither declared nor ignored: other0@example.com (id ${others[0]}, VIEWER)`);
  });

  it("fails the preview of a member declared by a user id that names no user, before anything changes", async () => {
    const ids = seedTeam(1, 1, "TEAM_ADMIN");
    const engine = await hostWithChecks();
    const error = await failureOf(engine.preview("TeamMembers", "m", { teamId: 1, members: [{ userId: ids[0]!, role: "TEAM_ADMIN" }, { email: "z@example.com" }, { userId: 424242 }] }));
    expect(error.message).toContain("members[2].userId: user 424242 does not exist");
    expect(tines.simulator.log.filter((entry) => entry.method !== "GET")).toEqual([]);
  });

  it("reads a team of 501 in two pages, once, and lists the 500 it removes", async () => {
    const ids = seedTeam(1, 501);
    const engine = await hostWithChecks();
    tines.simulator.log.length = 0;
    await engine.preview("TeamMembers", "m", { teamId: 1, members: [{ userId: ids[0]! }], adoptExisting: true });
    expect(requests().filter((request) => request.includes("/members"))).toEqual([membersPath(1), membersPath(1)]);
    await expect.poll(() => engine.host.stderr).toContain("adds 0, re-roles 0 and removes 500 member(s):");
    expect(engine.host.stderr).toContain(`- member500@example.com (id ${ids[500]}, VIEWER)`);
  });

  it("lists members still unknown in preview (users created in the same deployment) as such, and fails nothing for them", async () => {
    const ids = seedTeam(1, 2);
    const engine = await hostWithChecks();
    await engine.preview("TeamMembers", "m", { teamId: 1, members: [{ userId: ids[0]! }, { userId: unknown, role: "EDITOR" }, unknown, { userId: ids[1]!, role: unknown }] });
    await expect.poll(() => engine.host.stderr).toContain('team 1 ("Security Operations"): TinesTeamMembers adds 2, re-roles 0 and removes 0 member(s):');
    expect(engine.host.stderr).toContain("+ members[1], known once deployed, as EDITOR");
    expect(engine.host.stderr).toContain("+ members[2], known once deployed, as its declared role");
  });

  it("lists the changes with a Team key too, which may read neither roles nor users", async () => {
    const ids = seedTeam(1, 2);
    const host = await startHost({ TINES_TENANT: tines.simulator.url, TINES_API_KEY: tines.simulator.createTeamApiKey(1), TINES_PREVIEW_CHECKS: "true" });
    try {
      await host.configure({});
      await new DynamicProviderEngine(host).preview("TeamMembers", "m", { teamId: 1, members: [{ userId: ids[0]! }, { email: "ada@example.com" }], adoptExisting: true });
      await expect.poll(() => host.stderr).toContain("TinesTeamMembers adds 1, re-roles 0 and removes 1 member(s):");
      expect(host.stderr).toContain(`- member1@example.com (id ${ids[1]}, VIEWER): on the team but not declared`);
      expect(host.stderr).not.toContain("preview checks against");
    } finally {
      await host.stop();
    }
  });

  it("fails a TinesTeamMembership on a team a TinesTeamMembers manages, in either order", async () => {
    const [owner] = seedTeam(1, 1);
    const after = await hostWithChecks();
    await after.preview("TeamMembers", "all", { teamId: 1, members: [{ userId: owner! }] });
    const membershipFails = await failureOf(after.preview("TeamMembership", "one", { teamId: 1, email: "ada@example.com" }));
    expect(membershipFails.message).toContain('teamId: team 1 ("Security Operations") has its whole member list managed by a TinesTeamMembers in this deployment');
    // A membership on another team is fine.
    await after.preview("TeamMembership", "other", { teamId: 2, email: "ada@example.com" });

    const before = await hostWithChecks();
    await before.preview("TeamMembership", "one", { teamId: 1, email: "ada@example.com" });
    const membersFail = await failureOf(before.preview("TeamMembers", "all", { teamId: 1, members: [{ userId: owner! }] }));
    expect(membersFail.message).toContain('teamId: this deployment also declares TinesTeamMembership resources on team 1 ("Security Operations") (ada@example.com)');
  });
});

describe("examples/team-members", () => {
  it("runs as a Pulumi program: refuses to take over the team, adopts it when told, and removes a member added by hand", async () => {
    const workDirectory = mkdtempSync(join(tmpdir(), "team-members-"));
    try {
      seedTeam(1, 1, "TEAM_ADMIN", "founder");
      tines.simulator.state.seedMembership(1, tines.simulator.state.createUser({ email: "break-glass@example.com" }).id, "TEAM_ADMIN");
      const run = (config: Record<string, string> = {}) =>
        runProgramInChildProcess({
          programDirectory: join(repositoryRoot, "examples", "team-members"),
          projectName: "tines-team-members",
          statePath: join(workDirectory, "state.json"),
          config: { "tines:tenant": tines.simulator.url, "tines:apiKey": tines.simulator.apiKey, "tines:previewChecks": "false", ...config },
          secretKeys: ["tines:apiKey"],
        });
      const refused = await run();
      expect(refused.errors.join("\n")).toContain("founder0@example.com (id");
      expect(roster(1)).toEqual(["break-glass@example.com TEAM_ADMIN", "founder0@example.com TEAM_ADMIN"]);

      const adopted = await run({ "tines-team-members:adoptExisting": "true" });
      expect(adopted.errors).toEqual([]);
      const team = ["auditor@example.com VIEWER", "break-glass@example.com TEAM_ADMIN", "grace.hopper@example.com TEAM_ADMIN", "oncall@example.com EDITOR"];
      expect(roster(1)).toEqual(team);
      expect(adopted.outputs.teamMembers).toEqual(["grace.hopper@example.com TEAM_ADMIN", "oncall@example.com EDITOR", "auditor@example.com VIEWER"]);

      // Added by hand; the example's Pulumi.yaml sets `options: refresh: always`, so the next up
      // refreshes first (done here with the engine's refresh, since this runner has no CLI).
      await client().teams.inviteMember(1, { email: "eve@example.com" }, "EDITOR");
      const statePath = join(workDirectory, "state.json");
      const saved = JSON.parse(readFileSync(statePath, "utf8")) as { resources: EngineResourceState[] };
      saved.resources = await Promise.all(saved.resources.map(async (resource) => (await tines.engine.refresh(resource)) ?? resource));
      writeFileSync(statePath, JSON.stringify(saved));
      const again = await run({ "tines-team-members:adoptExisting": "true" });
      expect(again.errors).toEqual([]);
      expect(roster(1)).toEqual(team);
    } finally {
      rmSync(workDirectory, { recursive: true, force: true });
    }
    // Three program runs, each a child process compiling the program: slow on a loaded machine.
  }, 180_000);
});
