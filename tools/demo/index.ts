/**
 * `npm run demo`: bootstraps an empty local Tines tenant from examples/bootstrap/roster.yaml (its
 * custom role and users first, then the teams with their members, then the template), shows what exists, shows that a second run changes nothing, previews and applies a roster edit (a role
 * change, a new person, a removed person), then cleans up. Between the second run and the edit,
 * the tenant is changed outside Pulumi (a user renamed in the browser, another user's name, a team's
 * member, the template's description): a refresh records every change, says how many requests it
 * took, and says who renamed the user, from Tines' audit logs. It uses the Pulumi CLI when `pulumi` is
 * on the PATH (a local file backend in a temporary directory, no login), and otherwise the CLI-free
 * runner the tests use: the real @pulumi/pulumi dynamic-provider host, driven as the engine drives
 * it. Exits 0 when every step did what it should, non-zero with the reason otherwise.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse as parseYaml, stringify as stringifyYaml } from "yaml";
import { describeSummary, exportRoster, formatRoster } from "../internals";
import { TinesClient } from "pulumi-tines/client";
import { seededOwnerEmail, startTinesSimulator, type TinesSimulator } from "pulumi-tines/simulator";
import { findPulumiCli, PulumiCliRunner } from "./cliRunner";
import { describeStep, describeTenant, describeWarning } from "./format";
import { HostRunner, type DemoRunner, type DemoStep } from "./hostRunner";
import { changeOutsidePulumi, refreshAfter, type OutOfBandChange } from "./refresh";

const repositoryRoot = join(__dirname, "..", "..");
const programDirectory = join(repositoryRoot, "examples", "bootstrap");
const projectName = "tines-bootstrap";

async function printTenant(simulator: TinesSimulator): Promise<void> {
  for (const line of await describeTenant(simulator)) console.log(line);
}

/** `npx pulumi-tines export`: the tenant as a roster for examples/bootstrap, every entry marked for adoption. */
async function showExport(simulator: TinesSimulator): Promise<void> {
  console.log("\n[6/7] npx pulumi-tines export: the tenant as a roster that a new stack would adopt without one write");
  const client = new TinesClient({ tenantUrl: simulator.url, apiKey: simulator.apiKey });
  try {
    const requestsBefore = simulator.log.length;
    const { roster, summary } = await exportRoster(client);
    const lines = formatRoster(roster, "yaml", client.tenantUrl).trimEnd().split("\n");
    for (const line of lines.slice(0, 24)) console.log(`    ${line}`);
    if (lines.length > 24) console.log(`    ... (${lines.length - 24} more lines)`);
    console.log(`  ${describeSummary(summary)}`);
    expect(roster.people.length === simulator.state.listUsers().length, "the export should hold every user");
    expect(simulator.log.slice(requestsBefore).every((entry) => entry.method === "GET"), "the export should only read");
  } finally {
    await client.close();
  }
}

function expect(condition: boolean, reason: string): void {
  if (!condition) throw new Error(`The demo did not go as it should: ${reason}`);
}

async function main(): Promise<void> {
  const pulumiCli = findPulumiCli();
  console.log(
    pulumiCli
      ? `pulumi-tines demo: running examples/bootstrap with the Pulumi CLI (${pulumiCli}) against a local Tines simulator.`
      : "pulumi-tines demo: the Pulumi CLI is not on the PATH, so examples/bootstrap runs through the CLI-free runner " +
          "(the real @pulumi/pulumi dynamic-provider host, driven as the Pulumi engine drives it) against a local Tines simulator.",
  );
  const workDirectory = mkdtempSync(join(tmpdir(), "pulumi-tines-demo-"));
  const simulator = await startTinesSimulator({ userDeletionDelayMs: 0, seed: 7 });
  // An empty tenant: only its owner (whose API key the stack uses), no teams, no custom roles.
  simulator.state.acceptInvitation(simulator.state.createUser({ email: seededOwnerEmail, first_name: "Tenant", last_name: "Owner", admin: true }).id);
  console.log(`Started the Tines simulator at ${simulator.url} with an empty tenant: its owner, no teams, no custom roles.`);
  const rosterPath = join(workDirectory, "roster.yaml");
  writeFileSync(rosterPath, readFileSync(join(programDirectory, "roster.yaml")));
  const config = { "tines:tenant": simulator.url, "tines:apiKey": simulator.apiKey, [`${projectName}:roster`]: rosterPath };
  const warnings: string[] = [];
  const warn = (warning: string) => {
    warnings.push(warning);
    console.log(describeWarning(warning));
  };
  const runner: DemoRunner = pulumiCli
    ? new PulumiCliRunner(pulumiCli, programDirectory, repositoryRoot, workDirectory, config, warn)
    : new HostRunner(programDirectory, join(workDirectory, "state.json"), config, projectName, warn);
  const print = (step: DemoStep) => console.log(describeStep(step));

  try {
    console.log(`\n[1/7] ${runner.command("up")}: bootstrapping the roster (1 custom role and 3 people, then 3 teams holding their 6 members, then a private template)`);
    const first = await runner.up(print);
    const created = (kind: string) => first.filter((step) => step.operation === "create" && step.kind === kind).length;
    expect(
      created("Team") === 3 && created("CustomRole") === 1 && created("User") === 3 && created("PrivateTemplate") === 1,
      "the first run should create 3 teams, 1 custom role, 3 users and 1 template",
    );
    expect(
      simulator.state.listTeams("all").reduce((count, team) => count + simulator.state.membersOf(team.id).length, 0) === 6,
      "the teams should hold the roster's 6 members",
    );
    expect(simulator.state.listTeams("all").length === 3, "the tenant should now have the roster's 3 teams");
    await printTenant(simulator);

    console.log(`\n[2/7] ${runner.command("up")} again with the same roster: nothing should change`);
    const second = await runner.up(print);
    expect(second.every((step) => step.operation === "same"), "the second run changed something");
    console.log("  no changes: the tenant matches the stack");

    console.log(`\n[3/7] The tenant changes outside Pulumi; ${runner.command("refresh")} records every change, and says who renamed Grace, from Tines' audit logs`);
    const grace = simulator.state.findUserByEmail("grace.hopper@example.com")!;
    simulator.state.updateUser(grace.id, { last_name: "Hopper-Murray" });
    simulator.addAuditLogEntry({ user_email: "carol@example.com", user_name: "Carol", operation_name: "UserEdit", inputs: { userId: grace.id, last_name: "Hopper-Murray" }, outputs: { id: grace.id, email: grace.email } });
    const changes: OutOfBandChange[] = [
      { description: "carol@example.com renames Grace to Hopper-Murray in her browser", kind: "User", property: "lastName" },
      ...changeOutsidePulumi(simulator),
    ];
    for (const change of changes) console.log(`  ${change.description}`);
    const warned = warnings.length;
    const refresh = await refreshAfter(runner, simulator, changes, print);
    const refreshed = refresh.steps;
    expect(refreshed.some((step) => step.operation === "update" && step.kind === "User"), "the refresh should take Grace's new name into the state");
    expect(refresh.missed.length === 0, `the refresh should record every change made outside Pulumi; it missed: ${refresh.missed.map((change) => change.description).join("; ")}`);
    const unchanged = refreshed.filter((step) => step.operation === "same").length;
    console.log(
      `  ${refreshed.length - unchanged} resources changed, ${unchanged} unchanged; the refresh read ${refreshed.length} resources in ${refresh.requests} requests to Tines ` +
        `(reads share list requests where that is cheaper: docs/guides/refresh.md), and ${refresh.auditLogRequests} to its audit logs to say who changed them`,
    );
    expect(refresh.requests < refreshed.length, "the refresh should take fewer requests than it read resources");
    expect(
      warnings.slice(warned).some((warning) => warning.includes("grace.hopper@example.com: lastName Hopper → Hopper-Murray, changed outside Pulumi by carol@example.com")),
      "the refresh should say that carol@example.com changed Grace's last name",
    );

    console.log("\n[4/7] Editing the roster: Grace becomes TEAM_ADMIN, Katherine joins IT Operations, Alan leaves");
    const roster = parseYaml(readFileSync(rosterPath, "utf8")) as { people: Array<{ email: string; teams: Record<string, string> }> };
    roster.people.find((person) => person.email.startsWith("grace"))!.teams["Security Operations"] = "TEAM_ADMIN";
    roster.people = roster.people.filter((person) => !person.email.startsWith("alan"));
    roster.people.push({ email: "katherine.johnson@example.com", firstName: "Katherine", lastName: "Johnson", teams: { "IT Operations": "VIEWER" } } as never);
    writeFileSync(rosterPath, stringifyYaml(roster));
    console.log(`${runner.command("preview")}:`);
    const plan = await runner.preview(print);
    const changed = plan.filter((step) => step.operation !== "same");
    expect(
      changed.some((step) => step.operation === "update" && step.name === "team-security-operations") &&
        changed.some((step) => step.operation === "update" && step.name === "team-it-operations") &&
        changed.some((step) => step.operation === "create" && step.name === "user-katherine.johnson@example.com") &&
        changed.some((step) => step.operation === "delete" && step.name === "user-alan.turing@example.com"),
      "the preview should show the two teams' member lists changing, the new user and the removed user",
    );
    expect(simulator.state.findUserByEmail("katherine.johnson@example.com") === undefined, "the preview changed the tenant");

    console.log(`\n[5/7] ${runner.command("up")}: applying the edit`);
    const applied = await runner.up(print);
    expect(applied.every((step) => !step.error), "applying the edit failed");
    expect(simulator.state.findUserByEmail("alan.turing@example.com") === undefined, "Alan should be gone");
    expect(
      simulator.state.teamMembershipsOf(simulator.state.findUserByEmail("grace.hopper@example.com")!.id).some((each) => each.role === "TEAM_ADMIN"),
      "Grace should be TEAM_ADMIN",
    );
    await printTenant(simulator);

    await showExport(simulator);

    console.log(`\n[7/7] ${runner.command("destroy")}: cleaning up`);
    await runner.destroy(print);
    const left = simulator.state.listUsers().map((user) => user.email);
    expect(left.length === 1 && left[0] === seededOwnerEmail, `only the tenant owner should remain, found ${left.join(", ")}`);
    expect(simulator.state.listTeams("all").length === 0, "the stack's teams should be gone");
    expect(simulator.state.listRoles().every((role) => role.type === "default"), "the stack's custom role should be gone");
    console.log(`  the tenant is empty again: its owner, no teams, no custom roles, ${simulator.state.listTemplates().length} templates`);
    console.log("\nDemo finished: every step did what it should.");
  } finally {
    await simulator.stop();
    rmSync(workDirectory, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(`\nDemo failed: ${(error as Error).message}`);
    process.exit(1);
  },
);
