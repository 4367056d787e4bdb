import { describe, expect, it } from "vitest";
import type { ProviderHostError } from "../../tools/runner/providerHost";
import { failureOf, useProviderHost } from "../helpers/host";

const tines = useProviderHost({ seedTeams: ["Security Operations"] });

const ipLookup = {
  name: "Look up an IP",
  vendor: "Acme",
  product: "Intel",
  agentType: "Agents::HTTPRequestAgent",
  agentOptions: { url: "https://intel.example.com/ip/<<input.ip>>", method: "get" },
  description: "Asks Acme Intel about an IP address",
};

describe("a write that Tines did not apply is never reported as done", () => {
  it("a template update answered 200 with an HTML page and not applied fails, naming the property, and the state keeps what Tines holds", async () => {
    const { state } = await tines.engine.up("PrivateTemplate", "ip", ipLookup);
    tines.simulator.setFaults({
      rules: [{ method: "PUT", action: { type: "status", status: 200, body: "<!DOCTYPE html><html><body>Maintenance</body></html>" } }],
    });
    const changed = { ...ipLookup, description: "New words" };
    const error = (await failureOf(tines.engine.up("PrivateTemplate", "ip", changed, state))) as ProviderHostError;
    expect(error.message).toContain('description: Tines answered the update but still holds "Asks Acme Intel about an IP address"');
    // The host hands the engine what Tines holds as the resource's outputs.
    expect(error.partialId).toBe(state.id);
    expect(tines.simulator.state.getTemplate(state.id).description).toBe("Asks Acme Intel about an IP address");
    // Once Tines applies writes again, the next up makes the change.
    tines.simulator.setFaults({});
    expect((await tines.engine.preview("PrivateTemplate", "ip", changed, state)).operation).toBe("update");
    const { state: updated } = await tines.engine.up("PrivateTemplate", "ip", changed, state);
    expect(updated.outputs.description).toBe("New words");
  });

  it("a template create answered without a declared property fails naming it, and the template is recorded, not lost", async () => {
    tines.simulator.setFaults({
      rules: [{ method: "POST", action: { type: "replaceBody", body: (real) => JSON.stringify({ ...JSON.parse(real), description: null }) } }],
    });
    const error = (await failureOf(tines.engine.up("PrivateTemplate", "ip", ipLookup))) as ProviderHostError;
    const [template] = tines.simulator.state.listTemplates();
    expect(error.message).toContain(`description: Tines answered the create but still holds ""`);
    expect(error.partialId).toBe(template!.id);
  });

  it("a tenant permission the tenant silently drops fails the create, and the user is recorded, not lost", async () => {
    tines.simulator.state.normalisation = { supportedTenantPermissions: ["AUDIT_LOG_READ"] };
    const error = (await failureOf(
      tines.engine.up("User", "ada", { email: "ada@example.com", tenantPermissions: ["AUDIT_LOG_READ", "TUNNEL_MANAGE"] }),
    )) as ProviderHostError;
    const user = tines.simulator.state.findUserByEmail("ada@example.com")!;
    expect(error.message).toContain('tenantPermissions: Tines answered the create but still holds ["AUDIT_LOG_READ"]');
    expect(error.partialId).toBe(String(user.id));
    expect(tines.simulator.state.listUsers()).toHaveLength(1);
  });

  it("a tenant permission the tenant silently drops fails the update", async () => {
    tines.simulator.state.normalisation = { supportedTenantPermissions: ["AUDIT_LOG_READ"] };
    const { state } = await tines.engine.up("User", "ada", { email: "ada@example.com" });
    const error = (await failureOf(
      tines.engine.up("User", "ada", { email: "ada@example.com", tenantPermissions: ["TUNNEL_MANAGE"] }, state),
    )) as ProviderHostError;
    expect(error.message).toContain("tenantPermissions: Tines answered the update but still holds []");
    expect(error.partialId).toBe(state.id);
  });

  it("a user update answered with the user unchanged fails, naming each property not taken", async () => {
    const { state } = await tines.engine.up("User", "ada", { email: "ada@example.com", firstName: "Ada" });
    const unchanged = JSON.stringify({ ...tines.simulator.state.getUser(Number(state.id)), pending_deletion_at: undefined });
    tines.simulator.setFaults({ rules: [{ method: "PUT", action: { type: "status", status: 200, body: unchanged } }] });
    const error = await failureOf(tines.engine.up("User", "ada", { email: "ada@example.com", firstName: "Augusta", admin: true }, state));
    expect(error.message).toContain('firstName: Tines answered the update but still holds "Ada"');
    expect(error.message).toContain("admin: Tines answered the update but still holds false");
  });

  it("a membership invitation answered with another role fails the create, naming the role, and is recorded", async () => {
    const user = tines.simulator.state.createUser({ email: "ada@example.com" });
    tines.simulator.setFaults({
      rules: [{ method: "POST", path: /invite_member$/, action: { type: "replaceBody", body: (real) => real.replace('"EDITOR"', '"VIEWER"') } }],
    });
    const error = (await failureOf(tines.engine.up("TeamMembership", "m", { teamId: 1, userId: user.id, role: "EDITOR" }))) as ProviderHostError;
    expect(error.message).toContain('role: Tines answered the create but still holds "VIEWER"');
    expect(error.partialId).toBe(`1/${user.id}`);
  });

  it("a value Tines normalises is not a failure", async () => {
    tines.simulator.state.normalisation = { lowerCaseEmails: true, nullForUnset: true };
    const { state } = await tines.engine.up("User", "ada", { email: "Ada@Example.com", firstName: "" });
    const { state: updated } = await tines.engine.up("User", "ada", { email: "ADA@example.com", firstName: "", admin: true }, state);
    expect(updated.outputs).toMatchObject({ email: "ada@example.com", admin: true });
  });
});
