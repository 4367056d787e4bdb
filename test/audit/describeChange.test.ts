import { describe, expect, it } from "vitest";
import { describeChange } from "../../src/audit/attribution";

describe("a drift line's words for a changed list", () => {
  it("names a member by email or user id whatever the order of their keys, and only what changed", () => {
    const before = [{ role: "TEAM_ADMIN", userId: 2 }, { email: "Grace@example.com", role: "EDITOR" }];
    const after = [{ userId: 2, role: "TEAM_ADMIN" }, { role: "VIEWER", email: "grace@example.com" }, { email: "eve@example.com", role: "VIEWER" }];
    expect(describeChange({ property: "members", before, after })).toBe("members +eve@example.com (VIEWER), grace@example.com EDITOR → VIEWER");
  });

  it("says nothing changed in a list whose items only changed key order", () => {
    const line = describeChange({ property: "members", before: [{ role: "EDITOR", userId: 5 }], after: [{ userId: 5, role: "EDITOR" }] });
    expect(line).not.toMatch(/[+-]user 5/);
  });
});
