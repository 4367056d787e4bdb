import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { seededOwnerEmail } from "../../src/simulator";
import { resourceUrn, withProvider } from "../../tools/runner/providerHost";
// The runner from the build, as the other program tests use it (it starts the build's host).
import { runProgramInChildProcess } from "../../dist-tools/runner/programRunner";
import { failureOf, repositoryRoot, startHost, useProviderHost } from "../helpers/host";

const tines = useProviderHost({ seedTeams: ["Security Operations", "IT Operations"] });
const requests = () => tines.simulator.log.map((entry) => `${entry.method} ${entry.path}`);
const reviewer = { name: "DETECTION_REVIEWER", description: "Reviews detection stories", permissions: ["STORY_READ", "STORY_COMMENT"] };

describe("TinesCustomRole", () => {
  it("creates a role with one request, recording every input (permissions as a sorted set) and what Tines computes", async () => {
    // The preview's tenant checks (on by default) read the tenant first; the create itself is what is counted.
    const plan = await tines.engine.preview("CustomRole", "reviewer", { ...reviewer, permissions: ["STORY_READ", "STORY_COMMENT", "STORY_READ"] });
    tines.simulator.log.length = 0;
    const { state } = await tines.engine.apply("CustomRole", "reviewer", plan);
    expect(state.id).toMatch(/^\d+$/);
    expect(state.outputs).toMatchObject({
      name: "DETECTION_REVIEWER",
      description: "Reviews detection stories",
      permissions: ["STORY_COMMENT", "STORY_READ"],
      adoptExisting: false,
      roleId: state.id,
      builder: false,
      tenant: tines.simulator.url,
    });
    expect(state.outputs.createdAt).toEqual(expect.any(String));
    expect(requests()).toEqual(["POST /api/v1/admin/roles"]);
  });

  it("defaults the description to empty, and a membership can use the role by name", async () => {
    const { state } = await tines.engine.up("CustomRole", "reviewer", { name: "REVIEWER", permissions: ["STORY_READ"] });
    expect(state.outputs.description).toBe("");
    const user = tines.simulator.state.createUser({ email: "ada@example.com" });
    const membership = await tines.engine.up("TeamMembership", "ada", { teamId: 1, userId: user.id, role: state.outputs.name });
    expect(membership.state.outputs.role).toBe("REVIEWER");
  });

  it("shows no change when nothing changed (permission order included), and PATCHes description and permissions in place", async () => {
    const { state } = await tines.engine.up("CustomRole", "reviewer", reviewer);
    const reordered = { ...reviewer, permissions: ["STORY_COMMENT", "STORY_READ"] };
    expect((await tines.engine.preview("CustomRole", "reviewer", reordered, state)).operation).toBe("same");
    tines.simulator.log.length = 0;
    const changed = await tines.engine.up("CustomRole", "reviewer", { ...reviewer, description: "New words", permissions: ["STORY_CREATE"] }, state);
    expect(changed.operation).toBe("update");
    expect(changed.state.outputs).toMatchObject({ description: "New words", permissions: ["STORY_CREATE"], builder: true });
    expect(requests()).toEqual([`PATCH /api/v1/admin/roles/${state.id}`]);
  });

  it("replaces the role when its name changes (Tines' update takes no name)", async () => {
    const { state } = await tines.engine.up("CustomRole", "reviewer", reviewer);
    const plan = await tines.engine.preview("CustomRole", "reviewer", { ...reviewer, name: "DETECTION_APPROVER" }, state);
    expect(plan.diff?.replaces).toEqual(["name"]);
    const replaced = await tines.engine.up("CustomRole", "reviewer", { ...reviewer, name: "DETECTION_APPROVER" }, state);
    expect(replaced.operation).toBe("replace");
    expect(tines.simulator.state.listRoles().filter((role) => role.type === "custom").map((role) => role.name)).toEqual(["DETECTION_APPROVER"]);
  });

  it("fails a create that Tines did not fully take, naming the property, with the role recorded as Tines holds it", async () => {
    tines.simulator.setFaults({
      rules: [
        {
          method: "POST",
          path: "/api/v1/admin/roles",
          action: { type: "replaceBody", body: (real) => JSON.stringify({ ...JSON.parse(real), description: "" }) },
          times: 1,
        },
      ],
    });
    const error = await failureOf(tines.engine.up("CustomRole", "reviewer", reviewer));
    expect(error.message).toContain("description: Tines answered the create but still holds \"\"");
    expect(error.message).toContain("is recorded in the stack");
  });

  it("refresh drops a role deleted outside Pulumi and shows a change made outside Pulumi as drift", async () => {
    const { state } = await tines.engine.up("CustomRole", "reviewer", reviewer);
    tines.simulator.state.updateCustomRole(state.id, { description: "Changed in Tines" });
    const refreshed = await tines.engine.refresh(state);
    expect(refreshed!.inputs.description).toBe("Changed in Tines");
    expect((await tines.engine.preview("CustomRole", "reviewer", reviewer, refreshed)).operation).toBe("update");
    tines.simulator.state.deleteCustomRole(state.id);
    expect(await tines.engine.refresh(state)).toBeUndefined();
  });

  it("fails to create a role whose name is taken, naming adoptExisting, and adopts it (bringing it to the inputs) when asked", async () => {
    const existing = tines.simulator.state.addCustomRole("DETECTION_REVIEWER", { permissions: ["STORY_READ"] });
    const error = await failureOf(tines.engine.up("CustomRole", "reviewer", reviewer));
    expect(error.message).toContain("a custom role named DETECTION_REVIEWER already exists");
    expect(error.message).toContain("adoptExisting: true");
    const { state } = await tines.engine.up("CustomRole", "reviewer", { ...reviewer, adoptExisting: true });
    expect(state.id).toBe(existing.id);
    expect(state.outputs.permissions).toEqual(["STORY_COMMENT", "STORY_READ"]);
  });

  it("refuses to delete a role that members still hold, naming how many on which teams, and deletes nothing", async () => {
    const { state } = await tines.engine.up("CustomRole", "reviewer", reviewer);
    for (const email of ["ada@example.com", "grace@example.com"]) {
      const user = tines.simulator.state.createUser({ email });
      tines.simulator.state.seedMembership(1, user.id, "DETECTION_REVIEWER");
    }
    tines.simulator.log.length = 0;
    const error = await failureOf(tines.engine.destroy(state));
    expect(error.message).toContain("2 members still hold it");
    expect(error.message).toContain(`"Security Operations" (team 1)`);
    expect(tines.simulator.countRequests("DELETE")).toBe(0);
    expect(tines.simulator.state.roleNames()).toContain("DETECTION_REVIEWER");
  });

  it("deletes a role nobody holds, and a role already gone is success", async () => {
    const { state } = await tines.engine.up("CustomRole", "reviewer", reviewer);
    await tines.engine.destroy(state);
    expect(tines.simulator.state.roleNames()).not.toContain("DETECTION_REVIEWER");
    await tines.engine.destroy(state);
  });

  it("explains a tenant without the Enterprise feature in plain words", async () => {
    tines.simulator.state.setCustomRolesFeature(false);
    const error = await failureOf(tines.engine.up("CustomRole", "reviewer", reviewer));
    expect(error.message).toContain("Custom roles are an Enterprise feature");
    expect(error.message).toContain("at most 25 custom roles");
  });

  it("explains the 25-role limit in plain words, and a preview that would exceed it fails (preview checks on)", async () => {
    for (let index = 0; index < 24; index += 1) tines.simulator.state.addCustomRole(`ROLE_${index}`);
    const host = await startHost();
    try {
      await host.configure({ "tines:tenant": tines.simulator.url, "tines:apiKey": tines.simulator.apiKey, "tines:previewChecks": "true" });
      const check = (name: string) => host.check(resourceUrn("CustomRole", name), {}, withProvider("CustomRole", { ...reviewer, name }));
      expect((await check("FIRST")).failures).toEqual([]);
      const second = await check("SECOND");
      expect(second.failures).toHaveLength(1);
      expect(second.failures[0]!.reason).toContain("would exceed Tines' limit of 25 custom roles");
    } finally {
      await host.stop();
    }
    tines.simulator.state.addCustomRole("ROLE_24");
    const error = await failureOf(tines.engine.up("CustomRole", "reviewer", reviewer));
    expect(error.message).toContain("at most 25 custom roles");
  });

  it("reports every bad input by property, without a request", async () => {
    tines.simulator.log.length = 0;
    const check = (inputs: Record<string, unknown>) => tines.host.check(resourceUrn("CustomRole", "bad"), {}, withProvider("CustomRole", inputs));
    expect((await check({})).failures).toEqual(
      expect.arrayContaining([
        { property: "name", reason: "is required" },
        { property: "permissions", reason: "must be a list of permission names" },
      ]),
    );
    const many = await check({ name: "editor", description: 5, permissions: [], adoptExisting: "no", colour: "red" });
    expect(Object.fromEntries(many.failures.map((failure) => [failure.property, failure.reason]))).toMatchObject({
      name: expect.stringContaining("one of Tines' own roles"),
      description: "must be a string",
      permissions: "must hold at least one permission",
      adoptExisting: "must be true or false",
      colour: "is not an input of this resource (check the spelling)",
    });
    expect((await check({ name: "R", permissions: ["STORY_READ", " "] })).failures).toEqual([{ property: "permissions[1]", reason: "must not be empty" }]);
    expect(tines.simulator.log).toHaveLength(0);
  });
});

describe("a custom role adopted under a name in another letter case", () => {
  it("is the same role on the next up: never replaced by itself (which would delete it)", async () => {
    tines.simulator.state.addCustomRole("reviewer", { permissions: ["STORY_READ"] });
    const args = { name: "Reviewer", permissions: ["STORY_READ"], adoptExisting: true };
    const first = await tines.engine.up("CustomRole", "r", args);
    const second = await tines.engine.up("CustomRole", "r", args, first.state);
    expect(second.operation).toBe("same");
    expect(tines.simulator.state.listRoles().filter((role) => role.type === "custom").map((role) => role.name)).toEqual(["reviewer"]);
    expect(await tines.engine.refresh(second.state)).toBeDefined();
  });
});

describe("a custom role renamed while a membership and a team roster use it", () => {
  const program = join(repositoryRoot, "test", "programs", "role-rename");

  it("previews with preview checks on, then moves the membership and the roster to the new role before the old one is deleted", async () => {
    const workDirectory = mkdtempSync(join(tmpdir(), "role-rename-"));
    try {
      const state = tines.simulator.state;
      const owner = state.createUser({ email: seededOwnerEmail, admin: true });
      const secops = state.listTeams().find((team) => team.name === "Security Operations")!.id;
      const it = state.listTeams().find((team) => team.name === "IT Operations")!.id;
      // The owner stays on both teams, so the membership's role can change (remove, then invite).
      state.seedMembership(secops, owner.id, "TEAM_ADMIN");
      state.seedMembership(it, owner.id, "TEAM_ADMIN");
      const options = (roleName: string, preview = false) => ({
        programDirectory: program,
        statePath: join(workDirectory, "state.json"),
        preview,
        config: {
          "tines:tenant": tines.simulator.url,
          "tines:apiKey": tines.simulator.apiKey,
          "tines-bootstrap:roleName": roleName,
          "tines-bootstrap:membershipTeam": String(secops),
          "tines-bootstrap:rosterTeam": String(it),
        },
      });
      // A new role that the roster and the membership use by name passes the preview: the
      // deployment makes it before them. The roster's preview lists who it adds, line by line.
      const firstPreview = await runProgramInChildProcess(options("INTEL_REVIEWER", true));
      expect(firstPreview.errors).toEqual([]);
      expect(firstPreview.warnings.join("\n")).toContain("\n  + grace@example.com as");
      expect((await runProgramInChildProcess(options("INTEL_REVIEWER"))).errors).toEqual([]);

      const renamePreview = await runProgramInChildProcess(options("INTEL_ANALYST", true));
      expect(renamePreview.errors).toEqual([]);
      const renamed = await runProgramInChildProcess(options("INTEL_ANALYST"));
      expect(renamed.errors).toEqual([]);
      expect(renamed.outputs.membershipRole).toBe("INTEL_ANALYST");
      expect(renamed.outputs.rosterRoles).toContain("grace@example.com INTEL_ANALYST");
      // The old role went last, once nobody held it; the tenant holds the new one only.
      expect(tines.simulator.state.listRoles().filter((role) => role.type === "custom").map((role) => role.name)).toEqual(["INTEL_ANALYST"]);
      const again = await runProgramInChildProcess(options("INTEL_ANALYST"));
      expect(again.steps.filter((step) => step.operation !== "same")).toEqual([]);
    } finally {
      rmSync(workDirectory, { recursive: true, force: true });
    }
  }, 240_000);
});
