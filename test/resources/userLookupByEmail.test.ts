/**
 * One user by email in one request (issue 20, item 4): Tines' 2026 docs accept an email in place of
 * the id in `GET /admin/users/{id}` (tines-api.md, "get by email"), so adopting one user, finding a
 * membership by email and checking a few users cost one request each, not a walk of the directory.
 * An older tenant answers 404 for any email: the deployment falls back to the shared directory and
 * remembers it. Where many users are checked, the directory is read once instead (picked by count).
 * All through the real provider host, counting the simulator's log.
 */
import { describe, expect, it } from "vitest";
import { failureOf, useProviderHost } from "../helpers/host";

// Preview checks off on the shared host, so each `up` counts what its create asks; the preview tests use fresh hosts with them on.
const tines = useProviderHost({ seedTeams: ["Security Operations"], config: { "tines:previewChecks": "false" } });

/** Seeds `count` users, user0001@example.com onwards. */
function seedUsers(count: number) {
  return Array.from({ length: count }, (_, index) => {
    const number = String(index + 1).padStart(4, "0");
    return tines.simulator.state.createUser({ email: `user${number}@example.com`, first_name: `First${number}`, last_name: `Last${number}` });
  });
}

/** Pages of the user directory requested (`GET /admin/users`, the list). */
const directoryPages = () => tines.simulator.countRequests("GET", /^\/api\/v1\/admin\/users$/);
/** Users looked up by email (`GET /admin/users/{email}`). */
const lookupsByEmail = () => tines.simulator.countRequests("GET", /^\/api\/v1\/admin\/users\/[^/]*(@|%40)/);
/** Every request on the users API. */
const userRequests = () => tines.simulator.countRequests(undefined, "/api/v1/admin/users");

describe("one user by email in one request", () => {
  it("adopting one user of a tenant of 2,000 costs one request, not a walk of four pages", async () => {
    const users = seedUsers(2_000);
    const ada = users[1_777]!;
    tines.simulator.log.length = 0;
    const { state } = await tines.engine.up("User", "ada", { email: ada.email, firstName: ada.first_name, lastName: ada.last_name, adoptExisting: true });
    expect(state.id).toBe(String(ada.id));
    expect(tines.simulator.log.map((entry) => `${entry.method} ${entry.path}`)).toHaveLength(1);
    expect(lookupsByEmail()).toBe(1);
    expect(directoryPages()).toBe(0);
  });

  it("a membership by email that is already on a team of 600 is named with one lookup, not a walk of the team's members", async () => {
    const users = seedUsers(1_200);
    for (const user of users.slice(0, 600)) tines.simulator.state.seedMembership(1, user.id, "EDITOR");
    const grace = users[450]!;
    tines.simulator.log.length = 0;
    const error = await failureOf(tines.engine.up("TeamMembership", "grace", { teamId: 1, email: grace.email, role: "EDITOR" }));
    expect(error.message).toContain("is already on team 1 with role EDITOR");
    // After the refused invitation, Grace is looked up by email three times (is she being deleted?
    // is she new to Tines? is she on the team?), one request each: before, the directory (3 pages),
    // Grace by id and the team's members (2 pages).
    expect(tines.simulator.countRequests("GET", "/api/v1/teams/1/members")).toBe(0);
    expect(directoryPages()).toBe(0);
    expect(lookupsByEmail()).toBe(3);
  });

  it("many adoptions cost one request each and never read the directory", async () => {
    const users = seedUsers(2_000);
    tines.simulator.log.length = 0;
    const adopted = users.filter((_, index) => index % 100 === 99);
    for (const user of adopted) {
      const { state } = await tines.engine.up("User", user.email, { email: user.email, firstName: user.first_name, lastName: user.last_name, adoptExisting: true });
      expect(state.id).toBe(String(user.id));
    }
    // 20 adoptions; the old path read the directory (4 pages) and each user by id: 24 requests.
    expect(directoryPages()).toBe(0);
    expect(userRequests()).toBeLessThanOrEqual(adopted.length + 1);
    expect(tines.simulator.log.filter((entry) => entry.method !== "GET")).toEqual([]);
  });

  it("on an older tenant (404 for any email) it falls back to the shared directory, still adopts, and asks by email only once", async () => {
    tines.simulator.state.userLookupByEmail = false;
    const users = seedUsers(2_000);
    const engine = await tines.freshEngine();
    tines.simulator.log.length = 0;
    const adopted = users.filter((_, index) => index % 200 === 199);
    for (const user of adopted) {
      const { state } = await engine.up("User", user.email, { email: user.email, firstName: user.first_name, lastName: user.last_name, adoptExisting: true });
      expect(state.id).toBe(String(user.id));
    }
    // One 404 taught the deployment; then the directory (4 pages, read once) and each user by id.
    expect(lookupsByEmail()).toBe(1);
    expect(directoryPages()).toBe(Math.ceil(2_000 / 500));
    expect(userRequests()).toBe(1 + 4 + adopted.length);
    expect(tines.simulator.countRequests("POST", "/api/v1/admin/users")).toBe(0);
  });

  it("on an older tenant a user that does not exist is still created exactly once", async () => {
    tines.simulator.state.userLookupByEmail = false;
    seedUsers(600);
    const engine = await tines.freshEngine();
    const { state } = await engine.up("User", "new", { email: "new@example.com", adoptExisting: true });
    expect(state.outputs.email).toBe("new@example.com");
    expect(tines.simulator.countRequests("POST", "/api/v1/admin/users")).toBe(1);
    expect(tines.simulator.state.listUsers().filter((user) => user.email === "new@example.com")).toHaveLength(1);
  });

  it("a preview check of an email no one has, before the tenant answered any lookup by email, asks the directory too", async () => {
    seedUsers(1_200);
    const engine = await tines.freshEngine();
    tines.simulator.log.length = 0;
    await engine.preview("User", "new", { email: "new@example.com" });
    // The 404 may be an older tenant's: the directory (3 pages) says whether the email is free.
    expect(lookupsByEmail()).toBe(1);
    expect(directoryPages()).toBe(3);
  });

  it("preview checks of a few users look each up by email; of many, read the directory once (picked by count)", async () => {
    seedUsers(2_000);
    const few = await tines.freshEngine();
    tines.simulator.log.length = 0;
    for (const number of ["0001", "1500", "1999"]) await few.preview("User", number, { email: `user${number}@example.com`, adoptExisting: true });
    expect(lookupsByEmail()).toBe(3);
    expect(directoryPages()).toBe(0);

    const many = await tines.freshEngine();
    tines.simulator.log.length = 0;
    for (let index = 1; index <= 30; index += 1) {
      const number = String(index * 60).padStart(4, "0");
      await many.preview("User", number, { email: `user${number}@example.com`, adoptExisting: true });
    }
    // Below the directory's 4 pages, one request each; then the directory, read once, answers the rest.
    expect(lookupsByEmail()).toBe(3);
    expect(directoryPages()).toBe(4);
    expect(userRequests()).toBe(7);
  });
});
