import { describe, expect, it } from "vitest";
import { getRole, listRoles } from "../../src";
import { TinesCustomRoleRefusedError } from "../../src/client";
import { useSimulator } from "../helpers/simulator";

const tines = useSimulator({ seedTeams: ["Security Operations", "IT Operations"] });
const lookup = () => ({ tenant: tines.simulator.url, apiKey: tines.simulator.apiKey });

describe("roles, teams and templates as Tines documents them", () => {
  it("lists roles under admin/roles; a default role's id is its name and every role carries Tines' fields", async () => {
    tines.simulator.state.addCustomRole("RESPONDER", { description: "Answers incidents", permissions: ["STORY_READ"] });
    const response = await fetch(`${tines.simulator.url}/api/v1/admin/roles`, { headers: { authorization: `Bearer ${tines.simulator.apiKey}` } });
    const body = (await response.json()) as Record<string, unknown>;
    expect(Object.keys(body).sort()).toEqual(["admin/roles", "meta"]);
    const roles = await tines.client().roles.list();
    expect(roles.find((role) => role.name === "TEAM_ADMIN")).toMatchObject({
      id: "TEAM_ADMIN",
      type: "default",
      permissions: ["ALLOW_ALL"],
      builder: true,
      updated_at: null,
    });
    expect(roles.find((role) => role.name === "RESPONDER")).toMatchObject({
      id: expect.stringMatching(/^\d+$/),
      type: "custom",
      description: "Answers incidents",
      permissions: ["STORY_READ"],
      builder: false,
      created_at: expect.any(String),
    });
  });

  it("still reads the older role-list shapes: under roles, or a bare array", async () => {
    for (const body of ['{"roles":[{"id":"1","name":"VIEWER","type":"default"}]}', '[{"id":"1","name":"VIEWER"}]']) {
      tines.simulator.setFaults({ rules: [{ method: "GET", path: "/api/v1/admin/roles", action: { type: "replaceBody", body }, times: 1 }] });
      expect((await tines.client().roles.list()).map((role) => role.name)).toEqual(["VIEWER"]);
    }
  });

  it("listRoles returns the documented fields, and getRole finds one role by name or names the roles there are", async () => {
    tines.simulator.state.addCustomRole("RESPONDER", { permissions: ["STORY_READ"] });
    const roles = await listRoles(lookup());
    expect(roles.find((role) => role.name === "EDITOR")).toEqual({
      id: "EDITOR",
      name: "EDITOR",
      type: "default",
      description: expect.any(String),
      permissions: expect.any(Array),
      builder: true,
      createdAt: null,
      updatedAt: null,
    });
    expect(await getRole({ name: "RESPONDER" }, lookup())).toMatchObject({ name: "RESPONDER", type: "custom", permissions: ["STORY_READ"] });
    await expect(getRole({ name: "RESPONDR" }, lookup())).rejects.toThrow(/no role named "RESPONDR".*its roles: VIEWER, EDITOR/);
  });

  it("creates, PATCHes and deletes a custom role; a refusing tenant's error names the feature and the limit", async () => {
    const client = tines.client();
    const role = await client.roles.create({ name: "RESPONDER", permissions: ["STORY_READ"] });
    expect((await client.roles.update(role.id!, { description: "New" })).description).toBe("New");
    await client.roles.delete(role.id!);
    expect(tines.simulator.state.roleNames()).not.toContain("RESPONDER");
    tines.simulator.state.setCustomRolesFeature(false);
    const refusal = await client.roles.create({ name: "RESPONDER", permissions: ["STORY_READ"] }).catch((error: Error) => error);
    expect(refusal).toBeInstanceOf(TinesCustomRoleRefusedError);
    expect((refusal as Error).message).toMatch(/Enterprise feature.*at most 25 custom roles/);
  });

  it("a team's resend-invitation answers the member, without role", async () => {
    const user = tines.simulator.state.createUser({ email: "ada@example.com" });
    tines.simulator.state.seedMembership(1, user.id, "EDITOR");
    const member = await tines.client().teams.resendInvitation(1, user.id);
    expect(member).toMatchObject({ id: user.id, email: "ada@example.com" });
    expect(member).not.toHaveProperty("role");
  });

  it("a template move answers the moved template", async () => {
    const client = tines.client();
    const created = await client.templates.create({
      name: "T",
      description: "",
      vendor: "V",
      product: "P",
      agent_type: "Agents::HTTPRequestAgent",
      agent_options: { url: "https://example.com" },
      team_id: 1,
    });
    tines.simulator.log.length = 0;
    const moved = await client.templates.move(created.id, { team_id: 2 });
    expect(moved).toMatchObject({ id: created.id, team_id: 2, read_access: "TEAM" });
    expect(tines.simulator.log.map((entry) => entry.method)).toEqual(["POST"]);
  });

  it("the teams list defaults to scope=standard (personal teams left out), and the client always says which scope it wants", async () => {
    tines.simulator.state.createTeam("Ada's team", true);
    const response = await fetch(`${tines.simulator.url}/api/v1/teams`, { headers: { authorization: `Bearer ${tines.simulator.apiKey}` } });
    expect(((await response.json()) as { teams: Array<{ name: string }> }).teams.map((team) => team.name)).toEqual(["Security Operations", "IT Operations"]);
    tines.simulator.log.length = 0;
    expect(await tines.client().teams.list()).toHaveLength(2);
    expect(await tines.client().teams.list({ scope: "all" })).toHaveLength(3);
    expect(tines.simulator.log.map((entry) => new URLSearchParams(entry.query).get("scope"))).toEqual(["standard", "all"]);
  });

  it("template search matches name, description, vendor, product and the action options", async () => {
    const client = tines.client();
    const base = { name: "Plain", description: "", vendor: "V", product: "P", agent_type: "Agents::HTTPRequestAgent", agent_options: {} };
    await client.templates.create({ ...base, name: "Look up an IP" });
    await client.templates.create({ ...base, name: "B", description: "Checks reputation" });
    await client.templates.create({ ...base, name: "C", vendor: "AbuseIPDB" });
    await client.templates.create({ ...base, name: "D", product: "Threat intel" });
    await client.templates.create({ ...base, name: "E", agent_options: { url: "https://api.virustotal.com" } });
    const names = async (search: string) => (await client.templates.list({ search })).map((template) => template.name);
    expect(await names("look up")).toEqual(["Look up an IP"]);
    expect(await names("REPUTATION")).toEqual(["B"]);
    expect(await names("abuseipdb")).toEqual(["C"]);
    expect(await names("threat")).toEqual(["D"]);
    expect(await names("virustotal")).toEqual(["E"]);
  });

  it("counts a team's stories with GET /stories?team_id&per_page=1", async () => {
    tines.simulator.state.seedStory(1);
    tines.simulator.state.seedStory(1);
    tines.simulator.state.seedStory(2);
    expect(await tines.client().teams.storyCount(1)).toBe(2);
    expect(await tines.client().teams.storyCount(2)).toBe(1);
  });
});
