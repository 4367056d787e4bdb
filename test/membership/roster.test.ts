import { describe, expect, it } from "vitest";
import { checkRoster } from "../../src/membership";

// A roster's check (src/membership/roster.ts): every problem at once, repeats looked for among the
// entries whose identity passed.

describe("checkRoster", () => {
  it("compares an entry that failed only on its role for repeats, and leaves out one that failed on who it is", () => {
    const { failures } = checkRoster({
      members: [{ userId: "not a number" }, { email: "ada@example.com", role: 5 }, { email: "ADA@example.com" }, { email: "not an email" }, { email: "not an email" }],
    });
    const properties = failures.map((failure) => failure.property);
    expect(properties).toContain("members[0].userId");
    expect(properties).toContain("members[1].role");
    expect(failures).toContainEqual({ property: "members[2].email", reason: "declares ADA@example.com again (already members[1]): declare each member once" });
    // The two invalid emails fail on their own, and are not reported as a repeat of each other.
    expect(properties.filter((property) => property.startsWith("members[4]"))).toEqual(["members[4].email"]);
    expect(failures.filter((failure) => failure.reason.includes("again"))).toHaveLength(1);
  });

  it("leaves out an entry that is not an object at all, and still compares the ignored members with the declared ones", () => {
    const { failures } = checkRoster({ members: ["ada@example.com", { userId: 5 }], ignoredMembers: [5] });
    expect(failures).toEqual([
      { property: "members[0]", reason: "must be { userId } or { email }, with an optional role" },
      { property: "ignoredMembers[0]", reason: "5 is also declared in members[1]: a member is either declared or ignored" },
    ]);
  });
});
