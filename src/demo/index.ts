/**
 * `npm run demo`: bootstraps a local Tines tenant from examples/bootstrap/roster.yaml, shows what
 * exists, shows that a second run changes nothing, previews and applies a roster edit (a role
 * change, a new person, a removed person), then cleans up. It uses the Pulumi CLI when `pulumi` is
 * on the PATH (a local file backend in a temporary directory, no login), and otherwise the CLI-free
 * runner the tests use: the real @pulumi/pulumi dynamic-provider host, driven as the engine drives
 * it. Exits 0 when every step did what it should, non-zero with the reason otherwise.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse as parseYaml, stringify as stringifyYaml } from "yaml";
import { describeSummary, exportRoster, formatRoster } from "../cli/export";
import { TinesClient } from "../client";
import { seedTenant, seededOwnerEmail, startTinesSimulator, type TinesSimulator } from "../simulator";
import { findPulumiCli, PulumiCliRunner } from "./cliRunner";
import { HostRunner, type DemoRunner, type DemoStep } from "./hostRunner";

const repositoryRoot = join(__dirname, "..", "..");
const programDirectory = join(repositoryRoot, "examples", "bootstrap");
const projectName = "tines-bootstrap";

function describeStep(step: DemoStep): string {
  const symbol = { create: "+", update: "~", replace: "+-", delete: "-", same: " " }[step.operation];
  const why = step.replaces?.length ? ` (replaced: ${step.replaces.join(", ")} changed)` : "";
  return `  ${symbol} ${step.operation.padEnd(7)} ${step.kind.padEnd(15)} ${step.name}${why}${step.error ? `\n      failed: ${step.error}` : ""}`;
}

async function printTenant(simulator: TinesSimulator): Promise<void> {
  const client = new TinesClient({ tenantUrl: simulator.url, apiKey: simulator.apiKey });
  try {
    const [users, teams, templates] = await Promise.all([
      client.users.listAll({ includeTeamMemberships: true }),
      client.teams.list(),
      client.templates.list(),
    ]);
    console.log(`\nThe tenant ${simulator.url} now holds:`);
    console.log(`  Users (${users.length})`);
    for (const user of users) {
      const flags = [user.admin ? "tenant owner" : undefined, user.is_active ? "active" : "deactivated", ...(user.tenant_permissions ?? [])];
      console.log(`    ${String(user.id).padStart(3)}  ${user.email.padEnd(32)} ${`${user.first_name ?? ""} ${user.last_name ?? ""}`.padEnd(16)} ${flags.filter(Boolean).join(", ")}`);
    }
    console.log("  Team memberships");
    for (const team of teams) {
      const members = await client.teams.listMembers(team.id);
      console.log(`    ${team.name} (team ${team.id}): ${members.map((member) => `${member.email} as ${member.role}`).join("; ")}`);
    }
    console.log(`  Private templates (${templates.length})`);
    for (const template of templates) {
      const inputs = (template.action_inputs ?? []).map((input) => `${input.name}:${input.type}`).join(", ");
      console.log(`    ${template.id}  "${template.name}", team ${template.team_id ?? "none"}, ${template.read_access} access, inputs ${inputs}`);
    }
    const outbox = simulator.state.snapshot().outbox;
    console.log(`  Invitation emails sent so far: ${outbox.length}`);
    for (const mail of outbox.slice(-6)) console.log(`    to ${mail.to} (${mail.kind === "team" ? `team ${mail.team_id}` : "tenant"})`);
  } finally {
    await client.close();
  }
}

/** `npx pulumi-tines export`: the tenant as a roster for examples/bootstrap, every entry marked for adoption. */
async function showExport(simulator: TinesSimulator): Promise<void> {
  console.log("\n[export] npx pulumi-tines export: the tenant as a roster that a new stack would adopt without one write");
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
  seedTenant(simulator.state, ["Security Operations", "IT Operations"]);
  console.log(`Started the Tines simulator at ${simulator.url} with teams "Security Operations" and "IT Operations".`);
  const rosterPath = join(workDirectory, "roster.yaml");
  writeFileSync(rosterPath, readFileSync(join(programDirectory, "roster.yaml")));
  const config = { "tines:tenant": simulator.url, "tines:apiKey": simulator.apiKey, [`${projectName}:roster`]: rosterPath };
  const runner: DemoRunner = pulumiCli
    ? new PulumiCliRunner(pulumiCli, programDirectory, repositoryRoot, workDirectory, config)
    : new HostRunner(programDirectory, join(workDirectory, "state.json"), config, projectName);
  const print = (step: DemoStep) => console.log(describeStep(step));

  try {
    console.log("\n[1/5] pulumi up: deploying the roster (3 people on 2 teams, and a private template)");
    const first = await runner.up(print);
    expect(first.filter((step) => step.operation === "create").length === 8, "the first run should create 3 users, 4 memberships and 1 template");
    await printTenant(simulator);

    console.log("\n[2/5] pulumi up again with the same roster: nothing should change");
    const second = await runner.up(print);
    expect(second.every((step) => step.operation === "same"), "the second run changed something");
    console.log("  no changes: the tenant matches the stack");

    console.log("\n[3/5] Editing the roster: Grace becomes TEAM_ADMIN, Katherine joins IT Operations, Alan leaves");
    const roster = parseYaml(readFileSync(rosterPath, "utf8")) as { people: Array<{ email: string; teams: Record<string, string> }> };
    roster.people.find((person) => person.email.startsWith("grace"))!.teams["Security Operations"] = "TEAM_ADMIN";
    roster.people = roster.people.filter((person) => !person.email.startsWith("alan"));
    roster.people.push({ email: "katherine.johnson@example.com", firstName: "Katherine", lastName: "Johnson", teams: { "IT Operations": "VIEWER" } } as never);
    writeFileSync(rosterPath, stringifyYaml(roster));
    console.log("pulumi preview:");
    const plan = await runner.preview(print);
    const changed = plan.filter((step) => step.operation !== "same");
    expect(
      changed.some((step) => step.operation === "replace" && step.name.includes("grace")) &&
        changed.some((step) => step.operation === "create" && step.name === "user-katherine.johnson@example.com") &&
        changed.some((step) => step.operation === "delete" && step.name === "user-alan.turing@example.com"),
      "the preview should show the role change as a replacement, the new user and the removed user",
    );
    expect(simulator.state.findUserByEmail("katherine.johnson@example.com") === undefined, "the preview changed the tenant");

    console.log("\n[4/5] pulumi up: applying the edit");
    const applied = await runner.up(print);
    expect(applied.every((step) => !step.error), "applying the edit failed");
    expect(simulator.state.findUserByEmail("alan.turing@example.com") === undefined, "Alan should be gone");
    expect(
      simulator.state.teamMembershipsOf(simulator.state.findUserByEmail("grace.hopper@example.com")!.id).some((each) => each.role === "TEAM_ADMIN"),
      "Grace should be TEAM_ADMIN",
    );
    await printTenant(simulator);

    await showExport(simulator);

    console.log("\n[5/5] pulumi destroy: cleaning up");
    await runner.destroy(print);
    const left = simulator.state.listUsers().map((user) => user.email);
    expect(left.length === 1 && left[0] === seededOwnerEmail, `only the tenant owner should remain, found ${left.join(", ")}`);
    console.log(`  the tenant is back to its owner and two teams; ${simulator.state.listTemplates().length} templates left`);
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
