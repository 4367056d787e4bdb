import { describe, expect, it } from "vitest";
import { CheckFailedError } from "../../tools/runner/engine";
import { failureOf, useProviderHost } from "../helpers/host";

// The tenant starts as a real one does: with one active tenant owner, owner@example.com, whose key the stack uses.
const tines = useProviderHost({ tenantOwner: true });
const ownerEmail = "owner@example.com";

function owner() {
  return tines.simulator.state.findUserByEmail(ownerEmail)!;
}

describe("nothing a stack does leaves the tenant without an active tenant owner", () => {
  it("a destroy of the adopted only owner fails, naming what it protects and how to do it on purpose, and the owner stays", async () => {
    const { state } = await tines.engine.up("User", "owner", { email: ownerEmail, admin: true, adoptExisting: true });
    const error = await failureOf(tines.engine.destroy(state));
    expect(error.message).toContain(`${ownerEmail} (user id ${owner().id}) is the only active tenant owner`);
    expect(error.message).toContain("make another user a tenant owner first");
    expect(error.message).toContain("pulumi state delete");
    expect(owner()).toMatchObject({ admin: true, is_active: true });
  });

  it("a destroy with deletionMode deactivate of the only owner fails too, and leaves them active", async () => {
    const { state } = await tines.engine.up("User", "owner", { email: ownerEmail, admin: true, adoptExisting: true, deletionMode: "deactivate" });
    const error = await failureOf(tines.engine.destroy(state));
    expect(error.message).toContain("deactivating them would leave the tenant without an owner");
    // A destroy declares no input: it names none, and says how to leave the user be.
    expect(error.message).not.toMatch(/isActive:/);
    expect(error.message).toContain("retainOnDelete: true");
    expect(error.message).toContain("pulumi state delete");
    expect(owner().is_active).toBe(true);
  });

  it("taking admin away from, or deactivating, the only owner fails in the preview, naming the property", async () => {
    const { state } = await tines.engine.up("User", "owner", { email: ownerEmail, admin: true, adoptExisting: true });
    const engine = await tines.freshEngine();
    const demoted = await failureOf(engine.preview("User", "owner", { email: ownerEmail, admin: false, adoptExisting: true }, state));
    expect(demoted).toBeInstanceOf(CheckFailedError);
    expect(demoted.message).toMatch(/admin: owner@example\.com \(user id \d+\) is the only active tenant owner .*taking admin away from them/);
    const deactivated = await failureOf(engine.preview("User", "owner", { email: ownerEmail, admin: true, isActive: false, adoptExisting: true }, state));
    expect(deactivated.message).toMatch(/isActive: .*deactivating them would leave the tenant without an owner/);
  });

  it("with preview checks off, the update is refused at deploy and Tines is not changed", async () => {
    const { state } = await tines.engine.up("User", "owner", { email: ownerEmail, admin: true, adoptExisting: true });
    const error = await failureOf(tines.engine.up("User", "owner", { email: ownerEmail, admin: false, adoptExisting: true }, state));
    // The shared host's facts are stale after the up above, so its tenant checks stopped: this is the deploy's own refusal.
    expect(error.message).toContain("admin: owner@example.com");
    expect(owner().admin).toBe(true);
  });

  it("adopting the only owner with admin: false is refused before the write", async () => {
    const error = await failureOf(tines.engine.up("User", "owner", { email: ownerEmail, admin: false, adoptExisting: true }));
    expect(error.message).toContain("is the only active tenant owner");
    expect(owner().admin).toBe(true);
  });

  it("once another owner exists, the first may be demoted, with a warning that a Personal key of theirs would stop working", async () => {
    const { state } = await tines.engine.up("User", "owner", { email: ownerEmail, admin: true, adoptExisting: true });
    await tines.engine.up("User", "second", { email: "second.owner@example.com", admin: true });
    const engine = await tines.freshEngine();
    const plan = await engine.preview("User", "owner", { email: ownerEmail, admin: false, adoptExisting: true }, state);
    expect(plan.operation).toBe("update");
    expect(engine.host.stderr).toContain(`takes admin away from tenant owner ${ownerEmail}`);
    await engine.apply("User", "owner", plan, state);
    expect(owner().admin).toBe(false);
  });

  it("two owners destroyed at once: one goes, the last one stays (changes to owners run one at a time)", async () => {
    const { state: first } = await tines.engine.up("User", "owner", { email: ownerEmail, admin: true, adoptExisting: true });
    const { state: second } = await tines.engine.up("User", "second", { email: "second.owner@example.com", admin: true });
    const results = await Promise.allSettled([tines.engine.destroy(first), tines.engine.destroy(second)]);
    expect(results.filter((result) => result.status === "rejected")).toHaveLength(1);
    const activeOwners = tines.simulator.state.listUsers().filter((user) => user.admin && user.is_active);
    expect(activeOwners).toHaveLength(1);
  });

  it("the preview of adopting the only owner says what a destroy will meet", async () => {
    const engine = await tines.freshEngine();
    await engine.preview("User", "owner", { email: ownerEmail, admin: true, adoptExisting: true });
    expect(engine.host.stderr).toContain("destroying this resource (or removing it from the program) will be refused");
  });
  it("a user the stack recorded as no owner, who became the only owner outside it, is neither deleted nor demoted by a stale record", async () => {
    const { state } = await tines.engine.up("User", "bob", { email: "bob@example.com" });
    // Outside the stack: bob is made a tenant owner and the first owner steps down; no refresh since.
    const bob = tines.simulator.state.findUserByEmail("bob@example.com")!;
    tines.simulator.state.updateUser(bob.id, { admin: true });
    tines.simulator.state.updateUser(owner().id, { admin: false });
    const renamed = await failureOf(tines.engine.up("User", "bob", { email: "bob@example.com", firstName: "Bob" }, state));
    expect(renamed.message).toContain(`admin: bob@example.com (user id ${bob.id}) is the only active tenant owner`);
    const destroyed = await failureOf(tines.engine.destroy(state));
    expect(destroyed.message).toContain(`bob@example.com (user id ${bob.id}) is the only active tenant owner`);
    expect(tines.simulator.state.getUser(bob.id)).toMatchObject({ admin: true, is_active: true });
  });
});
