import { describe, expect, it } from "vitest";
import { TinesApiError, errorKindOf, maxQuotedBodyLength, parseTinesErrorMessage } from "../../src/client";

describe("Tines error bodies", () => {
  it("reads every documented error shape", () => {
    expect(parseTinesErrorMessage('{"errors":[{"message":"Email has already been taken","details":"a@b.c"}]}')).toBe(
      "Email has already been taken (a@b.c)",
    );
    expect(parseTinesErrorMessage('{"errors":[{"message":"one"},{"message":"two"}]}')).toBe("one; two");
    expect(parseTinesErrorMessage('["Name can\'t be blank","Vendor can\'t be blank"]')).toBe(
      "Name can't be blank; Vendor can't be blank",
    );
    expect(parseTinesErrorMessage('{"error":"Cannot remove the last member of a team"}')).toBe(
      "Cannot remove the last member of a team",
    );
    expect(parseTinesErrorMessage('{"message":"Not found"}')).toBe("Not found");
    expect(parseTinesErrorMessage("<html><body>Bad   Gateway</body></html>")).toBe("<html><body>Bad Gateway</body></html>");
    expect(parseTinesErrorMessage("")).toBe("(empty body)");
  });

  it("cuts raw text to a readable length", () => {
    const message = parseTinesErrorMessage("x".repeat(5_000));
    expect(message.length).toBe(maxQuotedBodyLength + 1);
    expect(message.endsWith("…")).toBe(true);
  });

  it("tells the kinds of failure apart", () => {
    expect(errorKindOf(404)).toBe("not_found");
    expect(errorKindOf(409)).toBe("conflict");
    expect(errorKindOf(422)).toBe("validation");
    expect(errorKindOf(401)).toBe("unauthorized");
    expect(errorKindOf(403)).toBe("forbidden");
    expect(errorKindOf(429)).toBe("rate_limited");
    expect(errorKindOf(503)).toBe("server");
    expect(errorKindOf(418)).toBe("client");
    const error = new TinesApiError({
      request: { method: "GET", path: "/api/v1/admin/users/1" },
      status: 404,
      tinesMessage: "User not found",
      attempts: 1,
    });
    expect(error.isNotFound).toBe(true);
    expect(error.isServerError).toBe(false);
    expect(error.message).toBe("Tines API GET /api/v1/admin/users/1 failed: 404 User not found");
  });
});
