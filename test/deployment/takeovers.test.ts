/**
 * The takeover ledger (src/deployment/takeovers.ts): what one provider process records of the
 * objects its creates took over, as another provider process of the machine reads it.
 */
import { mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { TakeoverLedger, takeoverDirectoryVariable, takeoverMemoryMs } from "../../src/deployment/takeovers";

let directory: string;
beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), "takeovers-test-"));
  process.env[takeoverDirectoryVariable] = directory;
});
afterEach(() => {
  delete process.env[takeoverDirectoryVariable];
  rmSync(directory, { recursive: true, force: true });
});

describe("the takeover ledger", () => {
  it("tells another process's ledger of the same tenant that an object was taken over, and no other tenant's", () => {
    new TakeoverLedger("https://acme.tines.com").record("Team", "5", "new-resource");
    const oldProvider = new TakeoverLedger("https://acme.tines.com");
    expect(oldProvider.takenOverByAnother("Team", "5", "old-resource")).toBe(true);
    expect(oldProvider.takenOverByAnother("Team", "5", "new-resource")).toBe(false);
    expect(oldProvider.takenOverByAnother("Team", "6", "old-resource")).toBe(false);
    expect(new TakeoverLedger("https://other.tines.com").takenOverByAnother("Team", "5", "old-resource")).toBe(false);
  });

  it("forgets a deleted object, and a takeover older than a deployment can last", () => {
    const ledger = new TakeoverLedger("https://acme.tines.com");
    ledger.record("User", "1", "a");
    ledger.forget("User", "1");
    expect(new TakeoverLedger("https://acme.tines.com").takenOverByAnother("User", "1", "b")).toBe(false);

    ledger.record("User", "2", "a");
    const [file] = readdirSync(directory);
    writeFileSync(join(directory, file!), JSON.stringify({ token: "a", at: Date.now() - takeoverMemoryMs - 1 }));
    expect(new TakeoverLedger("https://acme.tines.com").takenOverByAnother("User", "2", "b")).toBe(false);
  });

  it("removes files no delete will read any more, at a process's first takeover", () => {
    const stale = join(directory, "stale");
    writeFileSync(stale, "{}");
    const longAgo = (Date.now() - takeoverMemoryMs - 60_000) / 1000;
    utimesSync(stale, longAgo, longAgo);
    new TakeoverLedger("https://acme.tines.com").record("Team", "1", "a");
    expect(readdirSync(directory)).toHaveLength(1);
    expect(readdirSync(directory)).not.toContain("stale");
  });
});
