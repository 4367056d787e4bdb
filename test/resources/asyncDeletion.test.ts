import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { TinesClient } from "../../src/client";
import { startTinesSimulator, type TinesSimulator } from "../../src/simulator";
import { DynamicProviderEngine } from "../../tools/runner/engine";
import type { ProviderHost } from "../../tools/runner/providerHost";
import { failureOf, startHost } from "../helpers/host";

/** Tines removes a deleted user this long after deactivating it. */
const deletionDelayMs = 1_500;

let simulator: TinesSimulator;
let host: ProviderHost;
/** A second host, as a second `pulumi` process: it did not delete anything itself. */
let otherProcess: ProviderHost;
/** A host that waits at most one second for a pending deletion. */
let impatient: ProviderHost;
let client: TinesClient;

beforeAll(async () => {
  simulator = await startTinesSimulator({ userDeletionDelayMs: deletionDelayMs, seedTeams: ["Security Operations"] });
  const config = { "tines:tenant": simulator.url, "tines:apiKey": simulator.apiKey };
  [host, otherProcess, impatient] = await Promise.all([startHost(), startHost(), startHost({ TINES_USER_DELETION_WAIT_SECONDS: "1" })]);
  // The other process checks previews against the tenant, as a user with preview checks on.
  await Promise.all([
    host.configure(config),
    otherProcess.configure({ ...config, "tines:previewChecks": "true" }),
    impatient.configure(config),
  ]);
  client = new TinesClient({ tenantUrl: simulator.url, apiKey: simulator.apiKey });
});
beforeEach(() => {
  simulator.reset();
  simulator.state.userDeletionDelayMs = deletionDelayMs;
  simulator.state.createTeam("Security Operations");
});
afterAll(async () => {
  await client?.close();
  await Promise.all([host?.stop(), otherProcess?.stop(), impatient?.stop()]);
  await simulator?.stop();
});

const engine = (on: ProviderHost = host) => new DynamicProviderEngine(on);

describe("Tines deletes users asynchronously: a user being deleted is never adopted nor counted as existing", () => {
  it("destroy then up with the same email waits for Tines to finish the deletion, then creates a new user", async () => {
    const { state } = await engine().up("User", "ada", { email: "ada@example.com" });
    await engine().destroy(state);
    // Deactivated at once, still holding the email.
    expect(simulator.state.findUserByEmail("ada@example.com")).toMatchObject({ is_active: false });
    const { state: again } = await engine().up("User", "ada", { email: "ada@example.com" });
    expect(again.id).not.toBe(state.id);
    expect(simulator.state.listUsers().map((user) => String(user.id))).toEqual([again.id]);
    expect(again.outputs).toMatchObject({ email: "ada@example.com", isActive: true });
  });

  it("an up in another process, after a destroy, waits for the deletion too; its preview does not count the user as existing", async () => {
    const { state } = await engine().up("User", "ada", { email: "ada@example.com" });
    await engine().destroy(state);
    expect((await engine(otherProcess).preview("User", "ada", { email: "ada@example.com" })).operation).toBe("create");
    const { state: again } = await engine(otherProcess).up("User", "ada", { email: "ada@example.com" });
    expect(again.id).not.toBe(state.id);
    expect(simulator.state.listUsers().map((user) => String(user.id))).toEqual([again.id]);
  });

  it("with adoptExisting, a user being deleted is not adopted: a new user is created once it is gone", async () => {
    const old = simulator.state.createUser({ email: "ada@example.com" });
    await client.users.delete(old.id);
    const { state } = await engine(otherProcess).up("User", "ada", { email: "ada@example.com", adoptExisting: true });
    expect(state.id).not.toBe(String(old.id));
    expect(simulator.state.listUsers().map((user) => String(user.id))).toEqual([state.id]);
  });

  it("a user deactivated long ago is still adopted, without waiting", async () => {
    const old = simulator.state.createUser({ email: "ada@example.com", is_active: false });
    old.updated_at = new Date(Date.now() - 24 * 3600_000).toISOString();
    const started = Date.now();
    const { state } = await engine(otherProcess).up("User", "ada", { email: "ada@example.com", adoptExisting: true });
    expect(state.id).toBe(String(old.id));
    // Far below the 60 s a wait for a pending deletion would take.
    expect(Date.now() - started).toBeLessThan(30_000);
  });

  it('a user deactivated by deletionMode "deactivate" is adopted again at once in the same deployment', async () => {
    const { state } = await engine().up("User", "ada", { email: "ada@example.com", deletionMode: "deactivate" });
    await engine().destroy(state);
    const started = Date.now();
    const { state: adopted } = await engine().up("User", "ada", { email: "ada@example.com", adoptExisting: true });
    expect(adopted.id).toBe(state.id);
    expect(adopted.outputs.isActive).toBe(true);
    // Far below the 60 s a wait for a pending deletion would take.
    expect(Date.now() - started).toBeLessThan(30_000);
  });

  it("a deletion that does not finish within the wait fails the create, naming the pending deletion", async () => {
    simulator.state.userDeletionDelayMs = 120_000;
    const { state } = await engine(impatient).up("User", "ada", { email: "ada@example.com" });
    await engine(impatient).destroy(state);
    const error = await failureOf(engine(impatient).up("User", "ada", { email: "ada@example.com" }));
    expect(error.message).toContain(`email: Tines is still deleting the user ada@example.com (id ${state.id})`);
    expect(error.message).toContain("tines:userDeletionWaitSeconds");
    expect(simulator.state.listUsers()).toHaveLength(1);
  });

  it("a membership by email of a user being deleted waits for the deletion, then invites (creating a new user)", async () => {
    const old = simulator.state.createUser({ email: "ada@example.com" });
    await client.users.delete(old.id);
    const { state } = await engine(otherProcess).up("TeamMembership", "m", { teamId: 1, email: "ada@example.com", role: "EDITOR" });
    const user = simulator.state.findUserByEmail("ada@example.com")!;
    expect(user.id).not.toBe(old.id);
    expect(state.id).toBe(`1/${user.id}`);
  });

  it("a team roster's member by email, whose user is being deleted, is invited once the deletion is over", async () => {
    const owner = simulator.state.createUser({ email: "owner@example.com" });
    simulator.state.seedMembership(1, owner.id, "TEAM_ADMIN");
    const old = simulator.state.createUser({ email: "ada@example.com" });
    await client.users.delete(old.id);
    const { state } = await engine(otherProcess).up("TeamMembers", "m", {
      teamId: 1,
      members: [{ email: "owner@example.com", role: "TEAM_ADMIN" }, { email: "ada@example.com", role: "EDITOR" }],
    });
    const user = simulator.state.findUserByEmail("ada@example.com")!;
    expect(user.id).not.toBe(old.id);
    expect(state.outputs.resolvedMembers).toContainEqual(expect.objectContaining({ userId: user.id, email: "ada@example.com", role: "EDITOR" }));
  });

  it("with adoptExisting, the membership of a user being deleted is not adopted", async () => {
    const old = simulator.state.createUser({ email: "ada@example.com" });
    simulator.state.seedMembership(1, old.id, "EDITOR");
    simulator.state.seedMembership(1, simulator.state.createUser({ email: "owner@example.com" }).id, "TEAM_ADMIN");
    await client.users.delete(old.id);
    const { state } = await engine(otherProcess).up("TeamMembership", "m", { teamId: 1, email: "ada@example.com", role: "EDITOR", adoptExisting: true });
    expect(state.id).not.toBe(`1/${old.id}`);
    expect(state.id).toBe(`1/${simulator.state.findUserByEmail("ada@example.com")!.id}`);
  });
});
