import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { columns, describeStep, describeTenant } from "../tools/demo/format";
import { HostRunner, type DemoStep } from "../tools/demo/hostRunner";
// Compiled, as test/runner's tests use the runner: it starts the program in a child process from dist-tools.
import { HostRunner as CompiledHostRunner } from "../dist-tools/demo/hostRunner";
import { changeOutsidePulumi, refreshAfter } from "../dist-tools/demo/refresh";
import { seededOwnerEmail, seedTenant, startTinesSimulator, type TinesSimulator } from "../src/simulator";
import { repositoryRoot } from "./helpers/host";

let simulator: TinesSimulator;

beforeAll(async () => {
  simulator = await startTinesSimulator({ userDeletionDelayMs: 0 });
  seedTenant(simulator.state, ["Security Operations", "IT Operations"]);
});
afterAll(() => simulator?.stop());

describe("the demo's own lines", () => {
  it("put every step's kind and name in one column, whatever the operation", () => {
    const steps: DemoStep[] = [
      { kind: "User", name: "ada", operation: "create" },
      { kind: "TeamMembership", name: "grace", operation: "replace", replaces: ["role"] },
      { kind: "PrivateTemplate", name: "template", operation: "same" },
      { kind: "User", name: "alan", operation: "delete" },
      { kind: "User", name: "grace", operation: "update" },
    ];
    const lines = steps.map(describeStep);
    expect(new Set(lines.map((line, index) => line.indexOf(steps[index]!.kind))).size).toBe(1);
    expect(new Set(lines.map((line, index) => line.indexOf(` ${steps[index]!.name}`))).size).toBe(1);
  });

  it("line up table columns however long a cell is", () => {
    const lines = columns([
      ["1", "owner@example.com", "Tenant Owner", "active"],
      ["12", "katherine.johnson@example.com", "Katherine Johnson", "active, AUDIT_LOG_READ"],
    ], [0]);
    expect(lines[0]!.indexOf("owner@")).toBe(lines[1]!.indexOf("katherine.johnson@"));
    expect(lines[0]!.indexOf("Tenant")).toBe(lines[1]!.indexOf("Katherine Johnson"));
    expect(lines[0]!.indexOf("active")).toBe(lines[1]!.indexOf("active"));
  });

  it("give counts that match what they list", async () => {
    for (const email of ["ada@example.com", "katherine.johnson@example.com", "grace@example.com"]) {
      const user = simulator.state.createUser({ email, first_name: "Katherine", last_name: "Johnson-Smythe" });
      simulator.state.seedMembership(1, user.id, "EDITOR");
    }
    for (let index = 0; index < 8; index += 1) simulator.state.createUser({ email: `invited${index}@example.com` });
    const lines = await describeTenant(simulator);
    const listedUnder = (heading: RegExp) => {
      const start = lines.findIndex((line) => heading.test(line));
      const end = lines.findIndex((line, index) => index > start && !line.startsWith("    "));
      return lines.slice(start + 1, end === -1 ? undefined : end);
    };
    const users = simulator.state.listUsers().length;
    expect(lines).toContain(`  Users (${users})`);
    const userLines = listedUnder(/^ {2}Users \(/);
    expect(userLines).toHaveLength(users);
    expect(new Set(userLines.map((line) => line.search(/\S+@example\.com/))).size).toBe(1);
    const memberships = listedUnder(/^ {2}Team memberships \(/).join("; ").split("; ").filter((each) => / as /.test(each)).length;
    expect(lines.find((line) => line.startsWith("  Team memberships"))).toBe(`  Team memberships (${memberships})`);
    const invitations = lines.find((line) => line.startsWith("  Invitation emails"))!;
    const shown = listedUnder(/^ {2}Invitation emails/).length;
    const sent = simulator.state.snapshot().outbox.length;
    expect(invitations).toBe(`  Invitation emails sent so far: ${sent}${shown < sent ? `; the last ${shown}:` : ""}`);
  });

  it("say when a step runs without the Pulumi CLI", () => {
    const runner = new HostRunner("/nowhere", "/nowhere/state.json", {}, "p");
    expect(runner.command("up")).toBe("up (CLI-free runner, no Pulumi CLI)");
    expect(runner.command("up")).not.toMatch(/^pulumi up/);
  });
});

describe("the demo's refresh", () => {
  it("records every change made outside Pulumi, in fewer requests than resources, and the state holds what Tines holds", { timeout: 120_000 }, async () => {
    const tenant = await startTinesSimulator({ userDeletionDelayMs: 0 });
    const workDirectory = mkdtempSync(join(tmpdir(), "pulumi-tines-demo-test-"));
    try {
      tenant.state.acceptInvitation(tenant.state.createUser({ email: seededOwnerEmail, first_name: "Tenant", last_name: "Owner", admin: true }).id);
      const statePath = join(workDirectory, "state.json");
      const config = { "tines:tenant": tenant.url, "tines:apiKey": tenant.apiKey, "tines-bootstrap:roster": join(repositoryRoot, "examples", "bootstrap", "roster.yaml") };
      const runner = new CompiledHostRunner(join(repositoryRoot, "examples", "bootstrap"), statePath, config, "tines-bootstrap");
      const created = await runner.up(() => {});
      expect(created.every((step) => !step.error)).toBe(true);

      const changes = changeOutsidePulumi(tenant);
      const lines: string[] = [];
      const refresh = await refreshAfter(runner, tenant, changes, (step) => lines.push(describeStep(step)));
      expect(refresh.missed).toEqual([]);
      const updated = refresh.steps.filter((step) => step.operation === "update").map((step) => step.kind).sort();
      expect(updated).toEqual(["PrivateTemplate", "Team", "User"]);
      expect(refresh.steps.filter((step) => step.operation === "same")).toHaveLength(refresh.steps.length - 3);
      // Every resource read, and reads shared: fewer requests than resources; the changes found
      // are attributed from the audit logs in requests of their own, counted apart.
      expect(refresh.steps).toHaveLength(created.length);
      expect(refresh.requests).toBeGreaterThan(0);
      expect(refresh.requests).toBeLessThan(refresh.steps.length);
      expect(refresh.auditLogRequests).toBeLessThanOrEqual(1);
      expect(lines.join("\n")).toContain('lastName: "Lovelace" -> "King"');
      // The state now records what Tines holds.
      const state = readFileSync(statePath, "utf8");
      expect(state).toContain('"lastName": "King"');
      const again = await refreshAfter(runner, tenant, [], () => {});
      expect(again.steps.every((step) => step.operation === "same")).toBe(true);
    } finally {
      await tenant.stop();
      rmSync(workDirectory, { recursive: true, force: true });
    }
  });
});
