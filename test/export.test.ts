/**
 * `pulumi-tines export` against a seeded tenant of 1,050 users, and its promise end to end: the
 * bootstrap example pointed at the exported roster adopts everything without one write to Tines,
 * a second `up` changes nothing, and an edit to the roster previews exactly that edit.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { exportRoster, type ExportedPerson, type ExportedRoster } from "../src/cli/export";
import { TinesClient } from "../src/client";
import { seedTenant, seededOwnerEmail, startTinesSimulator, type TinesSimulator } from "../src/simulator";
// The built runner: it starts its compiled child-process entry beside itself.
import { runProgramInChildProcess, type ProgramRunOptions } from "../dist-tools/runner/programRunner";
import { repositoryRoot } from "./helpers/host";

const run = promisify(execFile);
const cli = join(repositoryRoot, "dist", "cli", "index.js");
const bootstrap = join(repositoryRoot, "examples", "bootstrap");
/** Tines' real limits, a thousand times faster, on both sides: the rate is not what these tests are about. */
const timeScale = 1000;
const userCount = 1_050;
/**
 * Users on teams (the first ones; the rest are on none): the round trip adopts these, so they set
 * its cost, not the tenant's size, which the export of the whole tenant is about.
 */
const usersOnTeams = 60;
const teamNames = ["Security Operations", "IT Operations", "Detection Engineering"];
const roles = ["VIEWER", "EDITOR", "TEAM_ADMIN", "CASE_MANAGER"];

let simulator: TinesSimulator;
let workDirectory: string;
let client: TinesClient;

/**
 * Seeds the tenant: 1,050 users (one deactivated, one contractor), the first 60 with memberships on
 * three teams with default and custom roles, one template, and SCIM on, with a user group mapping.
 */
function seed(): void {
  const state = simulator.state;
  seedTenant(state, teamNames);
  state.addCustomRole("DETECTION_REVIEWER", { description: "Reviews detection stories", permissions: ["STORY_READ", "STORY_COMMENT"] });
  const teams = state.listTeams();
  for (let index = 1; index <= userCount - 2; index++) {
    const number = String(index).padStart(4, "0");
    const user = state.createUser({
      email: `user${number}@example.com`,
      first_name: `First${number}`,
      last_name: index % 7 === 0 ? "" : `Last${number}`,
      admin: index === 5,
      tenant_permissions: index % 50 === 0 ? ["AUDIT_LOG_READ", "API_KEY_CREATE"] : [],
    });
    // The first users are on one or two teams with various roles; the rest are on none.
    if (index <= usersOnTeams) {
      state.seedMembership(teams[index % 3]!.id, user.id, index % 3 === 2 && index % 4 === 0 ? "DETECTION_REVIEWER" : roles[index % 4]);
      if (index % 5 === 0) state.seedMembership(teams[(index + 1) % 3]!.id, user.id, "VIEWER");
    }
  }
  const gone = state.createUser({ email: "left.last.year@example.com", first_name: "Left" });
  state.updateUser(gone.id, { is_active: false });
  state.createUser({ email: "temp.worker@contractor.example" });
  state.createTemplate({
    name: "Check an IP address",
    description: "Asks the reputation service",
    vendor: "AbuseIPDB",
    product: "IP reputation",
    agent_type: "Agents::HTTPRequestAgent",
    agent_options: { url: "https://api.abuseipdb.com/api/v2/check", method: "get" },
    team_id: teams[0]!.id,
    action_inputs: [{ name: "ip_address", type: "TEXT", required: true, description: "The address" }],
  });
  // People come from SCIM (tines-api.md, "SCIM"): Tines refuses user writes, and the user group
  // mapping says who gets which team; the round trip must adopt it too, without a write.
  state.replaceScimMapping({
    mappings: [
      { group_name: "okta-secops", team_name: "Security Operations", role_name: "EDITOR" },
      { group_name: "okta-detection", team_name: "Detection Engineering", role_name: "DETECTION_REVIEWER" },
    ],
    tenant_owners_group: "okta-tines-admins",
  });
  state.setScim(true);
}

beforeAll(async () => {
  simulator = await startTinesSimulator({ userDeletionDelayMs: 0, rateLimits: { timeScale } });
  seed();
  workDirectory = mkdtempSync(join(tmpdir(), "export-test-"));
  client = new TinesClient(
    { tenantUrl: simulator.url, apiKey: simulator.apiKey },
    { rateLimits: { default: { requests: 5000, windowMs: 60_000 / timeScale }, adminUsers: { requests: 500, windowMs: 60_000 / timeScale } } },
  );
});
afterAll(async () => {
  await client.close();
  await simulator.stop();
  rmSync(workDirectory, { recursive: true, force: true });
});

function exportWithCli(args: string[], apiKey = simulator.apiKey) {
  return run(process.execPath, [cli, "export", ...args], {
    env: { ...process.env, TINES_TENANT: simulator.url, TINES_API_KEY: apiKey, TINES_RATE_LIMIT_TIME_SCALE: String(timeScale) },
  });
}

const writes = () => simulator.log.filter((entry) => !["GET", "HEAD"].includes(entry.method));

describe("pulumi-tines export", () => {
  it("writes every active user, team, membership, custom role and template of a 1,050-user tenant, sorted, byte-identical twice, with GET requests only", async () => {
    const out = join(workDirectory, "tenant.yaml");
    const logBefore = simulator.log.length;
    const first = await exportWithCli(["--out", out, "--templates"]);
    const text = readFileSync(out, "utf8");
    const second = await exportWithCli(["--templates"]);
    expect(second.stdout).toBe(text);
    // JSON for a .json name, the same roster.
    await exportWithCli(["--out", join(workDirectory, "tenant.json"), "--templates", "--quiet"]);
    expect(JSON.parse(readFileSync(join(workDirectory, "tenant.json"), "utf8"))).toEqual(parse(text));
    expect(simulator.log.slice(logBefore).every((entry) => entry.method === "GET")).toBe(true);

    // Progress for a large tenant, then the summary.
    expect(first.stderr).toContain("users: page 2 read, 1000 users so far");
    expect(first.stderr).toMatch(new RegExp(`Exported ${userCount} users, 3 teams, \\d+ memberships, 1 custom roles, 1 private templates, the SCIM user group mapping \\(2 lines\\) from http://127\\.0\\.0\\.1:\\d+; left out 1 deactivated`));

    const roster = parse(text) as ExportedRoster;
    expect(roster.teams).toEqual(teamNames.toSorted().map((name) => ({ name, existing: true })));
    expect(roster.customRoles).toEqual([{ name: "DETECTION_REVIEWER", description: "Reviews detection stories", permissions: ["STORY_COMMENT", "STORY_READ"], adoptExisting: true }]);
    expect(roster.people).toHaveLength(userCount);
    expect(roster.people.map((person) => person.email)).toEqual(roster.people.map((person) => person.email).toSorted());
    expect(roster.people.every((person) => person.adoptExisting === true)).toBe(true);
    expect(roster.people.find((person) => person.email === seededOwnerEmail)).toEqual({
      email: seededOwnerEmail,
      firstName: "Tenant",
      lastName: "Owner",
      admin: true,
      // A tenant owner taken over is only ever deactivated by the stack, never deleted.
      deletionMode: "deactivate",
      adoptExisting: true,
      teams: { "Detection Engineering": "TEAM_ADMIN", "IT Operations": "TEAM_ADMIN", "Security Operations": "TEAM_ADMIN" },
    });
    expect(roster.people.find((person) => person.email === "user0050@example.com")).toMatchObject({ tenantPermissions: ["API_KEY_CREATE", "AUDIT_LOG_READ"] });
    expect(roster.people.some((person) => Object.values(person.teams).includes("DETECTION_REVIEWER"))).toBe(true);
    const memberships = roster.people.reduce((sum, person) => sum + Object.keys(person.teams).length, 0);
    expect(memberships).toBe(simulator.state.listTeams().reduce((sum, team) => sum + simulator.state.membersOf(team.id).length, 0));
    // The mapping whole, lines sorted, for adoption.
    expect(roster.scimGroupMapping).toEqual({
      mappings: [
        { group: "okta-detection", team: "Detection Engineering", role: "DETECTION_REVIEWER" },
        { group: "okta-secops", team: "Security Operations", role: "EDITOR" },
      ],
      tenantOwnersGroup: "okta-tines-admins",
      adoptExisting: true,
    });
    expect(roster.templates).toEqual([
      {
        name: "Check an IP address",
        description: "Asks the reputation service",
        vendor: "AbuseIPDB",
        product: "IP reputation",
        team: "Security Operations",
        agentType: "Agents::HTTPRequestAgent",
        agentOptions: { url: "https://api.abuseipdb.com/api/v2/check", method: "get" },
        readAccess: "TEAM",
        actionInputs: [{ name: "ip_address", type: "TEXT", required: true, description: "The address" }],
        adoptExisting: true,
      },
    ]);
  });

  it("narrows to teams, leaves out emails by pattern, and keeps deactivated users only when asked (as isActive: false)", async () => {
    const narrowed = await exportRoster(client, { teams: ["Detection Engineering"], excludeEmails: ["*@CONTRACTOR.example", "user00?1@*"] });
    expect(narrowed.roster.teams).toEqual([{ name: "Detection Engineering", existing: true }]);
    expect(narrowed.roster.people.every((person) => Object.keys(person.teams).join() === "Detection Engineering")).toBe(true);
    expect(narrowed.roster.people.some((person) => /^user00.1@/.test(person.email))).toBe(false);
    expect(narrowed.summary.skippedExcluded).toBe(1 + 10);

    const everyone = await exportRoster(client, { includeDeactivated: true });
    expect(everyone.roster.people.find((person) => person.email === "left.last.year@example.com")).toEqual({
      email: "left.last.year@example.com",
      firstName: "Left",
      isActive: false,
      adoptExisting: true,
      teams: {},
    } satisfies ExportedPerson);

    await expect(exportRoster(client, { teams: ["Red Team"] })).rejects.toThrow('--team: no team is named "Red Team"');
  });

  it("a refused key (401) or one without the rights (403) gets a message saying what to do, without the key; a key on the command line is refused", async () => {
    const refused = await exportWithCli([], "wrong-key-123").catch((error: { code: number; stderr: string }) => error);
    expect((refused as { code: number }).code).toBe(1);
    expect((refused as { stderr: string }).stderr).toContain("401");
    expect((refused as { stderr: string }).stderr).toContain("Tines refused the API key: check TINES_API_KEY");
    // Said once, in a command line's terms: no stack config advice, no doubled full stop.
    expect((refused as { stderr: string }).stderr).not.toContain("tines:apiKey");
    expect((refused as { stderr: string }).stderr).not.toContain("..");
    expect((refused as { stderr: string }).stderr).not.toContain("wrong-key-123");

    const teamKey = simulator.createTeamApiKey(simulator.state.listTeams()[0]!.id);
    const forbidden = await exportWithCli([], teamKey).catch((error: { code: number; stderr: string }) => error);
    expect((forbidden as { code: number }).code).toBe(1);
    expect((forbidden as { stderr: string }).stderr).toContain("403");
    expect((forbidden as { stderr: string }).stderr).toContain("exporting users and roles needs a tenant-owner key");

    const onCommandLine = await exportWithCli(["--api-key", "abc"]).catch((error: { code: number; stderr: string }) => error);
    expect((onCommandLine as { code: number }).code).toBe(2);
    expect((onCommandLine as { stderr: string }).stderr).toContain("set TINES_API_KEY instead");
  });

  it(
    "export, then up: everything adopted (the SCIM user group mapping too) with no write to Tines; a second up changes nothing; an edit previews exactly that edit",
    async () => {
      // Narrowed to the three teams: their members (every user on a team, and the owner), their
      // memberships, the custom role and the template; adoption still reads the directory of the
      // whole 1,050-user tenant. The whole tenant is exported in the test above; adopting every
      // one of them here would only repeat the same steps at a cost `npm test` cannot afford.
      const { roster } = await exportRoster(client, { templates: true, teams: teamNames });
      expect(roster.people).toHaveLength(usersOnTeams + 1);
      const rosterPath = join(workDirectory, "roster.yaml");
      const statePath = join(workDirectory, "state.json");
      writeFileSync(rosterPath, stringify(roster));
      const options: ProgramRunOptions = {
        programDirectory: bootstrap,
        statePath,
        config: {
          "tines:tenant": simulator.url,
          "tines:apiKey": simulator.apiKey,
          "tines:rateLimitTimeScale": String(timeScale),
          "tines-bootstrap:roster": rosterPath,
        },
        secretKeys: ["tines:apiKey"],
      };
      const outboxBefore = simulator.state.snapshot().outbox.length;
      const logBefore = simulator.log.length;

      const first = await runProgramInChildProcess(options);
      expect(first.errors).toEqual([]);
      const membershipCount = roster.people.reduce((sum, person) => sum + Object.keys(person.teams).length, 0);
      expect(roster.scimGroupMapping?.mappings).toHaveLength(2);
      const expectedResources = roster.people.length + membershipCount + (roster.templates?.length ?? 0) + (roster.customRoles?.length ?? 0) + 1;
      expect(first.steps.filter((step) => step.operation === "create")).toHaveLength(expectedResources);
      expect(first.steps.every((step) => step.operation === "create")).toBe(true);
      // Not one write, not one invitation.
      expect(simulator.log.slice(logBefore).filter((entry) => entry.method !== "GET")).toEqual([]);
      expect(simulator.state.snapshot().outbox).toHaveLength(outboxBefore);
      // Adoption shared one read of the directory: one GET per adopted user and per membership, plus its pages.
      const userRequests = simulator.log.slice(logBefore).filter((entry) => entry.path.startsWith("/api/v1/admin/users")).length;
      expect(userRequests).toBeLessThanOrEqual(roster.people.length + membershipCount + Math.ceil(simulator.state.listUsers().length / 500) + 5);

      const second = await runProgramInChildProcess(options);
      expect(second.errors).toEqual([]);
      expect(second.steps.filter((step) => step.operation !== "same")).toEqual([]);

      // The edit: one role, one new person, one person gone.
      const changedRole = roster.people.find((person) => person.teams["IT Operations"] === "VIEWER" && Object.keys(person.teams).length === 1)!;
      changedRole.teams["IT Operations"] = "EDITOR";
      const removed = roster.people.find((person) => Object.keys(person.teams).join() === "Security Operations" && person !== changedRole && !person.admin)!;
      roster.people = roster.people.filter((person) => person !== removed);
      roster.people.push({ email: "new.hire@example.com", firstName: "New", lastName: "Hire", adoptExisting: true, teams: { "Security Operations": "VIEWER" } });
      writeFileSync(rosterPath, stringify(roster));
      const preview = await runProgramInChildProcess({ ...options, preview: true });
      expect(preview.errors).toEqual([]);
      const changes = preview.steps.filter((step) => step.operation !== "same").map((step) => `${step.operation} ${step.name}`);
      expect(changes.toSorted()).toEqual(
        [
          `replace membership-${changedRole.email}-it-operations`,
          "create user-new.hire@example.com",
          "create membership-new.hire@example.com-security-operations",
          `delete membership-${removed.email}-security-operations`,
          `delete user-${removed.email}`,
        ].toSorted(),
      );
      expect(writes()).toEqual([]);
    },
    1_200_000,
  );
});

describe("pulumi-tines export, on what a roster cannot say", () => {
  let small: TinesSimulator;
  beforeAll(async () => {
    small = await startTinesSimulator({ userDeletionDelayMs: 0 });
    seedTenant(small.state, ["Security Operations"]);
  });
  afterAll(() => small?.stop());
  const smallClient = () => new TinesClient({ tenantUrl: small.url, apiKey: small.apiKey });

  it("leaves out a custom role for which Tines lists no permissions (a roster could not declare it), and says so", async () => {
    small.state.addCustomRole("EMPTY_ROLE", { permissions: [] });
    small.state.addCustomRole("REVIEWER", { permissions: ["STORY_READ"] });
    const { roster, summary } = await exportRoster(smallClient());
    expect(roster.customRoles.map((role) => role.name)).toEqual(["REVIEWER"]);
    expect(summary.skippedCustomRoles).toEqual(["EMPTY_ROLE"]);
  });

  it("says it cannot write --out, in one line, without a stack trace", async () => {
    const failed = await run(process.execPath, [cli, "export", "--out", "/nonexistent-directory/roster.yaml"], {
      env: { ...process.env, TINES_TENANT: small.url, TINES_API_KEY: small.apiKey },
    }).catch((error: { code: number; stderr: string }) => error);
    expect((failed as { code: number }).code).toBe(1);
    expect((failed as { stderr: string }).stderr).toContain("cannot write /nonexistent-directory/roster.yaml");
    expect((failed as { stderr: string }).stderr).not.toContain("    at ");
  });

  it("never repeats back a word where none goes, such as a key pasted after export", async () => {
    const pasted = "tines-key-0123456789abcdef";
    for (const [args, problem] of [
      [["export", pasted], "export takes no arguments, only options (1 given); the API key goes in TINES_API_KEY."],
      [[pasted], "Unknown command: the one command is export."],
    ] as const) {
      const failed = await run(process.execPath, [cli, ...args], { env: { ...process.env, TINES_TENANT: small.url, TINES_API_KEY: small.apiKey } }).catch(
        (error: { code: number; stderr: string }) => error,
      );
      expect((failed as { code: number }).code).toBe(2);
      expect((failed as { stderr: string }).stderr).toContain(problem);
      expect((failed as { stderr: string }).stderr).not.toContain(pasted);
    }
  });

  it("runs without loading @pulumi/pulumi, which only a Pulumi process needs (about 0.4 s of CPU at every start)", async () => {
    // The command as installed runs, and on exit says which modules Node loaded for it.
    const listLoaded = join(workDirectory, "list-loaded.js");
    writeFileSync(listLoaded, 'process.on("exit", () => process.stderr.write("loaded " + JSON.stringify(Object.keys(require.cache)) + "\\n"));\n');
    const { stdout, stderr } = await run(process.execPath, ["--require", listLoaded, cli, "export"], { env: { ...process.env, TINES_TENANT: small.url, TINES_API_KEY: small.apiKey } });
    expect(parse(stdout)).toMatchObject({ teams: [{ name: "Security Operations", existing: true }] });
    const loaded = JSON.parse(/^loaded (.*)$/m.exec(stderr)![1]!) as string[];
    expect(loaded.some((path) => path.includes(join("node_modules", "undici")))).toBe(true);
    expect(loaded.filter((path) => path.includes(join("node_modules", "@pulumi")))).toEqual([]);
  });

  it("refuses two users whose emails differ only in letter case, naming both, rather than write a roster the example refuses", async () => {
    small.state.createUser({ email: "ada@example.com" });
    // The simulator keeps emails unique without regard to case; whether Tines does is not
    // documented (tines-api.md), so the second user is put in behind the simulator's rule.
    const twin = small.state.createUser({ email: "ada.twin@example.com" });
    small.state.getUser(twin.id).email = "ADA@example.com";
    await expect(exportRoster(smallClient())).rejects.toThrow(/differ only in letter case.*ada@example\.com and ADA@example\.com|ADA@example\.com and ada@example\.com/);
  });
});
