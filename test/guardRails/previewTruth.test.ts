import { describe, expect, it } from "vitest";
import { getTeam } from "../../src";
import { nearestName } from "../../src/provider/suggestions";
import { TinesClient } from "../../src/client";
import { CheckFailedError, type PartialStepError } from "../../tools/runner/engine";
import { failureOf, useProviderHost } from "../helpers/host";

// The shared host makes the state an earlier `pulumi up` left, with preview checks off: a
// deployment stops its checks after its first write, so with them on, whether a test's setup is
// checked would depend on which test wrote first. Each preview that must see the tenant as it is
// now runs in a provider process of its own (`engineWith`, checks on), as the next command's would.
const tines = useProviderHost({
  userDeletionDelayMs: 0,
  tenantOwner: true,
  seedTeams: ["Security Operations", "IT Operations"],
  config: { "tines:previewChecks": "false" },
});
const engineWith = (config: Record<string, string> = {}) => tines.freshEngine(config);

const securityOperations = () => tines.simulator.state.listTeams().find((team) => team.name === "Security Operations")!.id;

describe("a refused API key is an answer, not an outage", () => {
  it("a wrong key (401) fails the preview naming the key setting, for a new resource and for one with no change", async () => {
    const { state } = await tines.engine.up("User", "ada", { email: "ada@example.com" });
    const engine = await engineWith({ "tines:apiKey": "a-key-tines-does-not-know" });
    for (const preview of [engine.preview("User", "grace", { email: "grace@example.com" }), engine.preview("User", "ada", { email: "ada@example.com" }, state)]) {
      const error = await failureOf(preview);
      expect(error).toBeInstanceOf(CheckFailedError);
      expect((error as CheckFailedError).failures).toEqual([{ property: "tines:apiKey", reason: expect.stringContaining("401") }]);
      expect(error.message).toContain("Tines refused the API key: check the key in stack config `tines:apiKey`");
      expect(error.message).not.toContain("a-key-tines-does-not-know");
    }
    expect(engine.host.stderr).not.toContain("were skipped");
  });

  it("a key without the rights (403, a team key on the users endpoint) fails the preview saying which key is needed", async () => {
    const engine = await engineWith({ "tines:apiKey": tines.simulator.createTeamApiKey(securityOperations()) });
    const error = await failureOf(engine.preview("User", "grace", { email: "grace@example.com" }));
    expect(error.message).toContain("403");
    expect(error.message).toContain("users, templates and roles need a tenant-owner key");
  });
});

describe("did you mean: typos, not only letter case, get the nearest name", () => {
  it("a misspelt role of a membership names the nearest default or custom role", async () => {
    tines.simulator.state.addCustomRole("DETECTION_REVIEWER", { description: "Reviews", permissions: ["STORY_READ"] });
    const engine = await engineWith();
    for (const [role, meant] of [
      ["EDITR", "EDITOR"],
      ["EDTIOR", "EDITOR"],
      ["DETECTION_REVEIWER", "DETECTION_REVIEWER"],
    ]) {
      const error = await failureOf(engine.preview("TeamMembership", `m-${role}`, { teamId: securityOperations(), email: "owner@example.com", role }));
      expect(error.message).toContain(`did you mean ${meant}?`);
    }
  });

  it("getTeam with a misspelt name names the nearest team", async () => {
    await expect(getTeam({ name: "Securty Operations" }, { tenant: tines.simulator.url, apiKey: tines.simulator.apiKey })).rejects.toThrow(
      'no team named "Securty Operations" in ' + tines.simulator.url + "; did you mean Security Operations?",
    );
  });

  it("an unknown tenant permission is a warning with the nearest documented one", async () => {
    const engine = await engineWith();
    await engine.preview("User", "auditor", { email: "auditor@example.com", tenantPermissions: ["AUDIT_LOGS_READ"] });
    expect(engine.host.stderr).toContain("did you mean AUDIT_LOG_READ?");
  });

  it("suggests nothing when no name is near, or two are equally near", () => {
    expect(nearestName("AUDITOR", ["VIEWER", "EDITOR", "TEAM_ADMIN"])).toBeUndefined();
    expect(nearestName("ab", ["ac", "ad"])).toBeUndefined();
    expect(nearestName("viewer", ["VIEWER", "EDITOR"])).toBe("VIEWER");
  });
});

describe("a refusal traceable to an input names the input", () => {
  it("with preview checks off, a template in a team that does not exist fails at deploy naming teamId", async () => {
    const engine = await engineWith({ "tines:previewChecks": "false" });
    const error = await failureOf(
      engine.up("PrivateTemplate", "lookup", { name: "Look up an IP", vendor: "V", product: "P", agentType: "Agents::WebhookAgent", agentOptions: {}, teamId: 999 }),
    );
    expect(error.message).toMatch(/^teamId: team 999 does not exist in http:\/\/127\.0\.0\.1:\d+ \(Tines API POST \/api\/v1\/admin\/templates failed: 404/);
  });

  it("with preview checks off, a template shared with a team slug no team has names sharedTeamSlugs, on create and on update", async () => {
    const engine = await engineWith({ "tines:previewChecks": "false" });
    const template = { name: "Look up an IP", vendor: "V", product: "P", agentType: "Agents::WebhookAgent", agentOptions: {}, teamId: securityOperations() };
    const shared = { readAccess: "SPECIFIC_TEAMS", sharedTeamSlugs: ["it-operations", "secops"] };
    const created = await failureOf(engine.up("PrivateTemplate", "lookup", { ...template, ...shared }));
    expect(created.message).toMatch(/^sharedTeamSlugs\[1\]: no team has the slug "secops" in http:\/\/127\.0\.0\.1:\d+ .*\(Tines API POST .* 422/);
    const { state } = await engine.up("PrivateTemplate", "lookup", template);
    const updated = await failureOf(engine.up("PrivateTemplate", "lookup", { ...template, ...shared }, state));
    expect(updated.message).toMatch(/^sharedTeamSlugs\[1\]: no team has the slug "secops"/);
  });

  it("with preview checks off, a membership Tines refuses names teamId, userId or role, whichever the tenant does not hold", async () => {
    const engine = await engineWith({ "tines:previewChecks": "false" });
    tines.simulator.state.createUser({ email: "ann@example.com" });
    const team = securityOperations();
    const refusal = async (args: Record<string, unknown>) => (await failureOf(engine.up("TeamMembership", "ann", args))).message;
    expect(await refusal({ teamId: 999, email: "ann@example.com" })).toMatch(/^teamId: team 999 does not exist in http:\/\/127\.0\.0\.1:\d+ \(Tines API POST .* 404/);
    expect(await refusal({ teamId: team, userId: 9999 })).toMatch(/^userId: user 9999 does not exist in http:\/\/127\.0\.0\.1:\d+ \(Tines API POST .* 404/);
    expect(await refusal({ teamId: team, email: "ann@example.com", role: "EDITR" })).toMatch(/^role: "EDITR" is not a role in .*did you mean EDITOR\? \(Tines API POST .* 422/);
  });
});

describe("the adoption preview says what will change", () => {
  it('a user who already matches is "adopted, no change"; another lists what changes', async () => {
    tines.simulator.state.createUser({ email: "ada@example.com", first_name: "Ada" });
    tines.simulator.state.createUser({ email: "grace@example.com", first_name: "Grace" });
    const engine = await engineWith();
    await engine.preview("User", "ada", { email: "ada@example.com", firstName: "Ada", adoptExisting: true });
    await engine.preview("User", "grace", { email: "grace@example.com", firstName: "Grace", admin: true, adoptExisting: true });
    expect(engine.host.stderr).toMatch(/user ada@example\.com already exists in .* \(user id \d+\): it will be adopted, no change/);
    expect(engine.host.stderr).toMatch(/user grace@example\.com already exists in .* \(user id \d+\): it will be adopted and its admin changed to the declared value/);
  });
});

describe("a wait longer than a few seconds is a warning that says what, how long at most, and how to avoid it", () => {
  it("adopting a user deactivated moments ago (maybe being deleted) warns of the wait before it starts", async () => {
    const user = tines.simulator.state.createUser({ email: "left@example.com" });
    tines.simulator.state.updateUser(user.id, { is_active: false });
    const engine = await engineWith({ "tines:userDeletionWaitSeconds": "1", "tines:previewChecks": "false" });
    await engine.up("User", "left", { email: "left@example.com", isActive: false, adoptExisting: true });
    expect(engine.host.stderr).toMatch(
      /warning: .*user left@example\.com \(id \d+\) .* is deactivated and was changed recently, so Tines may be deleting it .*waiting up to 1 s .*a user deactivated more than 15 minutes ago is adopted at once/,
    );
  });
});

describe("a roster's warning says what the up will do", () => {
  const people = (count: number) => Array.from({ length: count }, (_, index) => ({ email: `person${index}@example.com` }));
  const onTeam = (teamId: number) => tines.simulator.state.membersOf(teamId).map((member) => String(member.email)).sort();
  /** The invitations to `teamId` fail with a 403 after the first three: an up that stops midway. */
  const stopAfterThreeInvitations = (teamId: number) =>
    tines.simulator.setFaults({ rules: [{ method: "POST", path: `/api/v1/teams/${teamId}/invite_member`, after: 3, action: { type: "status", status: 403, body: '{"error":"Forbidden"}' } }] });

  it("after an up that stopped midway, the preview lists what the next up finishes, and that up does it", async () => {
    const teamId = securityOperations();
    const args = { teamId, members: people(6) };
    stopAfterThreeInvitations(teamId);
    const stopped = (await failureOf(tines.engine.up("TeamMembers", "secops", args))) as PartialStepError;
    tines.simulator.setFaults({});
    expect(onTeam(teamId)).toHaveLength(3);
    // The engine keeps the program's inputs with the partial outputs: the inputs say nothing changed, the outputs differ.
    const engine = await engineWith();
    const plan = await engine.preview("TeamMembers", "secops", args, stopped.recorded);
    expect(plan.operation).toBe("update");
    await expect.poll(() => engine.host.stderr).toContain(`team ${teamId} ("Security Operations"): TinesTeamMembers adds 3, re-roles 0 and removes 0 member(s), finishing an up that stopped midway:`);
    for (const index of [3, 4, 5]) expect(engine.host.stderr).toContain(`+ person${index}@example.com as VIEWER`);
    expect(engine.host.stderr).not.toContain("differs from the program");
    await engine.up("TeamMembers", "secops", args, stopped.recorded);
    expect(onTeam(teamId)).toEqual(args.members.map((member) => member.email).sort());
  });

  it("the same for a TinesTeam's members", async () => {
    const args = { name: "Red Team", members: people(6) };
    const team = tines.simulator.state.createTeam("Red Team");
    stopAfterThreeInvitations(team.id);
    const stopped = (await failureOf(tines.engine.up("Team", "red", { ...args, adoptExisting: true }))) as PartialStepError;
    tines.simulator.setFaults({});
    const engine = await engineWith();
    expect((await engine.preview("Team", "red", { ...args, adoptExisting: true }, stopped.recorded)).operation).toBe("update");
    await expect.poll(() => engine.host.stderr).toContain(`team ${team.id} ("Red Team"): TinesTeam adds 3, re-roles 0 and removes 0 member(s), finishing an up that stopped midway:`);
    expect(engine.host.stderr).not.toContain("differs from the program");
  });

  it("when only Tines changed since the last refresh, it says the up leaves the team as it is and to refresh, and the up does", async () => {
    const teamId = securityOperations();
    const args = { teamId, members: people(2) };
    const { state } = await tines.engine.up("TeamMembers", "secops", args);
    await new TinesClient({ tenantUrl: tines.simulator.url, apiKey: tines.simulator.apiKey }).teams.inviteMember(teamId, { email: "eve@example.com" }, "EDITOR");
    const engine = await engineWith();
    expect((await engine.preview("TeamMembers", "secops", args, state)).operation).toBe("same");
    await expect.poll(() => engine.host.stderr).toContain(
      `team ${teamId} ("Security Operations") differs from the program, whose members did not change since the stack's state recorded them: this up leaves the team as it is`,
    );
    expect(engine.host.stderr).toMatch(/run `pulumi up --refresh` .* to put it back, which adds 0, re-roles 0 and removes 1 member\(s\):\n\s+- eve@example\.com/);
    expect((await engine.up("TeamMembers", "secops", args, state)).operation).toBe("same");
    expect(onTeam(teamId)).toContain("eve@example.com");
  });
});
