import { describe, expect, it } from "vitest";
import { useSimulator } from "../helpers/simulator";

const tines = useSimulator();

describe("the simulator's switches for what Tines' docs leave open", () => {
  it("lowerCaseEmails stores emails in lower case", async () => {
    tines.simulator.state.normalisation = { lowerCaseEmails: true };
    expect((await tines.client().users.create({ email: "Ada@Example.COM" })).email).toBe("ada@example.com");
  });

  it("nullForUnset echoes empty names, permissions and template fields as null", async () => {
    tines.simulator.state.normalisation = { nullForUnset: true };
    const user = await tines.client().users.create({ email: "ada@example.com" });
    expect(user).toMatchObject({ first_name: null, last_name: null, tenant_permissions: null });
    const template = await tines.client().templates.create({
      name: "T",
      description: "",
      vendor: "V",
      product: "P",
      agent_type: "Agents::HTTPRequestAgent",
      agent_options: {},
      action_inputs: [{ name: "ip", type: "TEXT" }],
    });
    expect(template).toMatchObject({ description: null, action_inputs: [{ name: "ip", description: null, data: null, default_value: null }] });
  });

  it("reorderJsonKeys and numbersAsStrings change how a template's JSON comes back", async () => {
    tines.simulator.state.normalisation = { reorderJsonKeys: true, numbersAsStrings: true };
    const template = await tines.client().templates.create({
      name: "T",
      description: "",
      vendor: "V",
      product: "P",
      agent_type: "Agents::HTTPRequestAgent",
      agent_options: { a: 1, b: { c: 2, d: 3 } },
    });
    expect(JSON.stringify(template.agent_options)).toBe('{"b":{"d":"3","c":"2"},"a":"1"}');
  });

  it("names are stored as given (Tines' docs do not say it trims), and trimmed with trimNames", async () => {
    const client = tines.client();
    expect((await client.teams.create({ name: " Ops " })).name).toBe(" Ops ");
    expect((await client.roles.create({ name: "Reviewer ", permissions: ["STORY_READ"] })).name).toBe("Reviewer ");
    expect(await client.users.create({ email: "r&d-team@example.com", first_name: "Ann ", last_name: " Lee" })).toMatchObject({ first_name: "Ann ", last_name: " Lee" });
    tines.simulator.state.normalisation = { trimNames: true };
    expect((await client.teams.create({ name: " Red Team " })).name).toBe("Red Team");
    expect((await client.roles.create({ name: " Triage ", permissions: ["STORY_READ"] })).name).toBe("Triage");
    expect(await client.users.create({ email: "bob@example.com", first_name: "Bob " })).toMatchObject({ first_name: "Bob" });
  });

  it("supportedTenantPermissions drops the others without an error", async () => {
    tines.simulator.state.normalisation = { supportedTenantPermissions: ["AUDIT_LOG_READ"] };
    const user = await tines.client().users.create({ email: "ada@example.com", tenant_permissions: ["AUDIT_LOG_READ", "TUNNEL_MANAGE"] });
    expect(user.tenant_permissions).toEqual(["AUDIT_LOG_READ"]);
  });

  it("listingDelayMs keeps a new user out of the list for a while, while a GET by id finds it", async () => {
    tines.simulator.state.listingDelayMs = 60_000;
    const user = await tines.client().users.create({ email: "ada@example.com" });
    expect(await tines.client().users.listAll()).toEqual([]);
    expect((await tines.client().users.get(user.id)).email).toBe("ada@example.com");
    tines.simulator.state.listingDelayMs = 0;
  });

  it("reset puts the switches back as the simulator started", () => {
    tines.simulator.state.normalisation = { lowerCaseEmails: true };
    tines.simulator.reset();
    expect(tines.simulator.state.normalisation).toEqual({});
    expect(tines.simulator.state.listingDelayMs).toBe(0);
  });
});
