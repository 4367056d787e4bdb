import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { startTinesSimulator } from "../../src/simulator";
import { DynamicProviderEngine } from "../../tools/runner/engine";
import { resourceUrn, withProvider } from "../../tools/runner/providerHost";
// The built runner: it starts its compiled child-process entry beside itself.
import { runProgramInChildProcess } from "../../dist-tools/runner/programRunner";
import { failureOf, repositoryRoot, startHost, useProviderHost } from "../helpers/host";

const tines = useProviderHost();
const requests = () => tines.simulator.log.map((entry) => `${entry.method} ${entry.path}`);
const workDirectory = mkdtempSync(join(tmpdir(), "team-test-"));
afterAll(() => rmSync(workDirectory, { recursive: true, force: true }));

describe("TinesTeam", () => {
  it("creates a team after making sure its name is free, and records every input", async () => {
    // The preview's tenant checks (on by default) read the tenant first; the create itself is what is counted.
    const plan = await tines.engine.preview("Team", "detection", { name: "Detection Engineering" });
    tines.simulator.log.length = 0;
    const { state } = await tines.engine.apply("Team", "detection", plan);
    expect(state.outputs).toMatchObject({
      name: "Detection Engineering",
      adoptExisting: false,
      forceDestroy: false,
      teamId: Number(state.id),
      tenant: tines.simulator.url,
    });
    expect(requests()).toEqual(["GET /api/v1/teams", "POST /api/v1/teams"]);
    expect(tines.simulator.log[0]!.query).toContain("scope=standard");
    expect(tines.simulator.state.getTeam(Number(state.id)).name).toBe("Detection Engineering");
  });

  it("shows no change when nothing changed, and renames in place with one PUT, after making sure no other team has the name", async () => {
    const { state } = await tines.engine.up("Team", "detection", { name: "Detection" });
    expect((await tines.engine.preview("Team", "detection", { name: "Detection" }, state)).operation).toBe("same");
    tines.simulator.log.length = 0;
    const renamed = await tines.engine.up("Team", "detection", { name: "Detection Engineering" }, state);
    expect(renamed.operation).toBe("update");
    expect(renamed.state.id).toBe(state.id);
    // The SCIM user group mapping names teams by name: the rename reads it, to carry any line along.
    expect(requests()).toEqual(["GET /api/v1/teams", `PUT /api/v1/teams/${state.id}`, "GET /api/v1/admin/scim_user_group_mapping"]);
    expect(tines.simulator.state.getTeam(Number(state.id)).name).toBe("Detection Engineering");
  });

  it("changes adoptExisting and forceDestroy without a request", async () => {
    const { state } = await tines.engine.up("Team", "detection", { name: "Detection" });
    tines.simulator.log.length = 0;
    const changed = await tines.engine.up("Team", "detection", { name: "Detection", forceDestroy: true, adoptExisting: true }, state);
    expect(changed.operation).toBe("update");
    expect(changed.state.outputs).toMatchObject({ forceDestroy: true, adoptExisting: true });
    expect(requests()).toEqual([]);
  });

  it("fails to create a team whose name is taken, naming adoptExisting, and adopts it when asked", async () => {
    const existing = tines.simulator.state.createTeam("Security Operations");
    const error = await failureOf(tines.engine.up("Team", "secops", { name: "Security Operations" }));
    expect(error.message).toContain(`a team named "Security Operations" already exists`);
    expect(error.message).toContain(`team id ${existing.id}`);
    expect(error.message).toContain("adoptExisting: true");
    expect(tines.simulator.countRequests("POST", "/api/v1/teams")).toBe(0);
    const { state } = await tines.engine.up("Team", "secops", { name: "Security Operations", adoptExisting: true });
    expect(state.id).toBe(String(existing.id));
    expect(tines.simulator.state.listTeams("all")).toHaveLength(1);
  });

  it("refuses to adopt when two teams share the name, naming both ids", async () => {
    const first = tines.simulator.state.createTeam("Security Operations");
    const second = tines.simulator.state.createTeam("Other");
    tines.simulator.state.renameTeam(second.id, "Security Operations");
    const error = await failureOf(tines.engine.up("Team", "secops", { name: "Security Operations", adoptExisting: true }));
    expect(error.message).toContain(`team ids ${first.id} and ${second.id}`);
  });

  it("is replaced when the stack points at another tenant, and never acts on an id recorded for another tenant", async () => {
    const { state } = await tines.engine.up("Team", "detection", { name: "Detection" });
    const other = await startTinesSimulator({ userDeletionDelayMs: 0 });
    const host = await startHost();
    try {
      await host.configure({ "tines:tenant": other.url, "tines:apiKey": other.apiKey });
      const engine = new DynamicProviderEngine(host);
      const plan = await engine.preview("Team", "detection", { name: "Detection" }, state);
      expect(plan.operation).toBe("replace");
      expect(plan.diff?.replaces).toEqual(["tenant"]);
      expect((await failureOf(engine.refresh(state))).message).toContain(`lives in the Tines tenant ${tines.simulator.url}`);
      expect((await failureOf(engine.destroy(state))).message).toContain(`lives in the Tines tenant ${tines.simulator.url}`);
      expect(other.log.filter((entry) => entry.method !== "GET")).toEqual([]);
    } finally {
      await host.stop();
      await other.stop();
    }
  });

  it("refresh drops a team deleted outside Pulumi and shows a rename made outside Pulumi as drift", async () => {
    const { state } = await tines.engine.up("Team", "detection", { name: "Detection" });
    tines.simulator.state.renameTeam(Number(state.id), "Renamed in Tines");
    const refreshed = await tines.engine.refresh(state);
    expect(refreshed!.outputs.name).toBe("Renamed in Tines");
    expect(refreshed!.inputs.name).toBe("Renamed in Tines");
    expect((await tines.engine.preview("Team", "detection", { name: "Detection" }, refreshed)).operation).toBe("update");
    tines.simulator.state.deleteTeam(Number(state.id));
    expect(await tines.engine.refresh(state)).toBeUndefined();
  });

  it("refuses to delete a team that holds stories, naming the count and forceDestroy, and sends no DELETE", async () => {
    const { state } = await tines.engine.up("Team", "detection", { name: "Detection" });
    tines.simulator.state.seedStory(Number(state.id));
    tines.simulator.state.seedStory(Number(state.id));
    tines.simulator.log.length = 0;
    const error = await failureOf(tines.engine.destroy(state));
    expect(error.message).toContain("still holds 2 stories");
    expect(error.message).toContain("forceDestroy: true");
    expect(requests()).toEqual(["GET /api/v1/stories", `GET /api/v1/teams/${state.id}/members`]);
    expect(tines.simulator.log[0]!.query).toContain(`team_id=${state.id}`);
    expect(tines.simulator.state.getTeam(Number(state.id))).toBeDefined();
  });

  it("does not delete a team unguarded when Tines cannot count its stories", async () => {
    const { state } = await tines.engine.up("Team", "detection", { name: "Detection" });
    tines.simulator.setFaults({ rules: [{ method: "GET", path: "/api/v1/stories", action: { type: "status", status: 404, body: { message: "Not found" } } }] });
    const error = await failureOf(tines.engine.destroy(state));
    expect(error.message).toContain("did not say how many stories it holds (GET /api/v1/stories answered 404)");
    expect(error.message).toContain("forceDestroy: true");
    expect(tines.simulator.countRequests("DELETE")).toBe(0);
    tines.simulator.state.deleteTeam(Number(state.id));
    await tines.engine.destroy(state);
  });

  it("deletes a team that holds stories with forceDestroy, and deleting a team already gone succeeds", async () => {
    const { state } = await tines.engine.up("Team", "detection", { name: "Detection", forceDestroy: true });
    tines.simulator.state.seedStory(Number(state.id));
    await tines.engine.destroy(state);
    expect(tines.simulator.state.listTeams("all")).toHaveLength(0);
    await tines.engine.destroy(state);
  });

  it("lets memberships use the team's teamId or id, and a membership whose team is gone is already gone", async () => {
    const { state: team } = await tines.engine.up("Team", "detection", { name: "Detection" });
    const user = tines.simulator.state.createUser({ email: "ada@example.com" });
    const other = tines.simulator.state.createUser({ email: "grace@example.com" });
    const byTeamId = await tines.engine.up("TeamMembership", "ada", { teamId: team.outputs.teamId, userId: user.id });
    const byId = await tines.engine.up("TeamMembership", "grace", { teamId: team.id, userId: other.id });
    expect(byId.state.outputs.teamId).toBe(Number(team.id));
    await tines.engine.destroy(team);
    expect(await tines.engine.refresh(byTeamId.state)).toBeUndefined();
    await tines.engine.destroy(byTeamId.state);
    await tines.engine.destroy(byId.state);
  });

  it("reports every bad input by property, without a request", async () => {
    tines.simulator.log.length = 0;
    const checked = await tines.host.check(
      resourceUrn("Team", "bad"),
      {},
      withProvider("Team", { name: "   ", adoptExisting: "yes", forceDestroy: 1, nmae: "x" }),
    );
    expect(checked.failures).toEqual(
      expect.arrayContaining([
        { property: "name", reason: "must not be empty" },
        { property: "adoptExisting", reason: "must be true or false" },
        { property: "forceDestroy", reason: "must be true or false" },
        { property: "nmae", reason: "is not an input of this resource (check the spelling)" },
      ]),
    );
    expect((await tines.host.check(resourceUrn("Team", "bad"), {}, withProvider("Team", {}))).failures).toEqual([
      { property: "name", reason: "is required" },
    ]);
    // Tines documents no length limit for a name: a long one is no bad input (test/guardRails/heldValues.test.ts).
    expect((await tines.host.check(resourceUrn("Team", "bad"), {}, withProvider("Team", { name: "x".repeat(256) }))).failures).toEqual([]);
    expect(tines.simulator.log).toHaveLength(0);
  });

  it("fails the preview of a new team whose name is taken, naming adoptExisting (preview checks on)", async () => {
    tines.simulator.state.createTeam("Security Operations");
    const host = await startHost();
    try {
      await host.configure({ "tines:tenant": tines.simulator.url, "tines:apiKey": tines.simulator.apiKey, "tines:previewChecks": "true" });
      const checked = await host.check(resourceUrn("Team", "secops"), {}, withProvider("Team", { name: "Security Operations" }));
      expect(checked.failures).toHaveLength(1);
      expect(checked.failures[0]!.property).toBe("name");
      expect(checked.failures[0]!.reason).toContain("adoptExisting: true");
      const adopting = await host.check(resourceUrn("Team", "secops"), {}, withProvider("Team", { name: "Security Operations", adoptExisting: true }));
      expect(adopting.failures).toEqual([]);
    } finally {
      await host.stop();
    }
  });
});

describe("a rename to a name another team has", () => {
  it("fails the preview and the update, naming the other team, and leaves Tines with one team of each name", async () => {
    tines.simulator.state.createTeam("Alpha");
    const { state } = await tines.engine.up("Team", "b", { name: "Beta" });
    // A preview is a process of its own (this host's tenant checks stopped once it changed the tenant).
    const preview = await startHost();
    try {
      await preview.configure({ "tines:tenant": tines.simulator.url, "tines:apiKey": tines.simulator.apiKey });
      const failures = await preview.check(resourceUrn("Team", "b"), state.outputs, withProvider("Team", { name: "Alpha" }));
      expect(failures.failures).toEqual([{ property: "name", reason: expect.stringContaining('another team named "Alpha" already exists') }]);
    } finally {
      await preview.stop();
    }
    const offline = await startHost();
    try {
      await offline.configure({ "tines:tenant": tines.simulator.url, "tines:apiKey": tines.simulator.apiKey, "tines:previewChecks": "false" });
      const error = await failureOf(new DynamicProviderEngine(offline).up("Team", "b", { name: "Alpha" }, state));
      expect(error.message).toContain('name: another team named "Alpha" already exists');
    } finally {
      await offline.stop();
    }
    expect(tines.simulator.countRequests("PUT")).toBe(0);
    expect(tines.simulator.state.listTeams().map((team) => team.name).sort()).toEqual(["Alpha", "Beta"]);
  });
});

describe("the story-count guard", () => {
  it("never deletes a team whose story count Tines answers without a count", async () => {
    const { state } = await tines.engine.up("Team", "t", { name: "Stories" });
    tines.simulator.state.seedStory(Number(state.id));
    tines.simulator.setFaults({ rules: [{ method: "GET", path: /^\/api\/v1\/stories$/, action: { type: "replaceBody", body: "{}" } }] });
    const error = await failureOf(tines.engine.destroy(state));
    expect(error.message).toContain("was not deleted: Tines did not say how many stories it holds");
    expect(error.message).toContain("forceDestroy");
    expect(tines.simulator.countRequests("DELETE")).toBe(0);
  });
});

describe("refresh and a stray 404", () => {
  it("keeps a team, its user, its template and its member list through one 404 that a second read contradicts", async () => {
    const team = (await tines.engine.up("Team", "t", { name: "Detection" })).state;
    const user = (await tines.engine.up("User", "u", { email: "ada@example.com" })).state;
    const template = (await tines.engine.up("PrivateTemplate", "p", { name: "T", vendor: "V", product: "P", agentType: "Agents::WebhookAgent", agentOptions: {} })).state;
    const members = (await tines.engine.up("TeamMembers", "m", { teamId: team.id, members: [{ userId: user.id, role: "TEAM_ADMIN" }] })).state;
    for (const [state, path] of [
      [team, new RegExp(`^/api/v1/teams/${team.id}$`)],
      [user, new RegExp(`^/api/v1/admin/users/${user.id}$`)],
      [template, new RegExp(`^/api/v1/admin/templates/${template.id}$`)],
      [members, new RegExp(`^/api/v1/teams/${team.id}/members$`)],
    ] as const) {
      tines.simulator.setFaults({ rules: [{ method: "GET", path, action: { type: "status", status: 404, body: "<html>404 Not Found (nginx)</html>" }, times: 1 }] });
      expect(await tines.engine.refresh(state), state.kind).toBeDefined();
    }
    // Each stray 404 was indeed answered.
    expect(tines.simulator.log.filter((entry) => entry.status === 404)).toHaveLength(4);
    // Gone for real (two reads agree): dropped.
    tines.simulator.setFaults({});
    tines.simulator.state.deleteTeam(Number(team.id));
    expect(await tines.engine.refresh(team)).toBeUndefined();
  });
});

describe("a stack that makes a team and every one of its members", () => {
  const program = join(repositoryRoot, "test", "programs", "team-with-members");
  const run = (statePath: string, config: Record<string, string> = {}, destroy = false) =>
    runProgramInChildProcess({
      programDirectory: program,
      statePath,
      destroy,
      config: { "tines:tenant": tines.simulator.url, "tines:apiKey": tines.simulator.apiKey, ...config },
    });
  const kindsIn = (statePath: string) =>
    (JSON.parse(readFileSync(statePath, "utf8")) as { resources: Array<{ kind: string }> }).resources.map((resource) => resource.kind).sort();
  const emailsOn = (teamId: number) => tines.simulator.state.membersOf(teamId).map((member) => member.email).sort();
  /** Runs the program, seeds a story on its team, then destroys, which the team's delete refuses: the team's id. */
  async function destroyRefusedForAStory(statePath: string, config: Record<string, string>): Promise<number> {
    const up = await run(statePath, config);
    expect(up.errors).toEqual([]);
    const teamId = up.outputs.teamId as number;
    tines.simulator.state.seedStory(teamId);
    const destroyed = await run(statePath, config, true);
    expect(destroyed.errors.join("\n")).toContain("still holds 1 story");
    return teamId;
  }

  it("with its members in the team's roster, comes down with one destroy: one team delete, no member removed one by one", async () => {
    const statePath = join(workDirectory, "roster.json");
    const up = await run(statePath);
    expect(up.errors).toEqual([]);
    const teamId = up.outputs.teamId as number;
    expect(emailsOn(teamId)).toEqual(["ada@example.com", "grace@example.com"]);
    expect((up.outputs.members as Array<{ role: string }>).map((member) => member.role)).toEqual(["TEAM_ADMIN", "EDITOR"]);
    const destroyed = await run(statePath, {}, true);
    expect(destroyed.errors).toEqual([]);
    expect(destroyed.steps.map((step) => `${step.operation} ${step.kind}`).sort()).toEqual(["delete Team", "delete User", "delete User"]);
    expect(tines.simulator.countRequests("POST", /remove_member$/)).toBe(0);
    expect(tines.simulator.state.listTeams("all")).toHaveLength(0);
  });

  it("with its members in the team's roster, a delete refused for the team's stories keeps every member in the stack and on the team, even when the users stay", async () => {
    const statePath = join(workDirectory, "roster-stories.json");
    const config = { "tines-bootstrap:deletionMode": "deactivate" };
    const teamId = await destroyRefusedForAStory(statePath, config);
    // Nothing was removed from Tines, and the stack still holds the team with both members.
    expect(emailsOn(teamId)).toEqual(["ada@example.com", "grace@example.com"]);
    expect(kindsIn(statePath)).toEqual(["Team", "User", "User"]);
    const state = JSON.parse(readFileSync(statePath, "utf8")) as { resources: Array<{ kind: string; outputs: { resolvedMembers?: Array<{ email: string }> } }> };
    expect(state.resources.find((resource) => resource.kind === "Team")!.outputs.resolvedMembers!.map((member) => member.email).sort()).toEqual(emailsOn(teamId));
    // With forceDestroy set (and an up to record it), the same destroy finishes.
    const forced = { ...config, "tines-bootstrap:forceDestroy": "true" };
    expect((await run(statePath, forced)).errors).toEqual([]);
    expect((await run(statePath, forced, true)).errors).toEqual([]);
    expect(tines.simulator.state.listTeams("all")).toHaveLength(0);
  });

  it("a TinesTeamMembership on a team whose roster the same up makes fails before it is written, naming the roster", async () => {
    const statePath = join(workDirectory, "mixed.json");
    const up = await run(statePath, { "tines-bootstrap:shape": "mixed" });
    expect(up.errors.join("\n")).toContain("has its whole member list managed by the members of a TinesTeam in this deployment");
    const team = tines.simulator.state.listTeams("all")[0]!;
    expect(emailsOn(team.id)).toEqual(["ada@example.com", "grace@example.com"]);
  });

  it("a create that made the team but not all its members is recorded as the engine records it, and the next up finishes it", async () => {
    const statePath = join(workDirectory, "partial.json");
    tines.simulator.setFaults({ rules: [{ method: "POST", path: /invite_member$/, action: { type: "status", status: 403, body: '{"error":"Forbidden"}' }, times: 1 }] });
    const up = await run(statePath);
    tines.simulator.setFaults({});
    expect(up.errors.join("\n")).toContain("Forbidden");
    const team = tines.simulator.state.listTeams("all")[0]!;
    // The team is in the state (a partial create), with whom Tines holds.
    const recorded = (JSON.parse(readFileSync(statePath, "utf8")) as { resources: Array<{ kind: string; id: string; outputs: { resolvedMembers: unknown[] } }> }).resources.find((resource) => resource.kind === "Team")!;
    expect(recorded.id).toBe(String(team.id));
    expect(recorded.outputs.resolvedMembers).toHaveLength(emailsOn(team.id).length);
    expect((await run(statePath)).errors).toEqual([]);
    expect(tines.simulator.state.listTeams("all")).toHaveLength(1);
    expect(emailsOn(team.id)).toEqual(["ada@example.com", "grace@example.com"]);
  });

  it("with memberships deletedWith the team, comes down with one destroy", async () => {
    const statePath = join(workDirectory, "deleted-with.json");
    const config = { "tines-bootstrap:shape": "deletedWith" };
    const up = await run(statePath, config);
    expect(up.errors).toEqual([]);
    const teamId = up.outputs.teamId as number;
    expect(tines.simulator.state.membersOf(teamId)).toHaveLength(2);
    const destroyed = await run(statePath, config, true);
    expect(destroyed.errors).toEqual([]);
    expect(destroyed.steps.map((step) => `${step.operation} ${step.kind}`).sort()).toEqual([
      "delete Team",
      "delete TeamMembership",
      "delete TeamMembership",
      "delete User",
      "delete User",
    ]);
    // The memberships went with the team: no remove_member was refused or even sent.
    expect(tines.simulator.countRequests("POST", /remove_member$/)).toBe(0);
    expect(tines.simulator.state.listTeams("all")).toHaveLength(0);
  });

  it("with memberships deletedWith the team whose users the destroy deletes, a delete refused for stories leaves no membership in Tines that the stack forgot", async () => {
    const statePath = join(workDirectory, "stories.json");
    const teamId = await destroyRefusedForAStory(statePath, { "tines-bootstrap:shape": "deletedWith" });
    expect(kindsIn(statePath)).toEqual(["Team"]);
    // The memberships left the stack with deletedWith; their users were deleted by the same destroy,
    // and with them their places on the team.
    expect(tines.simulator.state.membersOf(teamId)).toEqual([]);
  });

  it("with plain memberships, the last member cannot be removed and the destroy stops with the team and that membership kept", async () => {
    const statePath = join(workDirectory, "plain.json");
    const config = { "tines-bootstrap:shape": "plain" };
    expect((await run(statePath, config)).errors).toEqual([]);
    const destroyed = await run(statePath, config, true);
    expect(destroyed.errors.join("\n")).toContain("refuses to remove the last member");
    expect(destroyed.errors.join("\n")).toContain("members");
    expect(tines.simulator.state.listTeams("all")).toHaveLength(1);
  });
});
