/**
 * A refresh says who changed what it finds changed, from Tines' audit logs (issue 23): through the
 * CLI-free runner's refresh against the simulator, with the changes made behind the provider's back
 * (in the simulator's state) and the audit-log entries of the people who made them added as Tines
 * would record them.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { formatAuditTime } from "../../src/audit/entries";
import { startTinesSimulator, type TinesSimulator } from "../../src/simulator";
// The built runner: it starts its compiled child-process entry beside itself.
import { runProgramInChildProcess, type ProgramRunResult } from "../../dist-tools/runner/programRunner";
import { deployedOnce } from "../helpers/deployedOnce";
import { repositoryRoot } from "../helpers/host";

let simulator: TinesSimulator;
let workDirectory: string;
let run = 0;
let statePath: string;

beforeAll(async () => {
  simulator = await startTinesSimulator({ userDeletionDelayMs: 0 });
  workDirectory = mkdtempSync(join(tmpdir(), "drift-attribution-"));
});
afterAll(async () => {
  await simulator.stop();
  rmSync(workDirectory, { recursive: true, force: true });
});
beforeEach(() => {
  simulator.reset();
  simulator.setAuditLogAccess(true);
  statePath = join(workDirectory, `state-${(run += 1)}.json`);
});

function runner(options: { refresh?: boolean } = {}): Promise<ProgramRunResult> {
  return runProgramInChildProcess({
    programDirectory: join(repositoryRoot, "test", "programs", "drift-attribution"),
    statePath,
    projectName: "drift-attribution",
    config: { "tines:tenant": simulator.url, "tines:apiKey": simulator.apiKey },
    secretKeys: ["tines:apiKey"],
    ...options,
  });
}

/**
 * The program deployed on an empty tenant, with a second member on its team, and the objects it
 * made: deployed once (for the first test that asks), and restored for each test that asks after
 * it (helpers/deployedOnce.ts).
 */
const deploy = deployedOnce(() => [simulator], () => statePath, async () => {
  const result = await runner();
  expect(result.errors).toEqual([]);
  const state = simulator.state;
  const team = state.listTeams().find((each) => each.name === "Detection")!;
  const bob = state.findUserByEmail("bob@acme.com")!;
  const role = state.listRoles().find((each) => each.name === "REVIEWER")!;
  const template = state.listTemplates().find((each) => each.name === "Look up")!;
  // A second member, so that Bob is not the team's last one (Tines refuses to remove the last member).
  state.inviteMember(team.id, { email: "alice@acme.com" }, "TEAM_ADMIN");
  return { team, bob, role, template };
});

const auditLogReads = () => simulator.countRequests("GET", /^\/api\/v1\/audit_logs/);
const browser = "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15";

describe("a refresh that finds drift says who changed it", () => {
  it("attributes the drift of each resource kind to the person, place and time of the audit-log entry that made it", async () => {
    const { team, bob, role, template } = await deploy();
    const state = simulator.state;
    const carol = { user_email: "carol@acme.com", user_name: "Carol", request_ip: "203.0.113.9", request_user_agent: browser };
    const dave = { user_email: "dave@acme.com", user_name: "Dave", request_ip: "198.51.100.4", request_user_agent: "curl/8.5.0" };

    state.updateUser(bob.id, { first_name: "Robert" });
    const userEdit = simulator.addAuditLogEntry({ ...carol, operation_name: "UserEdit", inputs: { userId: bob.id, first_name: "Robert" }, outputs: { id: bob.id, email: bob.email } });
    state.renameTeam(team.id, "Detection & Response");
    const teamUpdate = simulator.addAuditLogEntry({ ...dave, operation_name: "TeamUpdate", inputs: { teamId: team.id, name: "Detection & Response" }, outputs: { id: team.id } });
    state.removeMember(team.id, bob.id);
    state.inviteMember(team.id, { user_id: bob.id }, "VIEWER");
    // An operation name no list has: matched by the objects it touched, a user by email, a team by id.
    const roleChange = simulator.addAuditLogEntry({ ...carol, operation_name: "TeamMemberRoleChange", inputs: { team: { id: team.id }, member: { email: "BOB@acme.com" }, role: "VIEWER" } });
    state.updateCustomRole(role.id, { description: "Reviews and approves stories" });
    const roleUpdate = simulator.addAuditLogEntry({ ...dave, operation_name: "CustomRoleUpdate", inputs: { roleId: String(role.id) }, outputs: { id: String(role.id) } });
    state.updateTemplate(template.id, { description: "Looks things up" });
    const templateUpdate = simulator.addAuditLogEntry({ ...carol, operation_name: "TemplateUpdate", inputs: { templateId: Number(template.id), description: "Looks things up" } });
    // Someone else's change to another object: never anyone's attribution here.
    simulator.addAuditLogEntry({ ...dave, operation_name: "UserEdit", inputs: { userId: 9999 }, outputs: { id: 9999, email: "eve@acme.com" } });
    const readsBefore = auditLogReads();

    const result = await runner({ refresh: true });

    expect(result.errors).toEqual([]);
    expect(result.steps.map((step) => step.operation).sort()).toEqual(["update", "update", "update", "update", "update"]);
    const at = (entry: { created_at: string }) => formatAuditTime(entry.created_at);
    expect([...result.warnings].sort()).toEqual(
      [
        `pulumi-tines: user bob@acme.com: firstName Bob → Robert, changed outside Pulumi by carol@acme.com (203.0.113.9, browser) at ${at(userEdit)} (UserEdit)`,
        `pulumi-tines: team Detection: name Detection → Detection & Response, changed outside Pulumi by dave@acme.com (198.51.100.4, curl) at ${at(teamUpdate)} (TeamUpdate)`,
        `pulumi-tines: bob@acme.com on team Detection & Response: role EDITOR → VIEWER, changed outside Pulumi by carol@acme.com (203.0.113.9, browser) at ${at(roleChange)} (TeamMemberRoleChange)`,
        `pulumi-tines: custom role REVIEWER: description Reviews stories → Reviews and approves stories, changed outside Pulumi by dave@acme.com (198.51.100.4, curl) at ${at(roleUpdate)} (CustomRoleUpdate)`,
        `pulumi-tines: private template Look up: description none → Looks things up, changed outside Pulumi by carol@acme.com (203.0.113.9, browser) at ${at(templateUpdate)} (TemplateUpdate)`,
      ].sort(),
    );
    // Five resources drifted, read concurrently: one read of the audit logs served them all.
    expect(auditLogReads() - readsBefore).toBe(1);
  });

  it("never attributes a change to this package's own writes, nor to an outside change older than them", async () => {
    const { team, bob } = await deploy();
    // Carol's change came before this package's own writes (the deploy), so it cannot explain the drift.
    simulator.addAuditLogEntry({
      user_email: "carol@acme.com",
      operation_name: "TeamMembersAddition",
      inputs: { teamId: team.id, user_id: bob.id, role: "TEAM_ADMIN" },
      created_at: new Date(Date.now() - 60 * 60 * 1000).toISOString(),
    });
    // The change itself leaves no entry (a write Tines did not log): only this package's entries touch the membership since.
    simulator.state.removeMember(team.id, bob.id);
    simulator.state.inviteMember(team.id, { user_id: bob.id }, "VIEWER");
    const ownEntries = simulator.state.listAuditLogs().filter((entry) => entry.request_user_agent.startsWith("pulumi-tines/"));
    expect(ownEntries.length).toBeGreaterThan(0);

    const result = await runner({ refresh: true });

    expect(result.errors).toEqual([]);
    expect(result.warnings).toHaveLength(1);
    expect(result.warnings[0]).toMatch(/^pulumi-tines: bob@acme\.com on team Detection: role EDITOR → VIEWER, changed outside Pulumi; the audit logs since .+ name no one outside Pulumi; the latest entry about it is this package's own, at /);
    expect(result.warnings[0]).not.toContain("carol@acme.com");
    // The membership's state records when this package wrote it: the audit logs are read from then, not 30 days back.
    const since = /the audit logs since (\d{4}-\d\d-\d\d) (\d\d:\d\d) UTC/.exec(result.warnings[0]!)!;
    expect(Date.now() - Date.parse(`${since[1]}T${since[2]}:00Z`)).toBeLessThan(60 * 60 * 1000);
  });

  it("attributes an object that is gone to its deletion", async () => {
    const { template, team, bob } = await deploy();
    const carol = { user_email: "carol@acme.com", request_ip: "203.0.113.9", request_user_agent: browser };
    simulator.addAuditLogEntry({ ...carol, operation_name: "TemplateUpdate", inputs: { templateId: template.id } });
    simulator.state.deleteTemplate(template.id);
    const deletion = simulator.addAuditLogEntry({ ...carol, user_email: "dave@acme.com", operation_name: "TemplateDestruction", inputs: { templateId: template.id } });
    // A membership goes with its user's removal from the team: that entry names both.
    simulator.state.removeMember(team.id, bob.id);
    const removal = simulator.addAuditLogEntry({ ...carol, operation_name: "TeamMemberRemoval", inputs: { teamId: team.id, user_id: bob.id }, outputs: { deleted_id: bob.id } });

    const result = await runner({ refresh: true });

    expect(result.errors).toEqual([]);
    expect(result.steps.filter((step) => step.operation === "delete").map((step) => step.kind).sort()).toEqual(["PrivateTemplate", "TeamMembership"]);
    expect([...result.warnings].sort()).toEqual(
      [
        `pulumi-tines: bob@acme.com on team Detection: gone from Tines, removed outside Pulumi by carol@acme.com (203.0.113.9, browser) at ${formatAuditTime(removal.created_at)} (TeamMemberRemoval)`,
        `pulumi-tines: private template Look up: gone from Tines, removed outside Pulumi by dave@acme.com (203.0.113.9, browser) at ${formatAuditTime(deletion.created_at)} (TemplateDestruction)`,
      ].sort(),
    );
  });

  it("with a key that may not read the audit logs, warns once and refreshes as it would without attribution", async () => {
    const { team, bob } = await deploy();
    simulator.setAuditLogAccess(false);
    simulator.state.updateUser(bob.id, { first_name: "Robert" });
    simulator.state.renameTeam(team.id, "Detection & Response");
    const readsBefore = auditLogReads();

    const result = await runner({ refresh: true });

    expect(result.errors).toEqual([]);
    expect(result.steps.filter((step) => step.operation === "update").map((step) => step.kind).sort()).toEqual(["Team", "User"]);
    const accessWarnings = result.warnings.filter((warning) => warning.includes("audit logs"));
    expect(accessWarnings).toEqual([
      `pulumi-tines: the API key may not read ${simulator.url}'s audit logs (it needs the AUDIT_LOG_READ permission or a tenant owner's key), so this refresh does not say who changed what it found changed; the refresh goes on`,
    ]);
    expect(result.warnings.filter((warning) => !warning.includes("audit logs")).sort()).toEqual([
      "pulumi-tines: team Detection: name Detection → Detection & Response, changed outside Pulumi",
      "pulumi-tines: user bob@acme.com: firstName Bob → Robert, changed outside Pulumi",
    ]);
    expect(auditLogReads() - readsBefore).toBe(1);
  });

  it("does not read the audit logs when the refresh finds nothing changed", async () => {
    await deploy();
    simulator.addAuditLogEntry({ user_email: "carol@acme.com", operation_name: "UserEdit", inputs: { userId: 9999 } });
    const readsBefore = auditLogReads();

    const result = await runner({ refresh: true });

    expect(result.errors).toEqual([]);
    expect(result.steps.every((step) => step.operation === "same")).toBe(true);
    expect(result.warnings).toEqual([]);
    expect(auditLogReads() - readsBefore).toBe(0);
  });
});
