import { describe, expect, it } from "vitest";
import type { SimulatorNormalisation } from "../../src/simulator";
import { useProviderHost } from "../helpers/host";

const tines = useProviderHost({ seedTeams: ["Security Operations"] });

/** The tenant normalises from now on (the simulator puts it back before the next test). */
function tenantNormalises(normalisation: SimulatorNormalisation): void {
  tines.simulator.state.normalisation = normalisation;
}

const template = {
  name: "Look up an IP",
  vendor: "Acme",
  product: "Intel",
  agentType: "Agents::HTTPRequestAgent",
  agentOptions: { url: "https://intel.example.com", method: "get", timeout: 30, retry: { attempts: 3, backoff: "linear" } },
  actionInputs: [
    { name: "ip", type: "TEXT", required: true },
    { name: "limit", type: "NUMBER", defaultValue: 5 },
    { name: "verdicts", type: "OPTION", data: { options: ["good", "bad"], multi_select_enabled: false } },
  ],
};

describe("Tines' normalisation never becomes a perpetual diff", () => {
  it("a user's email that Tines stores in lower case shows no change on the next up, and the state holds Tines' form", async () => {
    tenantNormalises({ lowerCaseEmails: true });
    const args = { email: "Ada.Lovelace@Example.COM", firstName: "Ada" };
    const { state } = await tines.engine.up("User", "ada", args);
    expect(state.outputs.email).toBe("ada.lovelace@example.com");
    expect((await tines.engine.preview("User", "ada", args, state)).operation).toBe("same");
    // A refresh records what Tines holds, and still shows no change.
    const refreshed = await tines.engine.refresh(state);
    expect((await tines.engine.preview("User", "ada", args, refreshed)).operation).toBe("same");
    // A real change of address is still one.
    expect((await tines.engine.preview("User", "ada", { ...args, email: "Ada@Example.COM" }, state)).operation).toBe("update");
  });

  it("a membership declared by an email Tines lower-cases shows no change", async () => {
    tenantNormalises({ lowerCaseEmails: true });
    const args = { teamId: 1, email: "Grace.Hopper@Example.com", role: "EDITOR" };
    const { state } = await tines.engine.up("TeamMembership", "grace", args);
    expect(state.outputs.email).toBe("grace.hopper@example.com");
    expect((await tines.engine.preview("TeamMembership", "grace", args, state)).operation).toBe("same");
  });

  it("fields Tines echoes as null when unset show no change", async () => {
    tenantNormalises({ nullForUnset: true });
    const user = await tines.engine.up("User", "ada", { email: "ada@example.com" });
    expect(user.state.outputs).toMatchObject({ firstName: "", lastName: "", tenantPermissions: [] });
    expect((await tines.engine.preview("User", "ada", { email: "ada@example.com" }, user.state)).operation).toBe("same");
    const created = await tines.engine.up("PrivateTemplate", "ip", template);
    expect(created.state.outputs.description).toBe("");
    expect((await tines.engine.preview("PrivateTemplate", "ip", template, created.state)).operation).toBe("same");
    const refreshed = await tines.engine.refresh(created.state);
    expect((await tines.engine.preview("PrivateTemplate", "ip", template, refreshed)).operation).toBe("same");
  });

  it("nested JSON that Tines returns with its keys in another order shows no change", async () => {
    tenantNormalises({ reorderJsonKeys: true });
    const { state } = await tines.engine.up("PrivateTemplate", "ip", template);
    const stored = tines.simulator.state.getTemplate(state.id);
    const answered = tines.simulator.state.templateView(stored).agent_options as object;
    expect(Object.keys(answered)).toEqual(Object.keys(stored.agent_options).reverse());
    expect((await tines.engine.preview("PrivateTemplate", "ip", template, state)).operation).toBe("same");
  });

  it("numbers that Tines returns as numeric strings show no change, and the state holds Tines' form", async () => {
    tenantNormalises({ numbersAsStrings: true });
    const { state } = await tines.engine.up("PrivateTemplate", "ip", template);
    expect(state.outputs.agentOptions).toMatchObject({ timeout: "30" });
    expect((await tines.engine.preview("PrivateTemplate", "ip", template, state)).operation).toBe("same");
    // A real change of number is still one.
    const changed = { ...template, agentOptions: { ...template.agentOptions, timeout: 31 } };
    expect((await tines.engine.preview("PrivateTemplate", "ip", changed, state)).operation).toBe("update");
  });

  it("every normalisation at once still converges on the second up", async () => {
    tenantNormalises({ lowerCaseEmails: true, nullForUnset: true, reorderJsonKeys: true, numbersAsStrings: true });
    const user = await tines.engine.up("User", "ada", { email: "Ada@Example.com" });
    const created = await tines.engine.up("PrivateTemplate", "ip", { ...template, teamId: "1" });
    expect((await tines.engine.preview("User", "ada", { email: "Ada@Example.com" }, user.state)).operation).toBe("same");
    expect((await tines.engine.preview("PrivateTemplate", "ip", { ...template, teamId: 1 }, created.state)).operation).toBe("same");
  });
});
