/**
 * Adoption that scales: each adopted user is looked up by email in one request
 * (`GET /admin/users/{email}`), so adopting N users costs N requests whatever the tenant's size
 * (test/resources/userLookupByEmail.test.ts holds the lookup and an older tenant's fallback to the
 * shared directory, N + ceil(M / 500) + 1); and no lookup hides someone created since, nor makes a
 * create duplicate anything.
 */
import { describe, expect, it } from "vitest";
import { useProviderHost } from "../helpers/host";

const tines = useProviderHost({ seedTeams: ["Security Operations"] });

/** Seeds `count` users, user0001@example.com onwards. */
function seedUsers(count: number) {
  return Array.from({ length: count }, (_, index) => {
    const number = String(index + 1).padStart(4, "0");
    return tines.simulator.state.createUser({ email: `user${number}@example.com`, first_name: `First${number}`, last_name: `Last${number}` });
  });
}

const userRequests = () => tines.simulator.countRequests(undefined, "/api/v1/admin/users");

describe("adoption that scales", () => {
  it("adopts 50 users spread through a tenant of 1,200 in 50 lookups (and the first preview check's), writing nothing", async () => {
    const users = seedUsers(1_200);
    tines.simulator.log.length = 0;
    const adopted = users.filter((_, index) => index % 24 === 23);
    expect(adopted).toHaveLength(50);
    for (const user of adopted) {
      const { state } = await tines.engine.up("User", user.email, {
        email: user.email,
        firstName: user.first_name,
        lastName: user.last_name,
        adoptExisting: true,
      });
      expect(state.id).toBe(String(user.id));
    }
    // The first paged the whole directory (3 pages) for each: 150 requests at least; the shared
    // directory then made it 50 + 3. Now one lookup by email each, and one more for the first
    // preview check (checks stop once this process has written).
    expect(userRequests()).toBe(50 + 1);
    expect(tines.simulator.countRequests("GET", /^\/api\/v1\/admin\/users$/)).toBe(0);
    expect(tines.simulator.log.filter((entry) => entry.method !== "GET")).toEqual([]);
  });

  it("still finds a user created after the directory was read, and creates one that does not exist exactly once", async () => {
    const [first] = seedUsers(3);
    await tines.engine.up("User", "first", { email: first!.email, adoptExisting: true });
    // Created after the shared read: not in the snapshot, but looked up afresh before any create.
    const late = tines.simulator.state.createUser({ email: "late@example.com" });
    const { state } = await tines.engine.up("User", "late", { email: "late@example.com", adoptExisting: true });
    expect(state.id).toBe(String(late.id));
    expect(tines.simulator.countRequests("POST", "/api/v1/admin/users")).toBe(0);

    const { state: created } = await tines.engine.up("User", "new", { email: "new@example.com", adoptExisting: true });
    expect(tines.simulator.countRequests("POST", "/api/v1/admin/users")).toBe(1);
    expect(tines.simulator.state.listUsers().filter((user) => user.email === "new@example.com")).toHaveLength(1);
    expect(created.outputs.email).toBe("new@example.com");
  });

  it("a user deleted after the directory was read is not adopted but created again", async () => {
    const [ada] = seedUsers(2);
    await tines.engine.up("User", "second", { email: "user0002@example.com", adoptExisting: true });
    tines.simulator.state.deleteUser(ada!.id);
    const { state } = await tines.engine.up("User", "ada", { email: ada!.email, adoptExisting: true });
    expect(state.id).not.toBe(String(ada!.id));
    expect(tines.simulator.countRequests("POST", "/api/v1/admin/users")).toBe(1);
  });

  it("adopting a user who differs sends one update; one who matches sends none", async () => {
    const [ada] = seedUsers(1);
    tines.simulator.log.length = 0;
    await tines.engine.up("User", "ada", { email: ada!.email, firstName: ada!.first_name, adoptExisting: true });
    expect(tines.simulator.log.filter((entry) => entry.method !== "GET")).toEqual([]);
    const { state } = await tines.engine.up("User", "ada-again", { email: ada!.email, firstName: "Ada", adoptExisting: true });
    expect(tines.simulator.log.filter((entry) => entry.method !== "GET").map((entry) => `${entry.method} ${entry.path}`)).toEqual([
      `PUT /api/v1/admin/users/${ada!.id}`,
    ]);
    expect(state.outputs.firstName).toBe("Ada");
  });

  it("adopts memberships declared by email with one request each, not a walk of the team's members", async () => {
    const users = seedUsers(1_200);
    const members = users.slice(0, 600);
    for (const user of members) tines.simulator.state.seedMembership(1, user.id, "EDITOR");
    tines.simulator.log.length = 0;
    for (const user of members.filter((_, index) => index % 30 === 0)) {
      const { state } = await tines.engine.up("TeamMembership", user.email, { teamId: 1, email: user.email, role: "EDITOR", adoptExisting: true });
      expect(state.id).toBe(`1/${user.id}`);
    }
    // 20 memberships, one lookup of the user by email each (with team memberships); neither the
    // team's member list (2 pages) nor the directory (3 pages) was walked.
    expect(tines.simulator.countRequests("GET", "/api/v1/teams/1/members")).toBe(0);
    expect(tines.simulator.countRequests("GET", /^\/api\/v1\/admin\/users$/)).toBe(0);
    expect(tines.simulator.log.length).toBeLessThanOrEqual(20 + 1);
    expect(tines.simulator.log.filter((entry) => entry.method !== "GET")).toEqual([]);
  });
});
