import { describe, expect, it } from "vitest";
import { useProviderHost } from "../helpers/host";

/** New users, memberships and templates stay out of lists this long (a GET by id sees them at once). */
const listingDelayMs = 1_000;
const tines = useProviderHost({ seedTeams: ["Security Operations"], listingDelayMs });

const lostAnswer = (method: string, path: RegExp) =>
  tines.simulator.setFaults({ rules: [{ method, path, action: { type: "reset", when: "after" }, times: 1 }] });

describe("Tines' writes that are not visible at once are never made twice nor lost", () => {
  it("a user whose create answer was lost, not yet listed, is found by the reconciling lookup, not reported as taken", async () => {
    lostAnswer("POST", /\/admin\/users$/);
    const { state } = await tines.engine.up("User", "ada", { email: "ada@example.com" });
    expect(tines.simulator.state.snapshot().users.map((user) => String(user.id))).toEqual([state.id]);
  });

  it("a template whose create answer was lost, not yet in the search, is found rather than made twice", async () => {
    lostAnswer("POST", /\/admin\/templates$/);
    const { state } = await tines.engine.up("PrivateTemplate", "t", {
      name: "Look up",
      vendor: "Acme",
      product: "Intel",
      agentType: "Agents::HTTPRequestAgent",
      agentOptions: { url: "https://intel.example.com" },
    });
    expect(tines.simulator.state.snapshot().templates.map((template) => template.id)).toEqual([state.id]);
  });

  it("a membership whose invitation answer was lost, not yet in the user's team_memberships, is found, not reported as already there", async () => {
    const user = tines.simulator.state.createUser({ email: "ada@example.com" });
    lostAnswer("POST", /invite_member$/);
    const { state } = await tines.engine.up("TeamMembership", "m", { teamId: 1, userId: user.id, role: "EDITOR" });
    expect(state.id).toBe(`1/${user.id}`);
    expect(state.outputs.role).toBe("EDITOR");
  });

  it("a refresh right after a membership is made keeps it, though the user's team_memberships does not show it yet", async () => {
    const user = tines.simulator.state.createUser({ email: "ada@example.com" });
    const { state } = await tines.engine.up("TeamMembership", "m", { teamId: 1, userId: user.id });
    const refreshed = await tines.engine.refresh(state);
    expect(refreshed?.id).toBe(state.id);
  });
});
