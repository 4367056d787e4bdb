import { describe, expect, it } from "vitest";
// The built package, as the provider host loads it: the registry requires its resources by their compiled paths.
import * as pulumiTines from "../dist";
import { resourceProvider } from "../dist/provider";
import { providerStubText, tinesResourceKinds, tinesTypeToken } from "../dist/provider/registration";
import { tinesResourceRegistry } from "../dist/resources/registry";
// The built runner, as the tests and the demo run it.
import { inDeletionOrder } from "../dist-tools/runner/programRunner";

const kinds = Object.keys(tinesResourceRegistry) as Array<keyof typeof tinesResourceRegistry>;

describe("the registry of kinds", () => {
  it("is the list of kinds the package registers and the stub names", () => {
    expect([...tinesResourceKinds]).toEqual(kinds);
    for (const kind of kinds) {
      expect(tinesResourceRegistry[kind]().definition.kind).toBe(kind);
      expect(providerStubText(kind)).toContain(`resourceProvider(${JSON.stringify(kind)})`);
    }
  });

  it("drives the provider entry point: every kind gets a provider, and an unknown one is named", () => {
    for (const kind of kinds) {
      const provider = resourceProvider(kind);
      for (const method of ["configure", "check", "diff", "create", "read", "update", "delete"] as const) expect(typeof provider[method], `${kind}.${method}`).toBe("function");
    }
    expect(() => resourceProvider("Story" as never)).toThrow('pulumi-tines has no resource kind "Story": upgrade the pulumi-tines package');
  });

  it("names each kind's exported class", () => {
    for (const kind of kinds) {
      const { className } = tinesResourceRegistry[kind]().definition;
      expect(typeof (pulumiTines as Record<string, unknown>)[className], className).toBe("function");
    }
  });

  it("drives the runner's delete order among resources that do not depend on each other", () => {
    const states = [...kinds].reverse().map((kind) => ({ kind, name: kind, urn: `urn:pulumi:dev::p::${tinesTypeToken(kind)}::${kind}`, id: "1", inputs: {}, outputs: {} }));
    const tiers = inDeletionOrder(states).map((state: { kind: (typeof kinds)[number] }) => tinesResourceRegistry[state.kind]().definition.deletionTier);
    expect(tiers).toEqual([...tiers].sort((a, b) => a - b));
    // Memberships and rosters go before the users and teams they name, teams before the roles their members hold.
    const order = inDeletionOrder(states).map((state: { kind: string }) => state.kind);
    expect(order.indexOf("TeamMembership")).toBeLessThan(order.indexOf("User"));
    expect(order.indexOf("TeamMembers")).toBeLessThan(order.indexOf("Team"));
    expect(order.indexOf("Team")).toBeLessThan(order.indexOf("CustomRole"));
  });
});
