import { describe, expect, it } from "vitest";
import { attemptBudget, backoffDelay, defaultRetryOptions, isRetryable, parseRetryAfter } from "../../src/client";

describe("retry policy", () => {
  it("retries 429 for every request, since Tines refused it unprocessed", () => {
    expect(isRetryable({ type: "status", status: 429 }, true)).toBe(true);
    expect(isRetryable({ type: "status", status: 429 }, false)).toBe(true);
  });

  it("retries 5xx only for requests that are safe to repeat", () => {
    for (const status of [500, 502, 503, 504]) {
      expect(isRetryable({ type: "status", status }, true)).toBe(true);
      expect(isRetryable({ type: "status", status }, false)).toBe(false);
    }
  });

  it("never retries a client error", () => {
    for (const status of [400, 401, 403, 404, 409, 422]) {
      expect(isRetryable({ type: "status", status }, true)).toBe(false);
    }
  });

  it("retries a create only when the connection failed before anything was sent", () => {
    expect(isRetryable({ type: "connection", sent: false, timedOut: false }, false)).toBe(true);
    expect(isRetryable({ type: "connection", sent: true, timedOut: false }, false)).toBe(false);
    expect(isRetryable({ type: "connection", sent: true, timedOut: true }, false)).toBe(false);
    expect(isRetryable({ type: "connection", sent: true, timedOut: true }, true)).toBe(true);
  });

  it("gives 429s a larger attempt budget than other failures", () => {
    expect(attemptBudget({ type: "status", status: 429 }, defaultRetryOptions)).toBe(12);
    expect(attemptBudget({ type: "status", status: 503 }, defaultRetryOptions)).toBe(5);
    expect(attemptBudget({ type: "connection", sent: true, timedOut: true }, defaultRetryOptions)).toBe(5);
  });

  it("reads Retry-After as seconds or as an HTTP date, clamped", () => {
    const now = Date.parse("2026-11-23T10:00:00Z");
    expect(parseRetryAfter("3", now, 60_000)).toBe(3_000);
    expect(parseRetryAfter("0.5", now, 60_000)).toBe(500);
    expect(parseRetryAfter("Mon, 23 Nov 2026 10:00:10 GMT", now, 60_000)).toBe(10_000);
    expect(parseRetryAfter("Mon, 23 Nov 2026 09:59:00 GMT", now, 60_000)).toBe(0);
    expect(parseRetryAfter("86400", now, 60_000)).toBe(60_000);
    expect(parseRetryAfter("soon", now, 60_000)).toBeUndefined();
    expect(parseRetryAfter(undefined, now, 60_000)).toBeUndefined();
  });

  it("backs off exponentially with jitter, up to the cap", () => {
    const options = { ...defaultRetryOptions, baseDelayMs: 100, maxDelayMs: 1_000 };
    expect(backoffDelay(1, options, () => 0)).toBe(50);
    expect(backoffDelay(1, options, () => 1)).toBe(100);
    expect(backoffDelay(3, options, () => 1)).toBe(400);
    expect(backoffDelay(10, options, () => 1)).toBe(1_000);
    expect(backoffDelay(10, options, () => 0)).toBe(500);
  });
});
