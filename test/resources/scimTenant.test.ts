/**
 * Tenants whose people come from SCIM (tines-api.md, "SCIM"): the writes Tines refuses there with a
 * bare 403 are explained, nothing is half-recorded, adoption that writes nothing still works, and a
 * preview with checks on says it first.
 */
import { describe, expect, it } from "vitest";
import { ProviderHostError } from "../../tools/runner/providerHost";
import { failureOf, useProviderHost } from "../helpers/host";

const tines = useProviderHost({ seedTeams: ["Security Operations", "Detection"] });
const explained = "this tenant provisions its users through SCIM (1 of its users carry a scim_uid)";

/** A SCIM tenant with one user from the identity provider. */
function scimTenant() {
  tines.simulator.state.setScim(true);
  return tines.simulator.state.provisionScimUser({ email: "okta.ada@example.com", first_name: "Ada", last_name: "Lovelace" });
}

/** A failure the engine records nothing for: no partial object reported. */
function expectNothingRecorded(error: Error) {
  expect(error).toBeInstanceOf(ProviderHostError);
  expect((error as ProviderHostError).partialId).toBeUndefined();
}

describe("a TinesUser on a SCIM-managed tenant", () => {
  it("a create Tines refuses says that users come from SCIM and where to change them, and records nothing", async () => {
    scimTenant();
    const error = await failureOf(tines.engine.up("User", "grace", { email: "grace@example.com" }));
    expect(error.message).toContain(`${tines.simulator.url} refused to create user grace@example.com (POST /api/v1/admin/users answered 403)`);
    expect(error.message).toContain(explained);
    expect(error.message).toContain("Make this change in the identity provider");
    expect(error.message).toContain("TinesScimGroupMapping");
    expectNothingRecorded(error);
    expect(tines.simulator.state.findUserByEmail("grace@example.com")).toBeUndefined();
  });

  it("adopting a SCIM user who already matches writes nothing and works; an update Tines refuses is explained and leaves the state as it was", async () => {
    const ada = scimTenant();
    const declared = { email: "okta.ada@example.com", firstName: "Ada", lastName: "Lovelace", adoptExisting: true };
    tines.simulator.log.length = 0;
    const { state } = await tines.engine.up("User", "ada", declared);
    expect(state.id).toBe(String(ada.id));
    expect(state.outputs.scimUid).toBe(ada.scim_uid);
    expect(tines.simulator.log.filter((entry) => entry.method !== "GET")).toEqual([]);

    const error = await failureOf(tines.engine.up("User", "ada", { ...declared, firstName: "Augusta" }, state));
    expect(error.message).toContain(`refused to update user okta.ada@example.com (PUT /api/v1/admin/users/${ada.id} answered 403)`);
    expect(error.message).toContain(explained);
    expectNothingRecorded(error);
    expect(tines.simulator.state.findUserByEmail("okta.ada@example.com")!.first_name).toBe("Ada");
  });

  it("adopting a SCIM user who differs is refused, explained, and nothing is recorded", async () => {
    scimTenant();
    const error = await failureOf(tines.engine.up("User", "ada", { email: "okta.ada@example.com", admin: true, adoptExisting: true }));
    expect(error.message).toContain("refused to update user okta.ada@example.com (adopted)");
    expect(error.message).toContain(explained);
    expectNothingRecorded(error);
  });

  it("a 403 from a tenant with no SCIM-provisioned user is left as Tines' own refusal", async () => {
    tines.simulator.state.setScim(true);
    // A host of its own: a deployment reads the user directory once.
    const engine = await tines.freshEngine();
    const error = await failureOf(engine.up("User", "grace", { email: "grace@example.com" }));
    expect(error.message).toContain("POST /api/v1/admin/users failed");
    expect(error.message).not.toContain("SCIM");
  });

  it("with preview checks on, the preview says it first; an adoption that writes nothing gets no such warning", async () => {
    scimTenant();
    const engine = await tines.freshEngine();
    await engine.preview("User", "grace", { email: "grace@example.com" });
    await engine.preview("User", "ada", { email: "okta.ada@example.com", firstName: "Ada", adoptExisting: true });
    await expect.poll(() => engine.host.stderr).toContain(
      `creating user grace@example.com will likely be refused: ${tines.simulator.url} provisions its users through SCIM (1 of its users carry a scim_uid)`,
    );
    expect(engine.host.stderr).not.toContain("updating user okta.ada@example.com");
  });
});

describe("memberships on a SCIM-managed tenant", () => {
  it("an invitation by email of someone without an account is refused and explained; existing users still join teams", async () => {
    const ada = scimTenant();
    const error = await failureOf(tines.engine.up("TeamMembership", "grace", { teamId: 1, email: "grace@example.com", role: "EDITOR" }));
    expect(error.message).toContain(`refused to invite grace@example.com, who has no Tines account yet, to team 1 (POST /api/v1/teams/1/invite_member answered 403)`);
    expect(error.message).toContain(explained);
    expectNothingRecorded(error);

    const { state } = await tines.engine.up("TeamMembership", "ada", { teamId: 1, email: ada.email, role: "EDITOR" });
    expect(state.outputs).toMatchObject({ userId: ada.id, role: "EDITOR" });
  });

  it("a membership on a team the group mapping governs gets a preview warning that SCIM may change it back", async () => {
    const ada = scimTenant();
    tines.simulator.state.replaceScimMapping({ mappings: [{ group_name: "okta-secops", team_name: "Security Operations", role_name: "VIEWER" }] });
    const engine = await tines.freshEngine();
    await engine.preview("TeamMembership", "ada-secops", { teamId: 1, userId: ada.id, role: "EDITOR" });
    await engine.preview("TeamMembership", "ada-detection", { teamId: 2, userId: ada.id, role: "EDITOR" });
    await expect.poll(() => engine.host.stderr).toContain(
      `the membership of user ${ada.id} on team 1: team "Security Operations" is in the SCIM user group mapping, which sets its members' roles at every SCIM sync`,
    );
    expect(engine.host.stderr).not.toContain("on team 2: team");
    // A roster of the governed team too (in a deployment of its own: with a membership it would fail).
    const rosterEngine = await tines.freshEngine();
    await rosterEngine.preview("TeamMembers", "secops", { teamId: 1, members: [{ userId: ada.id, role: "EDITOR" }], adoptExisting: true });
    await expect.poll(() => rosterEngine.host.stderr).toContain(`the TinesTeamMembers of team 1: team "Security Operations" is in the SCIM user group mapping`);
  });

  it("with preview checks on, a roster's invitation of someone without an account is said first, as is a membership's", async () => {
    const ada = scimTenant();
    const engine = await tines.freshEngine();
    await engine.preview("TeamMembers", "detection", { teamId: 2, members: [{ userId: ada.id, role: "EDITOR" }, { email: "grace@example.com", role: "VIEWER" }] });
    await engine.preview("TeamMembership", "hedy", { teamId: 1, email: "hedy@example.com", role: "VIEWER" });
    await expect.poll(() => engine.host.stderr).toContain(`inviting grace@example.com (no Tines account yet) to team 2 ("Detection") will likely be refused`);
    await expect.poll(() => engine.host.stderr).toContain(`inviting hedy@example.com, who has no Tines account yet, to team "Security Operations" will likely be refused`);
  });

  it("the mapping declared in the same program decides which teams it governs", async () => {
    const ada = scimTenant();
    const engine = await tines.freshEngine();
    await engine.preview("ScimGroupMapping", "scim", { mappings: [{ group: "okta-detection", team: "Detection", role: "EDITOR" }] });
    await engine.preview("TeamMembership", "ada-detection", { teamId: 2, userId: ada.id, role: "VIEWER" });
    await expect.poll(() => engine.host.stderr).toContain(`on team 2: team "Detection" is in the SCIM user group mapping`);
  });
});
