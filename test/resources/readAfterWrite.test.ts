import { describe, expect, it } from "vitest";
import { useProviderHost } from "../helpers/host";

/** A private template's inputs. */
const lookUpTemplate = {
  name: "Look up",
  vendor: "Acme",
  product: "Intel",
  agentType: "Agents::HTTPRequestAgent",
  agentOptions: { url: "https://intel.example.com" },
};

/** Every new object answers 404 (direct reads and lists alike) for a second after it is made. */
const tines = useProviderHost({ seedTeams: ["Security Operations"], readAfterWriteDelayMs: 1_000, config: { "tines:previewChecks": "false" } });

describe("a refresh right after a create keeps what Tines does not show yet", () => {
  it("keeps a user, a membership and a template made a moment ago", async () => {
    const { state: user } = await tines.engine.up("User", "ada", { email: "ada@example.com" });
    const grace = tines.simulator.state.createUser({ email: "grace@example.com" });
    await new Promise((resolve) => setTimeout(resolve, 1_100)); // Grace herself is visible; her membership will not be at first
    const { state: membership } = await tines.engine.up("TeamMembership", "m", { teamId: 1, userId: grace.id, role: "EDITOR" });
    const { state: template } = await tines.engine.up("PrivateTemplate", "t", lookUpTemplate);
    for (const state of [user, membership, template]) expect((await tines.engine.refresh(state))?.id).toBe(state.id);
  }, 60_000);

  it("keeps a team with its members, a roster and a custom role made a moment ago", async () => {
    const ada = tines.simulator.state.createUser({ email: "ada@example.com" });
    const grace = tines.simulator.state.createUser({ email: "grace@example.com" });
    await new Promise((resolve) => setTimeout(resolve, 1_100)); // the users themselves are visible
    // Each read right after its own create, while Tines still answers 404 for what it made.
    const { state: team } = await tines.engine.up("Team", "blue", { name: "Blue", members: [{ userId: ada.id, role: "TEAM_ADMIN" }] });
    const refreshedTeam = await tines.engine.refresh(team);
    expect(refreshedTeam?.id).toBe(team.id);
    expect(refreshedTeam?.outputs.members).toEqual([{ userId: ada.id, role: "TEAM_ADMIN" }]);
    const { state: role } = await tines.engine.up("CustomRole", "reviewer", { name: "REVIEWER", permissions: ["STORY_READ"] });
    expect((await tines.engine.refresh(role))?.id).toBe(role.id);
    const { state: roster } = await tines.engine.up("TeamMembers", "roster", { teamId: 1, members: [{ userId: grace.id, role: "EDITOR" }], adoptExisting: true });
    const refreshedRoster = await tines.engine.refresh(roster);
    expect((refreshedRoster?.outputs.members as Array<{ userId: number }>).map((member) => member.userId)).toContain(grace.id);
  }, 60_000);

  it("still drops an object deleted outside Pulumi long after it was written", async () => {
    const user = tines.simulator.state.createUser({ email: "ada@example.com" });
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const { state } = await tines.engine.up("User", "ada", { email: "ada@example.com", adoptExisting: true });
    tines.simulator.state.deleteUser(user.id);
    const recordedLongAgo = { ...state, outputs: { ...state.outputs, createdAt: "2024-01-01T00:00:00.000Z", updatedAt: "2024-01-01T00:00:00.000Z" } };
    // In another process (a later `pulumi refresh`), nothing says it was written recently.
    const other = await tines.freshEngine();
    expect(await other.refresh(recordedLongAgo)).toBeUndefined();
  }, 60_000);
});

describe("a `pulumi refresh` right after an up, in a process of its own, keeps what Tines does not show yet", () => {
  it("keeps a team, a membership and a template that the state says were just written", async () => {
    // The later refresh's process, started before the up so that the lag is not over when it reads.
    const refreshProcess = await tines.freshEngine({ "tines:previewChecks": "false" });
    const grace = tines.simulator.state.createUser({ email: "grace@example.com" });
    await new Promise((resolve) => setTimeout(resolve, 1_100)); // Grace herself is visible; what is made for her will not be at first
    const { state: team } = await tines.engine.up("Team", "blue", { name: "Blue" });
    const { state: membership } = await tines.engine.up("TeamMembership", "m", { teamId: 1, userId: grace.id, role: "EDITOR" });
    const { state: template } = await tines.engine.up("PrivateTemplate", "t", lookUpTemplate);
    const refreshed = await Promise.all([team, membership, template].map((state) => refreshProcess.refresh(state)));
    expect(refreshed.map((state) => state?.id)).toEqual([team.id, membership.id, template.id]);
  }, 60_000);
});
