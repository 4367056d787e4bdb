import { describe, expect, it } from "vitest";
import { getTeam } from "../../src";
import { nearestName } from "../../src/provider/suggestions";
import { CheckFailedError } from "../../tools/runner/engine";
import { failureOf, useProviderHost } from "../helpers/host";

const tines = useProviderHost({ userDeletionDelayMs: 0, tenantOwner: true, seedTeams: ["Security Operations", "IT Operations"] });
const engineWith = (config: Record<string, string> = {}) => tines.freshEngine(config);

const securityOperations = () => tines.simulator.state.listTeams().find((team) => team.name === "Security Operations")!.id;

describe("a refused API key is an answer, not an outage", () => {
  it("a wrong key (401) fails the preview naming the key setting, for a new resource and for one with no change", async () => {
    const { state } = await (await engineWith()).up("User", "ada", { email: "ada@example.com" });
    const engine = await engineWith({ "tines:apiKey": "a-key-tines-does-not-know" });
    for (const preview of [engine.preview("User", "grace", { email: "grace@example.com" }), engine.preview("User", "ada", { email: "ada@example.com" }, state)]) {
      const error = await failureOf(preview);
      expect(error).toBeInstanceOf(CheckFailedError);
      expect((error as CheckFailedError).failures).toEqual([{ property: "tines:apiKey", reason: expect.stringContaining("401") }]);
      expect(error.message).toContain("Tines refused the API key: check the key in stack config `tines:apiKey`");
      expect(error.message).not.toContain("a-key-tines-does-not-know");
    }
    expect(engine.host.stderr).not.toContain("were skipped");
  });

  it("a key without the rights (403, a team key on the users endpoint) fails the preview saying which key is needed", async () => {
    const engine = await engineWith({ "tines:apiKey": tines.simulator.createTeamApiKey(securityOperations()) });
    const error = await failureOf(engine.preview("User", "grace", { email: "grace@example.com" }));
    expect(error.message).toContain("403");
    expect(error.message).toContain("users, templates and roles need a tenant-owner key");
  });
});

describe("did you mean: typos, not only letter case, get the nearest name", () => {
  it("a misspelt role of a membership names the nearest default or custom role", async () => {
    tines.simulator.state.addCustomRole("DETECTION_REVIEWER", { description: "Reviews", permissions: ["STORY_READ"] });
    const engine = await engineWith();
    for (const [role, meant] of [
      ["EDITR", "EDITOR"],
      ["EDTIOR", "EDITOR"],
      ["DETECTION_REVEIWER", "DETECTION_REVIEWER"],
    ]) {
      const error = await failureOf(engine.preview("TeamMembership", `m-${role}`, { teamId: securityOperations(), email: "owner@example.com", role }));
      expect(error.message).toContain(`did you mean ${meant}?`);
    }
  });

  it("getTeam with a misspelt name names the nearest team", async () => {
    await expect(getTeam({ name: "Securty Operations" }, { tenant: tines.simulator.url, apiKey: tines.simulator.apiKey })).rejects.toThrow(
      'no team named "Securty Operations" in ' + tines.simulator.url + "; did you mean Security Operations?",
    );
  });

  it("an unknown tenant permission is a warning with the nearest documented one", async () => {
    const engine = await engineWith();
    await engine.preview("User", "auditor", { email: "auditor@example.com", tenantPermissions: ["AUDIT_LOGS_READ"] });
    expect(engine.host.stderr).toContain("did you mean AUDIT_LOG_READ?");
  });

  it("suggests nothing when no name is near, or two are equally near", () => {
    expect(nearestName("AUDITOR", ["VIEWER", "EDITOR", "TEAM_ADMIN"])).toBeUndefined();
    expect(nearestName("ab", ["ac", "ad"])).toBeUndefined();
    expect(nearestName("viewer", ["VIEWER", "EDITOR"])).toBe("VIEWER");
  });
});

describe("a refusal traceable to an input names the input", () => {
  it("with preview checks off, a template in a team that does not exist fails at deploy naming teamId", async () => {
    const engine = await engineWith({ "tines:previewChecks": "false" });
    const error = await failureOf(
      engine.up("PrivateTemplate", "lookup", { name: "Look up an IP", vendor: "V", product: "P", agentType: "Agents::WebhookAgent", agentOptions: {}, teamId: 999 }),
    );
    expect(error.message).toMatch(/^teamId: team 999 does not exist in http:\/\/127\.0\.0\.1:\d+ \(Tines API POST \/api\/v1\/admin\/templates failed: 404/);
  });
});

describe("the adoption preview says what will change", () => {
  it('a user who already matches is "adopted, no change"; another lists what changes', async () => {
    tines.simulator.state.createUser({ email: "ada@example.com", first_name: "Ada" });
    tines.simulator.state.createUser({ email: "grace@example.com", first_name: "Grace" });
    const engine = await engineWith();
    await engine.preview("User", "ada", { email: "ada@example.com", firstName: "Ada", adoptExisting: true });
    await engine.preview("User", "grace", { email: "grace@example.com", firstName: "Grace", admin: true, adoptExisting: true });
    expect(engine.host.stderr).toMatch(/user ada@example\.com already exists in .* \(user id \d+\): it will be adopted, no change/);
    expect(engine.host.stderr).toMatch(/user grace@example\.com already exists in .* \(user id \d+\): it will be adopted and its admin changed to the declared value/);
  });
});

describe("a wait longer than a few seconds is a warning that says what, how long at most, and how to avoid it", () => {
  it("adopting a user deactivated moments ago (maybe being deleted) warns of the wait before it starts", async () => {
    const user = tines.simulator.state.createUser({ email: "left@example.com" });
    tines.simulator.state.updateUser(user.id, { is_active: false });
    const engine = await engineWith({ "tines:userDeletionWaitSeconds": "1", "tines:previewChecks": "false" });
    await engine.up("User", "left", { email: "left@example.com", isActive: false, adoptExisting: true });
    expect(engine.host.stderr).toMatch(
      /warning: .*user left@example\.com \(id \d+\) .* is deactivated and was changed recently, so Tines may be deleting it .*waiting up to 1 s .*a user deactivated more than 15 minutes ago is adopted at once/,
    );
  });
});
