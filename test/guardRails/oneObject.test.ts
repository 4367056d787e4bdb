import { join } from "node:path";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { seedTenant, startTinesSimulator, type TinesSimulator } from "../../src/simulator";
// The built runner: it starts its compiled child-process entry beside itself.
import { runProgramInChildProcess } from "../../dist-tools/runner/programRunner";
import { repositoryRoot } from "../helpers/host";

const program = join(repositoryRoot, "test", "programs", "declared");
let simulator: TinesSimulator;
let workDirectory: string;
let run = 0;

beforeAll(async () => {
  simulator = await startTinesSimulator({ userDeletionDelayMs: 0 });
  workDirectory = mkdtempSync(join(tmpdir(), "one-object-test-"));
});
beforeEach(() => {
  simulator.reset();
  seedTenant(simulator.state, ["Security Operations"]);
});
afterAll(async () => {
  await simulator.stop();
  rmSync(workDirectory, { recursive: true, force: true });
});

interface Declared {
  class: string;
  name: string;
  args: Record<string, unknown>;
}

/** Runs the program declaring `resources` against the simulator, on the stack state in `statePath`. */
function runDeclaring(resources: Declared[], options: { statePath?: string; preview?: boolean; destroy?: boolean; previewChecks?: boolean } = {}) {
  run += 1;
  return runProgramInChildProcess({
    programDirectory: program,
    statePath: join(workDirectory, options.statePath ?? `run-${run}.json`),
    config: {
      "tines:tenant": simulator.url,
      "tines:apiKey": simulator.apiKey,
      "tines:previewChecks": String(options.previewChecks ?? true),
      "declared:resources": JSON.stringify(resources),
    },
    secretKeys: ["tines:apiKey"],
    projectName: "declared",
    preview: options.preview,
    destroy: options.destroy,
  });
}

const teamId = () => simulator.state.listTeams().find((team) => team.name === "Security Operations")!.id;

describe("two resources of one deployment never name the same Tines object", () => {
  const frank = { class: "TinesUser", name: "frank", args: { email: "frank@corp.example" } };
  const frankAgain = { class: "TinesUser", name: "frank-again", args: { email: "Frank@corp.example", firstName: "Franklin", adoptExisting: true } };

  it("two users with one email in another letter case fail the preview, naming both, in either order, and nothing is created", async () => {
    const grace = { class: "TinesUser", name: "grace", args: { email: "grace@corp.example" } };
    const graceAgain = { class: "TinesUser", name: "grace-again", args: { email: "GRACE@corp.example", adoptExisting: true } };
    // One program, one pair declared in each order: in each, the one checked second fails
    // (registration order is the SDK's), naming the other.
    const result = await runDeclaring([frank, frankAgain, graceAgain, grace], { preview: true });
    const pairs = [...result.errors.join("\n").matchAll(/email: TinesUser "([\w-]+)" and TinesUser "([\w-]+)" both name the user/g)];
    expect(pairs.map((named) => [named[1], named[2]].sort().join(" ")).sort()).toEqual(["frank frank-again", "grace grace-again"]);
    expect(result.errors).toHaveLength(2);
    expect(result.exitCode).not.toBe(0);
    expect(simulator.state.findUserByEmail("frank@corp.example")).toBeUndefined();
    expect(simulator.state.findUserByEmail("grace@corp.example")).toBeUndefined();
  });

  it("with preview checks off, the up fails the same way before anything is sent for the second", async () => {
    const result = await runDeclaring([frank, frankAgain], { previewChecks: false });
    expect(result.errors.join("\n")).toContain('TinesUser "frank-again" and TinesUser "frank" both name the user Frank@corp.example');
    expect(simulator.state.listUsers().filter((user) => user.email.toLowerCase() === "frank@corp.example")).toHaveLength(1);
    expect(simulator.state.findUserByEmail("frank@corp.example")?.first_name).not.toBe("Franklin");
  });

  it("two custom roles of one name (in any letter case) and two templates of one name in one team fail the preview", async () => {
    const template = (name: string) => ({
      class: "TinesPrivateTemplate",
      name,
      args: { name: "Look up an IP", vendor: "V", product: "P", agentType: "Agents::WebhookAgent", agentOptions: {}, teamId: teamId() },
    });
    const result = await runDeclaring(
      [
        { class: "TinesCustomRole", name: "reviewer", args: { name: "Reviewer", permissions: ["STORY_READ"] } },
        { class: "TinesCustomRole", name: "reviewer-2", args: { name: "REVIEWER", permissions: ["STORY_READ"], adoptExisting: true } },
        template("lookup"),
        template("lookup-copy"),
      ],
      { preview: true },
    );
    const errors = result.errors.join("\n");
    expect(errors).toContain('name: TinesCustomRole "reviewer-2" and TinesCustomRole "reviewer" both name the custom role REVIEWER');
    expect(errors).toContain(`name: TinesPrivateTemplate "lookup-copy" and TinesPrivateTemplate "lookup" both name the private template "Look up an IP" of team ${teamId()}`);
  });

  it("two teams of one name, and two member lists of one team, fail the preview", async () => {
    const roster = (name: string, email: string) => ({ class: "TinesTeamMembers", name, args: { teamId: teamId(), members: [{ email }], ignoredMembers: ["owner@example.com"] } });
    const result = await runDeclaring(
      [
        { class: "TinesTeam", name: "red", args: { name: "Red Team" } },
        { class: "TinesTeam", name: "red-again", args: { name: "Red Team", adoptExisting: true } },
        roster("secops-members", "ada@example.com"),
        roster("secops-members-too", "grace@example.com"),
      ],
      { preview: true },
    );
    const errors = result.errors.join("\n");
    expect(errors).toMatch(/name: TinesTeam "red(-again)?" and TinesTeam "red(-again)?" both name the team "Red Team"/);
    expect(errors).toMatch(new RegExp(`teamId: TinesTeamMembers "secops-members(-too)?" and TinesTeamMembers "secops-members(-too)?" both name the member list of team ${teamId()}`));
  });

  it("two memberships of one person in one team (email in any letter case) and two SCIM group mappings fail the preview", async () => {
    const result = await runDeclaring(
      [
        { class: "TinesTeamMembership", name: "ada-secops", args: { teamId: teamId(), email: "ada@example.com" } },
        { class: "TinesTeamMembership", name: "ada-secops-editor", args: { teamId: teamId(), email: "ADA@example.com", role: "EDITOR" } },
        { class: "TinesScimGroupMapping", name: "mapping", args: { mappings: [] } },
        { class: "TinesScimGroupMapping", name: "mapping-again", args: { mappings: [] } },
      ],
      { preview: true, previewChecks: false },
    );
    const errors = result.errors.join("\n");
    expect(errors).toMatch(new RegExp(`email: TinesTeamMembership "ada-secops(-editor)?" and TinesTeamMembership "ada-secops(-editor)?" both name the membership of ada@example.com in team ${teamId()}`));
    expect(errors).toMatch(/mappings: TinesScimGroupMapping "mapping(-again)?" and TinesScimGroupMapping "mapping(-again)?" both name the tenant's SCIM user group mapping/);
  });

  it("a template of the same name in another team, or without one, is another object", async () => {
    const otherTeam = simulator.state.createTeam("IT Operations");
    const template = (name: string, args: Record<string, unknown>) => ({
      class: "TinesPrivateTemplate",
      name,
      args: { name: "Look up an IP", vendor: "V", product: "P", agentType: "Agents::WebhookAgent", agentOptions: {}, ...args },
    });
    const result = await runDeclaring([template("secops", { teamId: teamId() }), template("itops", { teamId: otherTeam.id }), template("global", {})], { preview: true });
    expect(result.errors).toEqual([]);
  });

  it("an up of a valid program checks each resource again without mistaking it for a second one", async () => {
    const result = await runDeclaring([frank, { class: "TinesUser", name: "grace", args: { email: "grace@corp.example" } }]);
    expect(result.errors).toEqual([]);
    expect(simulator.state.findUserByEmail("frank@corp.example")).toBeDefined();
  });
});

describe("adoptExisting never takes over an object another resource renames in the same up", () => {
  it("a user adopted by the email another resource changes fails the preview, naming both, in either order, and no user is managed twice", async () => {
    const statePath = "re-email.json";
    const user = (name: string, email: string) => ({ class: "TinesUser", name, args: { email } });
    const adopter = (name: string, email: string) => ({ class: "TinesUser", name, args: { email, adoptExisting: true } });
    expect((await runDeclaring([user("frank", "frank@corp.example"), user("grace", "grace@corp.example")], { statePath })).errors).toEqual([]);
    // One preview, one pair declared in each order.
    const preview = await runDeclaring(
      [user("frank", "franklin@corp.example"), adopter("frank-old-address", "frank@corp.example"), adopter("grace-old-address", "grace@corp.example"), user("grace", "gracie@corp.example")],
      { statePath, preview: true },
    );
    const pairs = [...preview.errors.join("\n").matchAll(/TinesUser "([\w-]+)" and TinesUser "([\w-]+)" name one Tines object in this `pulumi up`/g)];
    expect(pairs.map((named) => [named[1], named[2]].sort().join(" ")).sort()).toEqual(["frank frank-old-address", "grace grace-old-address"]);
    expect(preview.errors).toHaveLength(2);
    // With preview checks off, the up refuses the adopter before its create: frank is renamed, and managed once.
    const result = await runDeclaring([user("frank", "franklin@corp.example"), adopter("frank-old-address", "frank@corp.example"), user("grace", "grace@corp.example")], {
      statePath,
      previewChecks: false,
    });
    expect(result.errors.join("\n")).toContain('TinesUser "frank-old-address" and TinesUser "frank" name one Tines object');
    expect(result.steps.find((step) => step.name === "frank-old-address")?.error).toContain("name one Tines object");
    expect(simulator.state.listUsers().filter((each) => each.email.startsWith("frank"))).toHaveLength(1);
  });

  it("the same for a team renamed while another resource adopts its old name", async () => {
    const statePath = "re-name.json";
    const team = (name: string) => ({ class: "TinesTeam", name: "ops", args: { name } });
    expect((await runDeclaring([team("Ops")], { statePath })).errors).toEqual([]);
    const result = await runDeclaring([team("Operations"), { class: "TinesTeam", name: "ops-again", args: { name: "Ops", adoptExisting: true } }], { statePath });
    expect(result.errors.join("\n")).toContain('TinesTeam "ops-again" and TinesTeam "ops" name one Tines object in this `pulumi up`');
    expect(simulator.state.listTeams().filter((each) => each.name === "Ops" || each.name === "Operations")).toHaveLength(1);
  });

  it("a rename with no adopter, and an adopter of a name no resource changes, pass", async () => {
    const statePath = "re-name-alone.json";
    expect((await runDeclaring([{ class: "TinesTeam", name: "ops", args: { name: "Ops" } }], { statePath })).errors).toEqual([]);
    const result = await runDeclaring(
      [
        { class: "TinesTeam", name: "ops", args: { name: "Operations" } },
        { class: "TinesTeam", name: "secops", args: { name: "Security Operations", adoptExisting: true } },
      ],
      { statePath },
    );
    expect(result.errors).toEqual([]);
  });
});

describe("a delete never removes an object another resource of the deployment has taken over", () => {
  it("renaming an adopting user without an alias: the new resource adopts the user and the old one's delete leaves it in Tines", async () => {
    const statePath = "rename.json";
    const before = await runDeclaring([{ class: "TinesUser", name: "frank", args: { email: "frank@corp.example", adoptExisting: true } }], { statePath });
    expect(before.errors).toEqual([]);
    const userId = simulator.state.findUserByEmail("frank@corp.example")!.id;
    const after = await runDeclaring([{ class: "TinesUser", name: "franklin", args: { email: "frank@corp.example", adoptExisting: true } }], { statePath });
    expect(after.errors).toEqual([]);
    expect(after.steps.map((step) => `${step.operation} ${step.name}`)).toEqual(expect.arrayContaining(["create franklin", "delete frank"]));
    expect(after.warnings.join("\n")).toContain(`User ${userId} is now managed by the TinesUser that replaced this one`);
    expect(simulator.state.getUser(userId)).toMatchObject({ is_active: true });
    // The new resource still manages it: destroying the stack deletes it.
    await runDeclaring([], { statePath, destroy: true });
    expect(simulator.state.listUsers().some((user) => user.id === userId && user.is_active)).toBe(false);
  });

  it("the same for a custom role and a template renamed without an alias", async () => {
    const statePath = "rename-others.json";
    const declare = (suffix: string) => [
      { class: "TinesCustomRole", name: `role${suffix}`, args: { name: "Reviewer", permissions: ["STORY_READ"], adoptExisting: true } },
      {
        class: "TinesPrivateTemplate",
        name: `template${suffix}`,
        args: { name: "Look up an IP", vendor: "V", product: "P", agentType: "Agents::WebhookAgent", agentOptions: {}, teamId: teamId(), adoptExisting: true },
      },
    ];
    expect((await runDeclaring(declare(""), { statePath })).errors).toEqual([]);
    const after = await runDeclaring(declare("-renamed"), { statePath });
    expect(after.errors).toEqual([]);
    expect(simulator.state.listTemplates()).toHaveLength(1);
    expect(simulator.state.listRoles().filter((role) => role.name === "Reviewer")).toHaveLength(1);
  });
});

describe("one person named by user id in one membership and by email in another is one membership", () => {
  const byId = (userId: unknown, person = "ada") => ({ class: "TinesTeamMembership", name: `${person}-by-id`, args: { teamId: teamId(), userId } });
  const byEmail = (email = "ADA@example.com", person = "ada") => ({
    class: "TinesTeamMembership",
    name: `${person}-by-email`,
    args: { teamId: teamId(), email, role: "EDITOR" },
  });
  /** The refusal that names both memberships of the person with `email`: who was checked second, who first. */
  const bothNamed = (errors: string[], email = "ada@example.com") => {
    const pattern = `(?:userId|email): TinesTeamMembership "([\\w-]+)" and TinesTeamMembership "([\\w-]+)" both name the membership of user (\\d+) \\(${email.replace(/\./g, "\\.")}\\)`;
    const named = new RegExp(pattern).exec(errors.join("\n"));
    return named ? { names: [named[1], named[2]].sort(), userId: Number(named[3]), second: named[1], first: named[2] } : undefined;
  };
  const invitations = () => simulator.log.filter((entry) => entry.method === "POST" && entry.path.endsWith("/invite_member")).length;

  it("fails the preview naming both, in either order, for a user the tenant holds (email in another letter case)", async () => {
    const ada = simulator.state.createUser({ email: "ada@example.com" });
    const bob = simulator.state.createUser({ email: "bob@example.com" });
    // One preview, one person's pair declared in each order (an id as a number, then as a string).
    const result = await runDeclaring([byId(ada.id), byEmail(), byEmail("BOB@example.com", "bob"), byId(String(bob.id), "bob")], { preview: true });
    expect(bothNamed(result.errors)).toMatchObject({ names: ["ada-by-email", "ada-by-id"], userId: ada.id });
    expect(bothNamed(result.errors, "bob@example.com")).toMatchObject({ names: ["bob-by-email", "bob-by-id"], userId: bob.id });
    expect(result.errors).toHaveLength(2);
    expect(simulator.state.membersOf(teamId()).some((member) => ["ada@example.com", "bob@example.com"].includes(member.email))).toBe(false);
  });

  it("with preview checks off, the up fails the membership claimed second before anything is sent for it, in either order", async () => {
    const ada = simulator.state.createUser({ email: "ada@example.com" });
    for (const order of [
      [byId(ada.id), byEmail()],
      [byEmail(), byId(ada.id)],
    ]) {
      simulator.log.length = 0;
      const result = await runDeclaring(order, { previewChecks: false });
      const named = bothNamed(result.errors);
      expect(named).toMatchObject({ names: ["ada-by-email", "ada-by-id"], userId: ada.id });
      // The one checked first (registration order is the SDK's) is made; the second sent nothing.
      expect(result.steps.filter((step) => step.error === undefined).map((step) => step.name)).toEqual([named!.first]);
      expect(invitations()).toBe(1);
      expect(simulator.state.membersOf(teamId()).filter((member) => member.email === "ada@example.com")).toHaveLength(1);
      // Taken off the team for the next order.
      simulator.state.removeMember(teamId(), ada.id);
    }
  });

  it("a user the same up creates is not known in preview; the up refuses the second membership before writing it", async () => {
    const program = [
      { class: "TinesUser", name: "ada", args: { email: "ada@example.com" } },
      byEmail(),
      byId({ outputOf: "ada", property: "id" }),
    ];
    // The preview cannot know the user id a create will give: both memberships pass it.
    expect((await runDeclaring(program, { preview: true })).errors).toEqual([]);
    const result = await runDeclaring(program);
    const ada = simulator.state.findUserByEmail("ada@example.com")!;
    // The membership by id is checked at deploy once the user is made, after the one by email: it fails, unwritten.
    expect(bothNamed(result.errors)).toMatchObject({ names: ["ada-by-email", "ada-by-id"], userId: ada.id, second: "ada-by-id" });
    expect(simulator.state.membersOf(teamId()).filter((member) => member.email === "ada@example.com")).toHaveLength(1);
  });

  it("another person, or the same person on another team, is another membership", async () => {
    const ada = simulator.state.createUser({ email: "ada@example.com" });
    const other = simulator.state.createTeam("IT Operations");
    const result = await runDeclaring(
      [byId(ada.id), { class: "TinesTeamMembership", name: "grace", args: { teamId: teamId(), email: "grace@example.com" } }, { class: "TinesTeamMembership", name: "ada-itops", args: { teamId: other.id, email: "ada@example.com" } }],
      { preview: true },
    );
    expect(result.errors).toEqual([]);
  });
});
