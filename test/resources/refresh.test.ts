import { describe, expect, it } from "vitest";
import { TinesClient } from "../../src/client";
import type { ProviderContext } from "../../src/provider/runtime";
import { deploymentFor } from "../../src/deployment";
import { tinesCustomRoleResource } from "../../src/resources/customRole/lifecycle";
import { tinesPrivateTemplateResource } from "../../src/resources/privateTemplate/lifecycle";
import { tinesTeamResource } from "../../src/resources/team/lifecycle";
import { tinesTeamMembershipResource } from "../../src/resources/teamMembership/lifecycle";
import { tinesUserResource } from "../../src/resources/user/lifecycle";
import { defaultEngineParallelism, EngineDeployment, type EngineResourceState } from "../../tools/runner/engine";
import { withProvider } from "../../tools/runner/providerHost";
import type { TinesResourceKind } from "../../tools/internals";
import { useProviderHost } from "../helpers/host";

const tines = useProviderHost({ seedTeams: ["Security Operations"] });

/** A resource as a state holds it before its first refresh: its id, kind and tenant. */
function stateOf(kind: TinesResourceKind, name: string, id: string, outputs: Record<string, unknown> = {}): EngineResourceState {
  return {
    kind,
    name,
    urn: tines.engine.urn(kind, name),
    id,
    inputs: withProvider(kind, {}),
    outputs: withProvider(kind, { ...outputs, tenant: tines.simulator.url }),
  };
}

/** Recorded long ago: Tines' timestamps say nothing was written recently (no read-after-write wait). */
function aged(state: EngineResourceState): EngineResourceState {
  const outputs = { ...state.outputs };
  for (const key of ["createdAt", "updatedAt"]) if (typeof outputs[key] === "string") outputs[key] = "2024-01-01T00:00:00.000Z";
  return { ...state, outputs };
}

/** `pulumi refresh`: every read at once, at the engine's default parallelism, through the real host. */
async function refreshAll(states: EngineResourceState[]): Promise<Array<EngineResourceState | undefined>> {
  const deployment = new EngineDeployment(tines.engine, defaultEngineParallelism);
  return Promise.all(states.map((state) => deployment.refresh(state)));
}

/**
 * The same read one at a time, as before reads were shared: the resource's own read with a client
 * (so a deployment) of its own, in which every read is a lone one.
 */
async function readAlone(state: EngineResourceState): Promise<{ id: string; outputs: Record<string, unknown>; inputs: Record<string, unknown> } | undefined> {
  const client = new TinesClient({ tenantUrl: tines.simulator.url, apiKey: tines.simulator.apiKey });
  const kind = state.kind;
  const resource = { User: tinesUserResource, TeamMembership: tinesTeamMembershipResource, PrivateTemplate: tinesPrivateTemplateResource, Team: tinesTeamResource, CustomRole: tinesCustomRoleResource }[
    kind as "User"
  ];
  const context: ProviderContext = {
    client: () => client,
    tenantUrl: () => tines.simulator.url,
    tenantUrlIfSet: () => tines.simulator.url,
    userDeletionWaitMs: () => 0,
    freshness: (id, recorded) => deploymentFor(client).reads.freshness(kind, id, recorded),
  };
  try {
    const result = await resource.implementation.read(state.id, state.outputs, context);
    return result && JSON.parse(JSON.stringify({ id: result.id, outputs: result.props, inputs: result.inputs }));
  } finally {
    await client.close();
  }
}

/** What a refresh's result says, without the stored stub. */
function essence(state: EngineResourceState | undefined) {
  if (!state) return undefined;
  const { __provider: _outputs, ...outputs } = state.outputs;
  const { __provider: _inputs, ...inputs } = state.inputs;
  return { id: state.id, outputs, inputs };
}

function seedUsers(count: number, teamId: number) {
  return Array.from({ length: count }, (_, index) => {
    const user = tines.simulator.state.createUser({ email: `person${index}@example.com`, first_name: `Person${index}` });
    tines.simulator.state.seedMembership(teamId, user.id, index % 2 === 0 ? "VIEWER" : "EDITOR");
    return user;
  });
}

function seedTemplates(count: number) {
  return Array.from({ length: count }, (_, index) =>
    tines.simulator.state.createTemplate({
      name: `Template ${index}`,
      description: "",
      vendor: "Acme",
      product: "Intel",
      agent_type: "Agents::HTTPRequestAgent",
      agent_options: { url: `https://intel.example.com/${index}` },
    }),
  );
}

describe("refresh at the speed of a list", () => {
  it("a lone read is one request, and two when it confirms that the object is gone", async () => {
    const [user] = seedUsers(1, 1);
    const state = stateOf("User", "ada", String(user!.id));
    const before = tines.simulator.countRequests();
    expect((await tines.engine.refresh(state))?.outputs.email).toBe("person0@example.com");
    expect(tines.simulator.countRequests() - before).toBe(1);

    tines.simulator.state.deleteUser(user!.id);
    await new Promise((resolve) => setTimeout(resolve, 1_100)); // the next refresh, not this one
    const gone = tines.simulator.countRequests();
    const goneReads = tines.simulator.countRequests("GET", /^\/api\/v1\/admin\/users/);
    expect(await tines.engine.refresh(aged(state))).toBeUndefined();
    // Two reads of the user; a gone object is then attributed from one read of the audit logs.
    expect(tines.simulator.countRequests("GET", /^\/api\/v1\/admin\/users/) - goneReads).toBe(2);
    expect(tines.simulator.countRequests() - gone).toBe(3);
  });

  it("a refresh of 1,000 users, 1,000 memberships and 20 templates takes at most 20 requests", async () => {
    const users = seedUsers(1_000, 1);
    const templates = seedTemplates(20);
    const states = [
      ...users.map((user) => stateOf("User", `user-${user.id}`, String(user.id))),
      ...users.map((user) => stateOf("TeamMembership", `member-${user.id}`, `1/${user.id}`, { userId: user.id })),
      ...templates.map((template) => stateOf("PrivateTemplate", `template-${template.id}`, template.id)),
    ];
    const before = tines.simulator.countRequests();
    const refreshed = await refreshAll(states);
    expect(tines.simulator.countRequests() - before).toBeLessThanOrEqual(20);
    expect(refreshed.every((state) => state !== undefined)).toBe(true);
    expect(refreshed[1_000 + 1]?.outputs.role).toBe("EDITOR");
    expect(refreshed[2_000 + 3]?.outputs.name).toBe("Template 3");
  }, 120_000);

  it("gives exactly what one-at-a-time reads give after out-of-band changes of every kind", async () => {
    const users = seedUsers(30, 1);
    const templates = seedTemplates(5);
    const teams = ["Blue", "Red", "Green"].map((name) => tines.simulator.state.createTeam(name));
    const rosterTeam = teams[2]!;
    for (const user of users.slice(0, 3)) tines.simulator.state.seedMembership(rosterTeam.id, user.id, "VIEWER");
    const roles = ["REVIEWER", "APPROVER"].map((name) => tines.simulator.state.addCustomRole(name));
    const initial = [
      ...users.map((user) => stateOf("User", `user-${user.id}`, String(user.id))),
      ...users.map((user) => stateOf("TeamMembership", `member-${user.id}`, `1/${user.id}`, { userId: user.id })),
      ...templates.map((template) => stateOf("PrivateTemplate", `template-${template.id}`, template.id)),
      ...teams.slice(0, 2).map((team) => stateOf("Team", `team-${team.id}`, String(team.id))),
      stateOf("Team", "roster", String(rosterTeam.id), {
        members: users.slice(0, 3).map((user) => ({ userId: user.id, role: "VIEWER" })),
        ignoredMembers: [],
      }),
      ...roles.map((role) => stateOf("CustomRole", `role-${role.id}`, role.id)),
    ];
    const recorded = (await refreshAll(initial)).map((state) => aged(state!));

    // Out of band: values changed, objects deleted, members removed, a team renamed.
    tines.simulator.state.updateUser(users[0]!.id, { first_name: "Renamed" });
    tines.simulator.state.deleteUser(users[1]!.id);
    tines.simulator.state.removeMember(1, users[2]!.id);
    tines.simulator.state.removeMember(1, users[3]!.id);
    tines.simulator.state.seedMembership(1, users[3]!.id, "TEAM_ADMIN");
    tines.simulator.state.updateTemplate(templates[0]!.id, { description: "Changed in Tines" });
    tines.simulator.state.deleteTemplate(templates[1]!.id);
    tines.simulator.state.renameTeam(teams[0]!.id, "Blue Renamed");
    tines.simulator.state.deleteTeam(teams[1]!.id);
    tines.simulator.state.removeMember(rosterTeam.id, users[2]!.id);
    tines.simulator.state.updateCustomRole(roles[0]!.id, { description: "Changed in Tines" });
    tines.simulator.state.deleteCustomRole(roles[1]!.id);
    await new Promise((resolve) => setTimeout(resolve, 1_100)); // a later refresh

    const shared = (await refreshAll(recorded)).map(essence);
    const alone: unknown[] = [];
    for (const state of recorded) alone.push(await readAlone(state));
    expect(shared).toEqual(alone);

    // And the changes are there: a sample of each kind.
    const byName = (name: string) => shared[recorded.findIndex((state) => state.name === name)];
    expect(byName(`user-${users[0]!.id}`)?.outputs.firstName).toBe("Renamed");
    expect(byName(`user-${users[1]!.id}`)).toBeUndefined();
    expect(byName(`member-${users[2]!.id}`)).toBeUndefined();
    expect(byName(`member-${users[3]!.id}`)?.outputs.role).toBe("TEAM_ADMIN");
    expect(byName(`template-${templates[1]!.id}`)).toBeUndefined();
    expect(byName(`team-${teams[0]!.id}`)?.outputs.name).toBe("Blue Renamed");
    expect(byName(`team-${teams[1]!.id}`)).toBeUndefined();
    expect(byName("roster")?.outputs.members).toEqual([{ userId: users[0]!.id, role: "VIEWER" }]);
    expect(byName(`role-${roles[1]!.id}`)).toBeUndefined();
  }, 120_000);

  it("absorbs list requests that fail, and a 30% storm of 429s, with no failed read", async () => {
    const users = seedUsers(40, 1);
    const states = users.map((user) => stateOf("User", `user-${user.id}`, String(user.id)));
    // Every list of users fails (after the client's retries): the reads go direct.
    tines.simulator.setFaults({ rules: [{ method: "GET", path: /\/admin\/users$/, action: { type: "status", status: 503 } }] });
    const afterFailedLists = await refreshAll(states);
    expect(afterFailedLists.map((state) => state?.outputs.email)).toEqual(users.map((user) => user.email));
    expect(tines.simulator.countRequests("GET", /\/admin\/users\/\d+$/)).toBeGreaterThan(0);

    await new Promise((resolve) => setTimeout(resolve, 1_100));
    tines.simulator.setFaults({ rules: [{ action: { type: "rateLimit", retryAfterSeconds: 0 }, probability: 0.3 }] });
    const underStorm = await refreshAll(states);
    expect(underStorm.map((state) => state?.outputs.email)).toEqual(users.map((user) => user.email));
  }, 120_000);

  it("a list that hangs leaves the reads waiting for it time to read directly: no read fails", async () => {
    // Short bounds, so the hang costs seconds: 1 s a request, 4 s an operation.
    const engine = await tines.freshEngine({ "tines:requestTimeoutSeconds": "1", "tines:operationTimeoutSeconds": "4" });
    const users = seedUsers(20, 1);
    const states = users.map((user) => stateOf("User", `user-${user.id}`, String(user.id)));
    // Tines never answers the list of users; each user read alone is answered.
    tines.simulator.setFaults({ rules: [{ method: "GET", path: /\/admin\/users$/, action: { type: "hang" } }] });
    const deployment = new EngineDeployment(engine, defaultEngineParallelism);
    const refreshed = await Promise.all(states.map((state) => deployment.refresh(state)));
    expect(refreshed.map((state) => state?.outputs.email)).toEqual(users.map((user) => user.email));
    expect(tines.simulator.countRequests("GET", /\/admin\/users$/)).toBeGreaterThan(0);
  }, 60_000);

  it("a write then a read in one process sees the write, never a list taken before it", async () => {
    const { state: ada } = await tines.engine.up("User", "ada", { email: "ada@example.com", firstName: "Ada" });
    const users = seedUsers(12, 1);
    // A refresh of the others leaves a list that holds Ada, fresh for the reads that follow...
    await refreshAll(users.map((user) => stateOf("User", `user-${user.id}`, String(user.id))));
    // ...a write in this process changes her...
    const { state: updated } = await tines.engine.up("User", "ada", { email: "ada@example.com", firstName: "Written" }, ada);
    expect(updated.outputs.firstName).toBe("Written");
    // ...and the read that follows sees the write, not the list taken before it.
    const [again] = await refreshAll([ada]);
    expect(again?.outputs.firstName).toBe("Written");
  }, 60_000);
});
