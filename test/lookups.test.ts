import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { getTeam, getUser, listRoles, listTeams, listUsers } from "../src";
import { useSimulator } from "./helpers/simulator";

const tines = useSimulator({ seedTeams: ["Security Operations", "IT Operations"] });
const options = () => ({ tenant: tines.simulator.url, apiKey: tines.simulator.apiKey });

describe("lookup functions", () => {
  it("getTeam finds a team by name or id, and says what it looked for when it finds none", async () => {
    expect(await getTeam({ name: "IT Operations" }, options())).toEqual({ id: 2, name: "IT Operations", groups: [] });
    expect((await getTeam({ id: 1 }, options())).name).toBe("Security Operations");
    await expect(getTeam({ name: "Red Team" }, options())).rejects.toThrow(`no team named "Red Team" in ${tines.simulator.url}`);
    await expect(getTeam({ id: 42 }, options())).rejects.toThrow("no team with id 42");
  });

  it("getTeam refuses to guess between two teams of the same name", async () => {
    tines.simulator.state.createTeam("Duplicate");
    tines.simulator.state.createTeam("Personal", true);
    // Tines keeps standard team names unique, but personal teams may share a name with one.
    tines.simulator.state.renameTeam(4, "Duplicate");
    await expect(getTeam({ name: "Duplicate" }, options())).rejects.toThrow('2 teams are named "Duplicate"');
    await expect(getTeam({ name: "Duplicate" }, options())).rejects.toThrow("ids 3, 4");
  });

  it("getUser finds a user by email or id, with team memberships by id", async () => {
    const ada = tines.simulator.state.createUser({ email: "ada@example.com", first_name: "Ada" });
    tines.simulator.state.seedMembership(1, ada.id, "EDITOR");
    expect(await getUser({ email: "ADA@example.com" }, options())).toMatchObject({ id: ada.id, firstName: "Ada", isActive: true });
    expect((await getUser({ id: ada.id }, options())).teamMemberships).toEqual([
      { teamId: 1, teamName: "Security Operations", role: "EDITOR" },
    ]);
    await expect(getUser({ email: "nobody@example.com" }, options())).rejects.toThrow("no user with email nobody@example.com");
  });

  it("listUsers reads the whole tenant, every page", async () => {
    for (let index = 0; index < 620; index += 1) tines.simulator.state.createUser({ email: `u${index}@example.com`, admin: index < 3 });
    expect(await listUsers({}, options())).toHaveLength(620);
    expect((await listUsers({ filter: "TENANT_OWNER" }, options())).map((user) => user.email)).toEqual([
      "u0@example.com",
      "u1@example.com",
      "u2@example.com",
    ]);
  });

  it("listTeams and listRoles list what the tenant has", async () => {
    tines.simulator.state.addCustomRole("RESPONDER");
    expect((await listTeams(options())).map((team) => team.name)).toEqual(["Security Operations", "IT Operations"]);
    expect((await listRoles(options())).map((role) => `${role.name}:${role.type}`)).toEqual([
      "VIEWER:default",
      "EDITOR:default",
      "TEAM_ADMIN:default",
      "CASE_MANAGER:default",
      "RESPONDER:custom",
    ]);
  });

  it("use the stack config like the resources do, then the environment", async () => {
    const saved = { tenant: process.env.TINES_TENANT, key: process.env.TINES_API_KEY };
    try {
      process.env.TINES_TENANT = tines.simulator.url;
      process.env.TINES_API_KEY = tines.simulator.apiKey;
      expect((await listTeams()).length).toBe(2);
      process.env.TINES_API_KEY = "wrong";
      pulumi.runtime.setAllConfig({ "tines:tenant": tines.simulator.url, "tines:apiKey": tines.simulator.apiKey }, ["tines:apiKey"]);
      expect((await listTeams()).length).toBe(2);
    } finally {
      pulumi.runtime.setAllConfig({});
      for (const [key, value] of [["TINES_TENANT", saved.tenant], ["TINES_API_KEY", saved.key]] as const) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
    }
  });
});
