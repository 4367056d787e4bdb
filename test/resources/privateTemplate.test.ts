import { describe, expect, it } from "vitest";
import { TinesClient } from "../../src/client";
import { failureOf, useProviderHost } from "../helpers/host";

const tines = useProviderHost({ seedTeams: ["Security Operations", "IT Operations"] });
const client = () => new TinesClient({ tenantUrl: tines.simulator.url, apiKey: tines.simulator.apiKey });

const ipLookup = {
  name: "Look up an IP",
  vendor: "Acme",
  product: "Intel",
  agentType: "Agents::HTTPRequestAgent",
  agentOptions: { url: "https://intel.example.com/ip/<<input.ip>>", method: "get" },
  description: "Asks Acme Intel about an IP address",
  actionInputs: [
    { name: "ip", type: "TEXT", required: true, description: "The address" },
    { name: "apiKey", type: "CREDENTIAL", required: true },
    { name: "verdicts", type: "OPTION", data: { options: ["good", "bad"], multi_select_enabled: false } },
  ],
};

describe("TinesPrivateTemplate", () => {
  it("creates a template with one request, defaulting access to the team's", async () => {
    // The preview checks' reads are the check's cost, not the create's: count from the create on.
    const plan = await tines.engine.preview("PrivateTemplate", "ip", { ...ipLookup, teamId: 1 });
    tines.simulator.log.length = 0;
    const { state } = await tines.engine.apply("PrivateTemplate", "ip", plan);
    expect(state.id).toMatch(/^\d+$/);
    expect(state.outputs).toMatchObject({
      templateId: state.id,
      name: "Look up an IP",
      teamId: 1,
      folderId: null,
      readAccess: "TEAM",
      sharedTeamSlugs: [],
      actionInputs: [
        { name: "ip", type: "TEXT", required: true, description: "The address" },
        { name: "apiKey", type: "CREDENTIAL", required: true },
        { name: "verdicts", type: "OPTION", required: false, data: { options: ["good", "bad"], multi_select_enabled: false } },
      ],
      tenant: tines.simulator.url,
    });
    expect(tines.simulator.log.map((entry) => `${entry.method} ${entry.path}`)).toEqual(["POST /api/v1/admin/templates"]);
    expect(tines.simulator.state.getTemplate(state.id).read_access).toBe("TEAM");
  });

  it("defaults access to GLOBAL without a team, and shares with specific teams by slug", async () => {
    const global = await tines.engine.up("PrivateTemplate", "g", ipLookup);
    expect(global.state.outputs.readAccess).toBe("GLOBAL");
    const shared = await tines.engine.up("PrivateTemplate", "s", {
      ...ipLookup,
      name: "Shared",
      teamId: 1,
      readAccess: "SPECIFIC_TEAMS",
      sharedTeamSlugs: ["it-operations"],
    });
    expect(shared.state.outputs).toMatchObject({ readAccess: "SPECIFIC_TEAMS", sharedTeamSlugs: ["it-operations"] });
  });

  it("shows no change when nothing changed", async () => {
    const { state } = await tines.engine.up("PrivateTemplate", "ip", { ...ipLookup, teamId: "1" });
    expect((await tines.engine.preview("PrivateTemplate", "ip", { ...ipLookup, teamId: 1 }, state)).operation).toBe("same");
  });

  it("updates in place and reads the template back (Tines answers an update with true)", async () => {
    const { state } = await tines.engine.up("PrivateTemplate", "ip", { ...ipLookup, teamId: 1 });
    tines.simulator.log.length = 0;
    const changed = { ...ipLookup, teamId: 1, description: "New words", actionInputs: [{ name: "ip", type: "TEXT", required: true }] };
    const { state: updated, operation } = await tines.engine.up("PrivateTemplate", "ip", changed, state);
    expect(operation).toBe("update");
    expect(updated.outputs).toMatchObject({ description: "New words", actionInputs: [{ name: "ip", type: "TEXT", required: true }] });
    expect(tines.simulator.log.map((entry) => `${entry.method} ${entry.path}`)).toEqual([
      `PUT /api/v1/admin/templates/${state.id}`,
      `GET /api/v1/admin/templates/${state.id}`,
    ]);
  });

  it("moves the template to another team in place, and sends the declared access again", async () => {
    const { state } = await tines.engine.up("PrivateTemplate", "ip", { ...ipLookup, teamId: 1, readAccess: "GLOBAL" });
    const plan = await tines.engine.preview("PrivateTemplate", "ip", { ...ipLookup, teamId: 2, readAccess: "GLOBAL" }, state);
    expect(plan.diff).toEqual({ changes: "some", replaces: [], deleteBeforeReplace: false });
    tines.simulator.log.length = 0;
    const { state: moved } = await tines.engine.up("PrivateTemplate", "ip", { ...ipLookup, teamId: 2, readAccess: "GLOBAL" }, state);
    expect(moved.id).toBe(state.id);
    expect(moved.outputs).toMatchObject({ teamId: 2, readAccess: "GLOBAL" });
    expect(tines.simulator.log.map((entry) => entry.method)).toEqual(["POST", "PUT", "GET"]);
  });

  it("refresh shows drift and drops a template deleted outside Pulumi", async () => {
    const { state } = await tines.engine.up("PrivateTemplate", "ip", { ...ipLookup, teamId: 1 });
    await client().templates.update(state.id, { description: "Edited in the UI" });
    const refreshed = await tines.engine.refresh(state);
    expect(refreshed!.outputs.description).toBe("Edited in the UI");
    expect(refreshed!.inputs).toMatchObject({ description: "Edited in the UI", teamId: 1 });
    expect((await tines.engine.preview("PrivateTemplate", "ip", { ...ipLookup, teamId: 1 }, refreshed)).operation).toBe("update");
    await client().templates.delete(state.id);
    expect(await tines.engine.refresh(state)).toBeUndefined();
  });

  it("deletes the template, and treats one already gone as deleted", async () => {
    const { state } = await tines.engine.up("PrivateTemplate", "ip", ipLookup);
    await tines.engine.destroy(state);
    expect(tines.simulator.state.listTemplates()).toHaveLength(0);
    await tines.engine.destroy(state);
  });

  it("an ambiguous create leaves exactly one template, in state", async () => {
    tines.simulator.setFaults({ rules: [{ method: "POST", action: { type: "reset", when: "after" }, times: 1 }] });
    const { state } = await tines.engine.up("PrivateTemplate", "ip", { ...ipLookup, teamId: 1 });
    const templates = tines.simulator.state.listTemplates();
    expect(templates.map((template) => template.id)).toEqual([state.id]);
  });

  it("a create answered with an unreadable body is reconciled, not recorded blindly", async () => {
    tines.simulator.setFaults({ rules: [{ method: "POST", action: { type: "replaceBody", body: "<html>oops</html>" }, times: 1 }] });
    const { state } = await tines.engine.up("PrivateTemplate", "ip", ipLookup);
    expect(tines.simulator.state.listTemplates().map((template) => template.id)).toEqual([state.id]);
  });

  it("reports Tines' refusal clearly", async () => {
    const error = await failureOf(tines.engine.up("PrivateTemplate", "ip", { ...ipLookup, teamId: 99 }));
    expect(error.message).toContain("POST /api/v1/admin/templates failed: 404 Team not found");
  });

  it("adopts a template with the same name in the same team, without a write when it already matches", async () => {
    const existing = tines.simulator.state.createTemplate({
      ...ipLookupObject(),
      team_id: 1,
      action_inputs: [
        { name: "ip", type: "TEXT", required: true, description: "The address" },
        { name: "apiKey", type: "CREDENTIAL", required: true },
        { name: "verdicts", type: "OPTION", required: false, data: { options: ["good", "bad"], multi_select_enabled: false } },
      ],
    });
    tines.simulator.state.createTemplate({ ...ipLookupObject(), team_id: 2 });
    tines.simulator.log.length = 0;
    const { state } = await tines.engine.up("PrivateTemplate", "ip", { ...ipLookup, teamId: 1, adoptExisting: true });
    expect(state.id).toBe(existing.id);
    expect(state.outputs.adoptExisting).toBe(true);
    expect(tines.simulator.log.filter((entry) => entry.method !== "GET")).toEqual([]);
    const plan = await tines.engine.preview("PrivateTemplate", "ip", { ...ipLookup, teamId: 1, adoptExisting: true }, state);
    expect(plan.operation).toBe("same");

    // A template that differs is brought to the inputs with one update.
    const { state: other } = await tines.engine.up("PrivateTemplate", "ip2", { ...ipLookup, description: "Changed", teamId: 2, adoptExisting: true });
    expect(tines.simulator.state.getTemplate(other.id).description).toBe("Changed");
    expect(tines.simulator.state.listTemplates()).toHaveLength(2);
  });

  it("shows no change for a template recorded before adoptExisting existed", async () => {
    const { state } = await tines.engine.up("PrivateTemplate", "ip", { ...ipLookup, teamId: 1 });
    const { adoptExisting: _recordedLater, ...olderOutputs } = state.outputs;
    const plan = await tines.engine.preview("PrivateTemplate", "ip", { ...ipLookup, teamId: 1 }, { ...state, outputs: olderOutputs });
    expect(plan.operation).toBe("same");
  });

  it("refuses to adopt when two templates of the team share the name, naming both ids", async () => {
    const a = tines.simulator.state.createTemplate({ ...ipLookupObject(), team_id: 1 });
    const b = tines.simulator.state.createTemplate({ ...ipLookupObject(), team_id: 1 });
    const error = await failureOf(tines.engine.up("PrivateTemplate", "ip", { ...ipLookup, teamId: 1, adoptExisting: true }));
    expect(error.message).toContain(`2 private templates are named "Look up an IP" in team 1 (ids ${a.id}, ${b.id})`);
    expect(tines.simulator.state.listTemplates()).toHaveLength(2);
  });
});

function ipLookupObject() {
  return {
    name: ipLookup.name,
    description: ipLookup.description,
    vendor: ipLookup.vendor,
    product: ipLookup.product,
    agent_type: ipLookup.agentType,
    agent_options: ipLookup.agentOptions,
  };
}
