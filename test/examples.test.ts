import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { seedTenant, startTinesSimulator, type TinesSimulator } from "../src/simulator";
// The built runner: it starts its compiled child-process entry beside itself.
import { runProgramInChildProcess, type ProgramRunOptions } from "../dist-tools/runner/programRunner";
import { repositoryRoot } from "./helpers/host";

const bootstrap = join(repositoryRoot, "examples", "bootstrap");
let simulator: TinesSimulator;
let workDirectory: string;

beforeAll(async () => {
  simulator = await startTinesSimulator({ userDeletionDelayMs: 0 });
  seedTenant(simulator.state, ["Security Operations", "IT Operations"]);
  workDirectory = mkdtempSync(join(tmpdir(), "bootstrap-test-"));
});
afterAll(async () => {
  await simulator.stop();
  rmSync(workDirectory, { recursive: true, force: true });
});

type Person = { email: string; teams?: Record<string, string> };

function options(rosterPath: string, statePath: string): ProgramRunOptions {
  return {
    programDirectory: bootstrap,
    statePath,
    config: { "tines:tenant": simulator.url, "tines:apiKey": simulator.apiKey, "tines-bootstrap:roster": rosterPath },
    secretKeys: ["tines:apiKey"],
  };
}

type Roster = { people: Person[]; teams?: unknown[]; customRoles?: unknown[] };

function writeRoster(path: string, edit: (roster: Roster) => void): void {
  const roster = parse(readFileSync(join(bootstrap, "roster.yaml"), "utf8")) as Roster;
  edit(roster);
  writeFileSync(path, stringify(roster));
}

describe("examples", () => {
  // The docs pages' example programs too (docs/src/**/*.example.ts): one tsc run for both,
  // test/examplePrograms.tsconfig.json, is about 3 s of CPU less than one each.
  it("type-check against the package's public API, as do the example programs of the docs' pages", () => {
    execFileSync(process.execPath, [require.resolve("typescript/bin/tsc"), "-p", join(repositoryRoot, "test", "examplePrograms.tsconfig.json")], {
      cwd: repositoryRoot,
      stdio: "pipe",
    });
  });

  // Two program runs, each starting a host and transpiling the program: about a minute alone on a busy 2-core machine.
  it("bootstrap: the roster drives users, the teams' members and the template", async () => {
    const rosterPath = join(workDirectory, "roster.yaml");
    const statePath = join(workDirectory, "state.json");
    writeRoster(rosterPath, () => {});
    const first = await runProgramInChildProcess(options(rosterPath, statePath));
    expect(first.errors).toEqual([]);
    const summary = first.outputs.summary as { users: Record<string, number>; memberships: Array<{ team: string; email: string; role: string }>; templateId: string };
    expect(Object.keys(summary.users).sort()).toEqual(["ada.lovelace@example.com", "alan.turing@example.com", "grace.hopper@example.com"]);
    expect(summary.memberships).toHaveLength(6);
    expect(summary.memberships).toContainEqual({ team: "Detection Engineering", email: "grace.hopper@example.com", role: "DETECTION_REVIEWER" });
    expect(simulator.state.getTemplate(summary.templateId).action_inputs).toHaveLength(3);
    // Adopted teams are taken over with their member lists: the seeded owner, whom the roster does
    // not put there, is no longer on them.
    const itOperations = simulator.state.listTeams("all").find((team) => team.name === "IT Operations")!;
    expect(simulator.state.membersOf(itOperations.id).map((member) => `${member.email} ${member.role}`).sort()).toEqual([
      "ada.lovelace@example.com VIEWER",
      "alan.turing@example.com TEAM_ADMIN",
    ]);

    // Adding a line adds a user, changing a role changes it on the team, removing a line removes the user.
    writeRoster(rosterPath, (roster) => {
      roster.people.find((person) => person.email.startsWith("grace"))!.teams!["Security Operations"] = "TEAM_ADMIN";
      roster.people = roster.people.filter((person) => !person.email.startsWith("alan"));
      roster.people.push({ email: "new.person@example.com", teams: { "IT Operations": "EDITOR" } });
    });
    const second = await runProgramInChildProcess(options(rosterPath, statePath));
    expect(second.errors).toEqual([]);
    const changed = second.steps.filter((step) => step.operation !== "same").map((step) => `${step.operation} ${step.name}`);
    expect(changed.sort()).toEqual(
      [
        "create user-new.person@example.com",
        "update team-it-operations",
        "update team-security-operations",
        "delete user-alan.turing@example.com",
      ].sort(),
    );
    expect(simulator.state.findUserByEmail("alan.turing@example.com")).toBeUndefined();
    expect(simulator.state.teamMembershipsOf(simulator.state.findUserByEmail("new.person@example.com")!.id)).toEqual([
      { team_id: itOperations.id, team_name: "IT Operations", role: "EDITOR" },
    ]);
  }, 180_000); // two program runs, each starting a host: slow on a loaded machine

  it("bootstrap: an empty tenant gets the roster's teams and custom role first, and one destroy removes everything", async () => {
    const empty = await startTinesSimulator({ userDeletionDelayMs: 0 });
    try {
      const rosterPath = join(workDirectory, "empty-tenant.yaml");
      const statePath = join(workDirectory, "empty-tenant.json");
      writeRoster(rosterPath, () => {});
      const config = { "tines:tenant": empty.url, "tines:apiKey": empty.apiKey, "tines-bootstrap:roster": rosterPath };
      // With preview checks on, the preview passes: the custom role the stack makes counts as a role.
      const preview = await runProgramInChildProcess({ programDirectory: bootstrap, statePath, config: { ...config, "tines:previewChecks": "true" }, preview: true });
      expect(preview.errors).toEqual([]);
      expect(empty.state.listTeams("all")).toEqual([]);
      const up = await runProgramInChildProcess({ programDirectory: bootstrap, statePath, config });
      expect(up.errors).toEqual([]);
      expect(empty.state.listTeams("all").map((team) => team.name).sort()).toEqual(["Detection Engineering", "IT Operations", "Security Operations"]);
      const detection = empty.state.listTeams("all").find((team) => team.name === "Detection Engineering")!;
      expect(empty.state.membersOf(detection.id).map((member) => `${member.email} ${member.role}`).sort()).toEqual([
        "ada.lovelace@example.com TEAM_ADMIN",
        "grace.hopper@example.com DETECTION_REVIEWER",
      ]);
      // The role and the users exist before a team names them as its members.
      const created = (name: string) => up.steps.findIndex((step) => step.name === name && step.operation === "create");
      expect(created("team-detection-engineering")).toBeGreaterThan(
        Math.max(created("role-detection-reviewer"), created("user-ada.lovelace@example.com"), created("user-grace.hopper@example.com")),
      );
      const destroyed = await runProgramInChildProcess({ programDirectory: bootstrap, statePath, config, destroy: true });
      expect(destroyed.errors).toEqual([]);
      expect(empty.state.listTeams("all")).toEqual([]);
      expect(empty.state.listRoles().filter((role) => role.type === "custom")).toEqual([]);
      expect(empty.state.listUsers()).toEqual([]);
    } finally {
      await empty.stop();
    }
  }, 180_000); // three program runs, each starting a host: can outlast the 60 s default on a loaded machine

  it("bootstrap: a team the tenant does not have stops the program with its name, before any change", async () => {
    const rosterPath = join(workDirectory, "missing-team.yaml");
    writeRoster(rosterPath, (roster) => {
      roster.people = [{ email: "x@example.com", teams: { "Red Team": "VIEWER" } }];
    });
    const usersBefore = simulator.state.listUsers().length;
    const result = await runProgramInChildProcess({ ...options(rosterPath, join(workDirectory, "other.json")), preview: true });
    expect(result.errors.join("\n")).toContain('no team named "Red Team"');
    expect(simulator.state.listUsers()).toHaveLength(usersBefore);
  });

  it("bootstrap: preview checks are on by default (a tenant and a key only), and a preview reports each resource's tenant problem once", async () => {
    const rosterPath = join(workDirectory, "checked.yaml");
    simulator.state.createUser({ email: "taken.by.hand@example.com" });
    writeRoster(rosterPath, (roster) => {
      // The teams and the custom role were made by the first test's stack: this one looks teams up.
      roster.teams = [];
      roster.customRoles = [];
      roster.people = [
        { email: "taken.by.hand@example.com", teams: {} },
        { email: "typo@example.com", teams: { "IT Operations": "TEAM_ADMNI" } },
      ];
    });
    const checked = options(rosterPath, join(workDirectory, "checked.json"));
    expect(Object.keys(checked.config).sort()).toEqual(["tines-bootstrap:roster", "tines:apiKey", "tines:tenant"]);
    const result = await runProgramInChildProcess({ ...checked, preview: true });
    expect(result.exitCode).toBe(1);
    expect(result.errors).toHaveLength(2);
    // Each resource is named once, by its URN, not by its name and then its URN again.
    for (const error of result.errors) expect(error).toMatch(/^urn:pulumi:dev::tines-bootstrap::[^ ]+::(user|membership)-[^ ]+: (email|role): /);
    expect(result.errors[0]).toContain("email: a Tines user with the email taken.by.hand@example.com already exists");
    expect(result.errors[1]).toContain('role: "TEAM_ADMNI" is not a role');
  });

  it("bootstrap: a roster mistake names the file and the field", async () => {
    const rosterPath = join(workDirectory, "broken.yaml");
    writeFileSync(rosterPath, stringify({ people: [{ email: "" }] }));
    const result = await runProgramInChildProcess({ ...options(rosterPath, join(workDirectory, "broken.json")), preview: true });
    expect(result.errors.join("\n")).toContain(`The roster ${rosterPath} has mistakes`);
    expect(result.errors.join("\n")).toContain("people.0.email");
  });
});
