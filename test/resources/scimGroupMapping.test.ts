/**
 * TinesScimGroupMapping through the real provider host, against the simulator's SCIM user group
 * mapping (tines-api.md, "SCIM": read whole, replaced whole, team names not ids).
 */
import { describe, expect, it } from "vitest";
import { CheckFailedError } from "../../tools/runner/engine";
import { failureOf, useProviderHost } from "../helpers/host";

const tines = useProviderHost({ seedTeams: ["Security Operations", "Detection"] });
const requests = () => tines.simulator.log.map((entry) => `${entry.method} ${entry.path}`);
const mappingPath = "/api/v1/admin/scim_user_group_mapping";
const secops = { group: "okta-secops", team: "Security Operations", role: "EDITOR" };
const detection = { group: "okta-detection", team: "Detection", role: "TEAM_ADMIN" };
const held = () => tines.simulator.state.scimMapping();

describe("TinesScimGroupMapping", () => {
  it("creates the mapping with one write of every line, recording the lines in one canonical order", async () => {
    const plan = await tines.engine.preview("ScimGroupMapping", "scim", { mappings: [secops, detection], tenantOwnersGroup: "okta-admins" });
    tines.simulator.log.length = 0;
    const { state } = await tines.engine.apply("ScimGroupMapping", "scim", plan);
    expect(state.id).toBe("scim-user-group-mapping");
    expect(state.outputs).toMatchObject({
      mappings: [detection, secops],
      tenantOwnersGroup: "okta-admins",
      adoptExisting: false,
      clearOnDestroy: false,
      tenant: tines.simulator.url,
    });
    expect(requests()).toEqual([`GET ${mappingPath}`, `POST ${mappingPath}`]);
    expect(held()).toEqual({
      mappings: [
        { group_name: "okta-secops", team_name: "Security Operations", role_name: "EDITOR" },
        { group_name: "okta-detection", team_name: "Detection", role_name: "TEAM_ADMIN" },
      ],
      tenant_owners_group: "okta-admins",
    });
  });

  it("reads the mapping back as it was written, and shows no change when only the order of the lines differs", async () => {
    const { state } = await tines.engine.up("ScimGroupMapping", "scim", { mappings: [secops, detection] });
    const refreshed = await tines.engine.refresh(state);
    expect(refreshed!.outputs.mappings).toEqual([detection, secops]);
    expect(refreshed!.outputs.tenantOwnersGroup).toBeNull();
    expect((await tines.engine.preview("ScimGroupMapping", "scim", { mappings: [detection, secops] }, refreshed)).operation).toBe("same");
    expect((await tines.engine.preview("ScimGroupMapping", "scim", { mappings: [secops, detection] }, state)).operation).toBe("same");
  });

  it("adds, changes and removes a line in place, each with one write of the whole mapping", async () => {
    let { state } = await tines.engine.up("ScimGroupMapping", "scim", { mappings: [secops] });
    const steps = [
      [secops, detection],
      [secops, { ...detection, role: "VIEWER" }],
      [{ ...detection, role: "VIEWER" }],
    ];
    for (const mappings of steps) {
      tines.simulator.log.length = 0;
      const result = await tines.engine.up("ScimGroupMapping", "scim", { mappings }, state);
      expect(result.operation).toBe("update");
      expect(requests()).toEqual([`POST ${mappingPath}`]);
      expect(held().mappings.map((line) => `${line.group_name}/${line.team_name}/${line.role_name}`).sort()).toEqual(
        mappings.map((line) => `${line.group}/${line.team}/${line.role}`).sort(),
      );
      state = result.state;
    }
    expect(state.outputs.mappings).toEqual([{ ...detection, role: "VIEWER" }]);
  });

  it("changes and clears the tenant owners' group in place", async () => {
    const { state } = await tines.engine.up("ScimGroupMapping", "scim", { mappings: [], tenantOwnersGroup: "okta-admins" });
    const changed = await tines.engine.up("ScimGroupMapping", "scim", { mappings: [], tenantOwnersGroup: "okta-owners" }, state);
    expect(held().tenant_owners_group).toBe("okta-owners");
    const cleared = await tines.engine.up("ScimGroupMapping", "scim", { mappings: [] }, changed.state);
    expect(cleared.operation).toBe("update");
    expect(held().tenant_owners_group).toBeNull();
    expect(cleared.state.outputs.tenantOwnersGroup).toBeNull();
  });

  it("records the owners' group it wrote when Tines does not report one (undocumented whether it does)", async () => {
    tines.simulator.state.normalisation.omitTenantOwnersGroup = true;
    const { state } = await tines.engine.up("ScimGroupMapping", "scim", { mappings: [secops], tenantOwnersGroup: "okta-admins" });
    expect(state.outputs.tenantOwnersGroup).toBe("okta-admins");
    const refreshed = await tines.engine.refresh(state);
    expect(refreshed!.outputs.tenantOwnersGroup).toBe("okta-admins");
    expect((await tines.engine.preview("ScimGroupMapping", "scim", { mappings: [secops], tenantOwnersGroup: "okta-admins" }, refreshed)).operation).toBe("same");
  });

  it("refresh shows a mapping changed outside Pulumi as drift, and the next up puts the declared one back", async () => {
    const { state } = await tines.engine.up("ScimGroupMapping", "scim", { mappings: [secops, detection] });
    tines.simulator.state.replaceScimMapping({ mappings: [{ group_name: "okta-secops", team_name: "Security Operations", role_name: "VIEWER" }] });
    const refreshed = await tines.engine.refresh(state);
    expect(refreshed!.id).toBe(state.id);
    expect(refreshed!.inputs.mappings).toEqual([{ ...secops, role: "VIEWER" }]);
    const restored = await tines.engine.up("ScimGroupMapping", "scim", { mappings: [secops, detection] }, refreshed);
    expect(restored.operation).toBe("update");
    expect(held().mappings).toHaveLength(2);
    expect(restored.state.outputs.mappings).toEqual([detection, secops]);
  });

  it("refuses to take over a mapping Tines already holds that differs, naming adoptExisting, and writes nothing", async () => {
    tines.simulator.state.replaceScimMapping({ mappings: [{ group_name: "entra-soc", team_name: "Detection", role_name: "VIEWER" }] });
    tines.simulator.log.length = 0;
    const error = await failureOf(tines.engine.up("ScimGroupMapping", "scim", { mappings: [secops] }));
    expect(error.message).toContain("already holds a SCIM user group mapping (1 line)");
    expect(error.message).toContain("adoptExisting: true");
    expect(tines.simulator.countRequests("POST")).toBe(0);
    expect(held().mappings).toEqual([{ group_name: "entra-soc", team_name: "Detection", role_name: "VIEWER" }]);
  });

  it("with adoptExisting replaces what Tines holds; a mapping that already matches is adopted without a write", async () => {
    tines.simulator.state.replaceScimMapping({ mappings: [{ group_name: "entra-soc", team_name: "Detection", role_name: "VIEWER" }], tenant_owners_group: "entra-admins" });
    const adopted = await tines.engine.up("ScimGroupMapping", "scim", { mappings: [secops], adoptExisting: true });
    expect(adopted.state.outputs).toMatchObject({ mappings: [secops], tenantOwnersGroup: null, adoptExisting: true });
    expect(held()).toEqual({ mappings: [{ group_name: "okta-secops", team_name: "Security Operations", role_name: "EDITOR" }], tenant_owners_group: null });

    tines.simulator.reset();
    tines.simulator.state.createTeam("Security Operations");
    tines.simulator.state.createTeam("Detection");
    tines.simulator.state.replaceScimMapping({
      mappings: [
        { group_name: "okta-detection", team_name: "Detection", role_name: "TEAM_ADMIN" },
        { group_name: "okta-secops", team_name: "Security Operations", role_name: "EDITOR" },
      ],
      tenant_owners_group: "okta-admins",
    });
    tines.simulator.log.length = 0;
    const matching = await tines.engine.up("ScimGroupMapping", "scim", { mappings: [secops, detection], tenantOwnersGroup: "okta-admins" });
    expect(matching.state.outputs.mappings).toEqual([detection, secops]);
    expect(tines.simulator.countRequests("POST")).toBe(0);
  });

  it("destroy leaves Tines' mapping as it is by default, and says so", async () => {
    const { state } = await tines.engine.up("ScimGroupMapping", "scim", { mappings: [secops, detection] });
    tines.simulator.log.length = 0;
    await tines.engine.destroy(state);
    expect(tines.simulator.countRequests("POST")).toBe(0);
    expect(held().mappings).toHaveLength(2);
    await expect.poll(() => tines.host.stderr).toContain(`the SCIM user group mapping of ${tines.simulator.url} is left as it is (2 lines)`);
  });

  it("destroy with clearOnDestroy writes an empty mapping, owners' group included", async () => {
    const { state } = await tines.engine.up("ScimGroupMapping", "scim", { mappings: [secops], tenantOwnersGroup: "okta-admins" });
    // Changing clearOnDestroy writes nothing: it only changes what destroy does.
    tines.simulator.log.length = 0;
    const recorded = await tines.engine.up("ScimGroupMapping", "scim", { mappings: [secops], tenantOwnersGroup: "okta-admins", clearOnDestroy: true }, state);
    expect(recorded.operation).toBe("update");
    expect(tines.simulator.log).toEqual([]);
    await tines.engine.destroy(recorded.state);
    expect(held()).toEqual({ mappings: [], tenant_owners_group: null });
  });

  it("fails a create whose write Tines did not fully take, with the mapping recorded as Tines holds it", async () => {
    tines.simulator.setFaults({
      rules: [
        {
          method: "POST",
          path: mappingPath,
          action: { type: "replaceBody", body: () => JSON.stringify({ mappings: [], tenant_owners_group: null }) },
          times: 1,
        },
      ],
    });
    const error = await failureOf(tines.engine.up("ScimGroupMapping", "scim", { mappings: [secops] }));
    expect(error.message).toContain("mappings: Tines answered the create but still holds []");
    expect(error.message).toContain("is recorded in the stack");
  });

  it("explains a line Tines refuses (a team that does not exist), and changes nothing", async () => {
    const error = await failureOf(tines.engine.up("ScimGroupMapping", "scim", { mappings: [{ ...secops, team: "Red Team" }] }, undefined));
    expect(error).toBeInstanceOf(Error);
    // With preview checks on, the shared host fails it in check; without, Tines' refusal is explained.
    expect(error.message).toMatch(/team "Red Team" does not exist|every line must name a team that exists/);
    expect(held().mappings).toEqual([]);
  });
});

describe("TinesScimGroupMapping's offline check", () => {
  it("names every problem at once, each with its property, before any request", async () => {
    tines.simulator.log.length = 0;
    const error = await failureOf(
      tines.engine.preview("ScimGroupMapping", "scim", {
        mappings: [secops, { group: " ", team: "Detection", role: "VIEWER" }, { group: "okta-secops", team: "Security Operations", role: "editor" }, { group: "g", team: "", role: "VIEWER", teams: 1 }],
        tenantOwnersGroup: "",
      }),
    );
    expect(error).toBeInstanceOf(CheckFailedError);
    expect((error as CheckFailedError).failures).toEqual(
      expect.arrayContaining([
        { property: "mappings[1].group", reason: "must not be empty" },
        { property: "mappings[2].role", reason: '"editor" is not a role; did you mean EDITOR?' },
        {
          property: "mappings[2].team",
          reason: 'maps group "okta-secops" to team "Security Operations" again (mappings[0] does already): a group has one role per team, so declare the pair once',
        },
        { property: "mappings[3].team", reason: "must not be empty" },
        { property: "mappings[3].teams", reason: "is not an input of this resource (check the spelling)" },
        { property: "tenantOwnersGroup", reason: "must not be empty" },
      ]),
    );
    expect((error as CheckFailedError).failures).toHaveLength(6);
    expect(tines.simulator.log).toEqual([]);
  });

  it("requires mappings (an empty list is allowed)", async () => {
    const error = await failureOf(tines.engine.preview("ScimGroupMapping", "scim", {}));
    expect((error as CheckFailedError).failures).toEqual([{ property: "mappings", reason: "is required (an empty list maps no group)" }]);
    expect((await tines.engine.preview("ScimGroupMapping", "scim", { mappings: [] })).operation).toBe("create");
  });
});

describe("TinesScimGroupMapping's preview checks", () => {
  it("fail teams and roles the tenant does not have, naming each line", async () => {
    const engine = await tines.freshEngine();
    const error = await failureOf(
      engine.preview("ScimGroupMapping", "scim", { mappings: [secops, { group: "okta-red", team: "Red Team", role: "RESPONDER" }, { group: "okta-d", team: "detection", role: "VIEWER" }] }),
    );
    expect((error as CheckFailedError).failures).toEqual([
      { property: "mappings[1].team", reason: `team "Red Team" does not exist in ${tines.simulator.url}, and no TinesTeam of this stack is named so` },
      { property: "mappings[1].role", reason: `"RESPONDER" is not a role in ${tines.simulator.url} (its roles: VIEWER, EDITOR, TEAM_ADMIN, CASE_MANAGER)` },
      {
        property: "mappings[2].team",
        reason: `team "detection" does not exist in ${tines.simulator.url}, and no TinesTeam of this stack is named so (did you mean "Detection"? the mapping names teams exactly)`,
      },
    ]);
  });

  it("take a custom role this stack creates as a role", async () => {
    const engine = await tines.freshEngine();
    await engine.preview("CustomRole", "reviewer", { name: "DETECTION_REVIEWER", permissions: ["STORY_READ"] });
    const plan = await engine.preview("ScimGroupMapping", "scim", { mappings: [{ ...detection, role: "DETECTION_REVIEWER" }] });
    expect(plan.operation).toBe("create");
  });

  it("fail a new resource over a mapping that differs, naming adoptExisting", async () => {
    tines.simulator.state.replaceScimMapping({ mappings: [], tenant_owners_group: "entra-admins" });
    const engine = await tines.freshEngine();
    const error = await failureOf(engine.preview("ScimGroupMapping", "scim", { mappings: [secops] }));
    expect((error as CheckFailedError).failures).toEqual([
      { property: "adoptExisting", reason: expect.stringContaining(`already holds a SCIM user group mapping (0 lines and tenant owners' group "entra-admins")`) },
    ]);
  });

  it("list the lines an up adds, changes and removes", async () => {
    tines.simulator.state.replaceScimMapping({
      mappings: [
        { group_name: "okta-secops", team_name: "Security Operations", role_name: "VIEWER" },
        { group_name: "okta-old", team_name: "Detection", role_name: "VIEWER" },
      ],
      tenant_owners_group: null,
    });
    const engine = await tines.freshEngine();
    await engine.preview("ScimGroupMapping", "scim", { mappings: [secops, detection], tenantOwnersGroup: "okta-admins", adoptExisting: true });
    await expect.poll(() => engine.host.stderr).toContain(
      [
        `the SCIM user group mapping of ${tines.simulator.url}: TinesScimGroupMapping adds 1, changes 1 and removes 1 line(s), in one write of the whole mapping:`,
        `  + group "okta-detection" -> team "Detection" as TEAM_ADMIN`,
        `  ~ group "okta-secops" -> team "Security Operations": VIEWER -> EDITOR`,
        `  - group "okta-old" -> team "Detection" as VIEWER (its members lose this team at the next SCIM sync)`,
        `  ~ tenant owners' group: (none) -> "okta-admins"`,
      ].join("\n"),
    );
    expect(tines.simulator.log.filter((entry) => entry.method !== "GET")).toEqual([]);
  });
});

describe("TinesScimGroupMapping and a TinesTeam renamed by the same stack", () => {
  it("carries the team's lines to the new name: the preview takes the new name, and no line names the old one after the rename", async () => {
    const team = await tines.engine.up("Team", "red", { name: "Red Team" });
    const mapping = await tines.engine.up("ScimGroupMapping", "scim", {
      mappings: [secops, { group: "okta-red", team: team.state.outputs.name, role: "EDITOR" }],
    });

    // The preview (checks on): the team's output `name` reaches the mapping as the new name, which
    // only the TinesTeam checked before it makes; it is no unknown team.
    const engine = await tines.freshEngine();
    const teamPlan = await engine.preview("Team", "red", { name: "Red Team Operations" }, team.state);
    const mappingArgs = { mappings: [secops, { group: "okta-red", team: "Red Team Operations", role: "EDITOR" }] };
    const mappingPlan = await engine.preview("ScimGroupMapping", "scim", mappingArgs, mapping.state);
    expect(mappingPlan.operation).toBe("update");

    // The up: the engine updates the team first (the mapping takes its name output); its rename
    // rewrites Tines' mapping straight away.
    const renamed = await engine.apply("Team", "red", teamPlan, team.state);
    expect(renamed.state.outputs.name).toBe("Red Team Operations");
    expect(held().mappings.map((line) => line.team_name).sort()).toEqual(["Red Team Operations", "Security Operations"]);
    const updated = await engine.apply("ScimGroupMapping", "scim", mappingPlan, mapping.state);
    expect(updated.state.outputs.mappings).toEqual([{ group: "okta-red", team: "Red Team Operations", role: "EDITOR" }, secops]);
    expect(held().mappings).toHaveLength(2);
    expect((await engine.preview("ScimGroupMapping", "scim", mappingArgs, updated.state)).operation).toBe("same");
  });

  it("two teams renamed at once both carry their lines: neither writes back the other's old name", async () => {
    const red = await tines.engine.up("Team", "red", { name: "Red Team" });
    const blue = await tines.engine.up("Team", "blue", { name: "Blue Team" });
    // A mapping the identity team keeps in Tines, not managed by this stack.
    tines.simulator.state.replaceScimMapping({
      mappings: [
        { group_name: "okta-red", team_name: "Red Team", role_name: "EDITOR" },
        { group_name: "okta-blue", team_name: "Blue Team", role_name: "VIEWER" },
      ],
    });
    // The engine runs updates in parallel; a little latency lets the two renames interleave.
    tines.simulator.setFaults({ latencyMs: 50 });
    await Promise.all([
      tines.engine.up("Team", "red", { name: "Red Team Operations" }, red.state),
      tines.engine.up("Team", "blue", { name: "Blue Team Operations" }, blue.state),
    ]);
    expect(held().mappings.map((line) => `${line.group_name} -> ${line.team_name}`).sort()).toEqual(["okta-blue -> Blue Team Operations", "okta-red -> Red Team Operations"]);
  });

  it("a rename on a tenant without a mapping to read (403) still succeeds", async () => {
    const team = await tines.engine.up("Team", "red", { name: "Red Team" });
    tines.simulator.setFaults({ rules: [{ method: "GET", path: mappingPath, action: { type: "status", status: 403 } }] });
    const renamed = await tines.engine.up("Team", "red", { name: "Blue Team" }, team.state);
    expect(renamed.state.outputs.name).toBe("Blue Team");
  });
});
