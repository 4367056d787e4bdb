import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { exportRoster, type ExportOptions } from "../../src/cli/export";
import { TinesClient } from "../../src/client";
import { seedTenant, startTinesSimulator, type TinesSimulator } from "../../src/simulator";
import { runProgramInChildProcess } from "../../dist-tools/runner/programRunner";
import type { DynamicProviderEngine } from "../../tools/runner/engine";
import { engineFor, repositoryRoot, useProviderHost } from "../helpers/host";

const bootstrap = join(repositoryRoot, "examples", "bootstrap");

describe("check never refuses what Tines holds", () => {
  const tines = useProviderHost();

  it.each([
    ["an ampersand in the local part", "r&d-team@example.com"],
    ["a plus and an apostrophe", "o'brien+ops@example.com"],
    ["a one-label domain", "admin@localhost"],
    ["non-ASCII letters", "jürgen@exämple.de"],
  ])("an email with %s passes check, is adopted, and is recorded unchanged", async (_case, email) => {
    const held = tines.simulator.state.createUser({ email, first_name: "Held" });
    const { state } = await tines.engine.up("User", "held", { email, adoptExisting: true });
    expect(state.id).toBe(String(held.id));
    expect(state.outputs.email).toBe(email);
  });

  it("still refuses what is no email and no name", async () => {
    const engine = tines.engine;
    await expect(engine.preview("User", "bad", { email: "ada at example.com" })).rejects.toThrow(/email: not an email address/);
    await expect(engine.preview("User", "bad", { email: "@example.com" })).rejects.toThrow(/email: not an email address/);
    await expect(engine.preview("CustomRole", "bad", { name: "   ", permissions: ["STORY_READ"] })).rejects.toThrow(/name: must not be empty/);
  });
});

/** Text longer than any limit the provider once set (255, 100, 1,000 characters): Tines documents none. */
const long = (prefix: string, length: number) => `${prefix} ${"x".repeat(length)}`;

/** The requests that were not reads, since the log's entry `from`. */
function writesSince(simulator: TinesSimulator, from: number) {
  return simulator.log.slice(from).filter((entry) => entry.method !== "GET").map((entry) => `${entry.method} ${entry.path}`);
}

/**
 * The two ways a name Tines holds once failed check or was changed by it: surrounding whitespace
 * (trimmed by check, so an adoption wrote or showed a diff) and length (limits of ours, 255 or 100
 * or 1,000 characters, where Tines documents none).
 */
const heldText: Array<[string, (base: string) => string]> = [
  ["with surrounding whitespace", (base) => ` ${base} `],
  ["longer than any limit the provider once set", (base) => `${base} ${"x".repeat(12_000)}`],
];

describe.each(heldText)("names Tines holds %s are adopted unchanged, with no write", (_variant, text) => {
  type Kind = Parameters<DynamicProviderEngine["up"]>[0];
  /** [what, a seed that makes Tines hold it and says how a program declares it and what the stack must record] */
  type HeldCase = [string, (state: TinesSimulator["state"]) => { kind: Kind; args: Record<string, unknown>; recorded: Record<string, unknown> }];
  // Each case holds its objects under names of its own, so that one tenant holds them all.
  const cases: HeldCase[] = [
    [
      "a user's first and last name",
      (state) => {
        state.createUser({ email: "ann@example.com", first_name: text("Ann"), last_name: text("Lee") });
        const names = { firstName: text("Ann"), lastName: text("Lee") };
        return { kind: "User", args: { email: "ann@example.com", ...names, adoptExisting: true }, recorded: names };
      },
    ],
    [
      "a team's name",
      (state) => {
        state.createTeam(text("Ops"));
        return { kind: "Team", args: { name: text("Ops"), adoptExisting: true }, recorded: { name: text("Ops") } };
      },
    ],
    [
      "a custom role's name, description and permissions",
      (state) => {
        const role = { name: text("Reviewer"), description: text("Reviews detections"), permissions: [text("STORY_READ")] };
        state.addCustomRole(role.name, role);
        return { kind: "CustomRole", args: { ...role, adoptExisting: true }, recorded: role };
      },
    ],
    [
      "a template's name, vendor, product, description, options and action inputs",
      (state) => {
        const team = state.createTeam("Enrichment");
        const held = { name: text("Enrich IP"), description: text("Looks up an address"), vendor: text("VirusTotal"), product: text("Intelligence") };
        // Options are JSON Tines stores as given: compared to the last space, and of any size.
        const agentOptions = { url: "https://example.com", payload: text("payload\n").repeat(9) };
        const input = { name: text("Address"), type: "TEXT", description: text("The IP") };
        state.createTemplate({ ...held, agent_type: "Agents::HTTPRequestAgent", agent_options: agentOptions, team_id: team.id, action_inputs: [{ ...input, required: false }] });
        return {
          kind: "PrivateTemplate",
          args: { ...held, agentType: "Agents::HTTPRequestAgent", agentOptions, teamId: team.id, actionInputs: [input], adoptExisting: true },
          recorded: { ...held, agentOptions, actionInputs: [{ ...input, required: false }] },
        };
      },
    ],
    [
      "the SCIM user group mapping's group, team, role and owners' group",
      (state) => {
        state.createTeam(text("Okta Ops"));
        state.addCustomRole(text("Okta Reviewer"), { permissions: ["STORY_READ"] });
        const mappings = [{ group: text("okta-ops"), team: text("Okta Ops"), role: text("Okta Reviewer") }];
        state.replaceScimMapping({ mappings: mappings.map((line) => ({ group_name: line.group, team_name: line.team, role_name: line.role })), tenant_owners_group: text("owners") });
        return { kind: "ScimGroupMapping", args: { mappings, tenantOwnersGroup: text("owners"), adoptExisting: true }, recorded: { mappings, tenantOwnersGroup: text("owners") } };
      },
    ],
    [
      "a membership's custom role",
      (state) => {
        const team = state.createTeam("Detections");
        state.addCustomRole(text("Detection Reviewer"), { permissions: ["STORY_READ"] });
        const user = state.createUser({ email: "bea@example.com", first_name: "Bea" });
        state.seedMembership(team.id, user.id, text("Detection Reviewer"));
        return { kind: "TeamMembership", args: { teamId: team.id, userId: user.id, role: text("Detection Reviewer"), adoptExisting: true }, recorded: { role: text("Detection Reviewer") } };
      },
    ],
    [
      "a roster's custom role",
      (state) => {
        const team = state.createTeam("Response");
        state.addCustomRole(text("Response Reviewer"), { permissions: ["STORY_READ"] });
        const user = state.createUser({ email: "cal@example.com", first_name: "Cal" });
        state.seedMembership(team.id, user.id, text("Response Reviewer"));
        const members = [{ userId: user.id, role: text("Response Reviewer") }];
        return { kind: "TeamMembers", args: { teamId: team.id, members, adoptExisting: true }, recorded: { members } };
      },
    ],
  ];

  // One tenant holds every case before anything reads it. The adoptions are one deployment (one
  // `pulumi up` of a program that declares them all) and the previews the next: a provider process
  // reads the tenant's facts once, and the adoptions write nothing, so each sees the tenant as the
  // seeds left it, whichever cases run and in whatever order.
  let simulator: TinesSimulator;
  const seeded = new Map<string, ReturnType<HeldCase[1]>>();
  const deployments = new Map<"up" | "next preview", Promise<DynamicProviderEngine>>();
  const deployment = (which: "up" | "next preview") => deployments.get(which) ?? deployments.set(which, engineFor(simulator)).get(which)!;
  beforeAll(async () => {
    simulator = await startTinesSimulator({ userDeletionDelayMs: 0 });
    for (const [what, seed] of cases) seeded.set(what, seed(simulator.state));
  });
  afterAll(async () => {
    await Promise.allSettled([...deployments.values()].map(async (engine) => (await engine).host.stop()));
    await simulator.stop();
  });

  it.each(cases)("%s: check passes, the adoption writes nothing and records them as held, and the next preview changes nothing", async (what) => {
    const { kind, args, recorded } = seeded.get(what)!;
    const from = simulator.log.length;
    const { state, operation } = await (await deployment("up")).up(kind, "held", args);
    expect(operation).toBe("create");
    expect(writesSince(simulator, from)).toEqual([]);
    expect(state.outputs).toMatchObject(recorded);
    expect((await (await deployment("next preview")).preview(kind, "held", args, state)).operation).toBe("same");
  });
});

describe("a tenant that trims names: what a program declares is sent as given, and Tines' trimmed value is no change", () => {
  const tines = useProviderHost();

  it("the declared names are recorded as declared, Tines' trimmed ones as held, and the next preview changes nothing", async () => {
    tines.simulator.state.normalisation = { trimNames: true };
    const engine = await tines.freshEngine();
    const team = await engine.up("Team", "ops", { name: " Ops " });
    expect(team.state.inputs.name).toBe(" Ops ");
    expect(tines.simulator.state.listTeams().map((each) => each.name)).toContain("Ops");
    const role = await engine.up("CustomRole", "reviewer", { name: "Reviewer ", description: " Reviews ", permissions: ["STORY_READ"] });
    expect(role.state.outputs.name).toBe("Reviewer");
    const user = await engine.up("User", "ann", { email: "ann@example.com", firstName: "Ann ", lastName: " Lee" });
    expect(user.state.outputs).toMatchObject({ firstName: "Ann", lastName: "Lee" });
    const templateArgs = { name: " Enrich ", vendor: "VirusTotal ", product: " Intelligence", agentType: "Agents::WebhookAgent", agentOptions: {}, teamId: team.state.outputs.teamId };
    const template = await engine.up("PrivateTemplate", "enrich", templateArgs);
    expect(template.state.outputs).toMatchObject({ name: "Enrich", vendor: "VirusTotal", product: "Intelligence" });
    const mappingArgs = { mappings: [{ group: " okta-ops ", team: team.state.outputs.name, role: role.state.outputs.name }], tenantOwnersGroup: "owners " };
    const mapping = await engine.up("ScimGroupMapping", "mapping", mappingArgs);
    expect(mapping.state.outputs).toMatchObject({ mappings: [{ group: "okta-ops", team: "Ops", role: "Reviewer" }], tenantOwnersGroup: "owners" });

    const from = tines.simulator.log.length;
    const again = await tines.freshEngine();
    for (const [kind, name, args, state] of [
      ["Team", "ops", { name: " Ops " }, team.state],
      ["CustomRole", "reviewer", { name: "Reviewer ", description: " Reviews ", permissions: ["STORY_READ"] }, role.state],
      ["User", "ann", { email: "ann@example.com", firstName: "Ann ", lastName: " Lee" }, user.state],
      ["PrivateTemplate", "enrich", templateArgs, template.state],
      ["ScimGroupMapping", "mapping", mappingArgs, mapping.state],
    ] as const) {
      expect({ kind, operation: (await again.up(kind, name, args, state)).operation }).toEqual({ kind, operation: "same" });
    }
    expect(writesSince(tines.simulator, from)).toEqual([]);
  });

  it("a declared name is found, adopted and looked up by the name Tines trimmed", async () => {
    tines.simulator.state.normalisation = { trimNames: true };
    const held = tines.simulator.state.createTeam("Ops");
    const engine = await tines.freshEngine();
    const from = tines.simulator.log.length;
    const { state } = await engine.up("Team", "ops", { name: "Ops ", adoptExisting: true });
    expect(state.id).toBe(String(held.id));
    expect(state.inputs.name).toBe("Ops ");
    expect(writesSince(tines.simulator, from)).toEqual([]);
    // Without adoptExisting, the same name is taken: no second team "Ops" is made.
    await expect((await tines.freshEngine()).up("Team", "other", { name: " Ops" })).rejects.toThrow(/already exists|already has a team|name:/);
    expect(tines.simulator.state.listTeams().filter((team) => team.name === "Ops")).toHaveLength(1);
  });
});

describe("export, then adopt: what Tines holds round-trips unchanged", () => {
  let simulator: TinesSimulator;
  let workDirectory: string;
  beforeAll(async () => {
    simulator = await startTinesSimulator({ userDeletionDelayMs: 0, tenantOwner: true });
    workDirectory = mkdtempSync(join(tmpdir(), "held-values-"));
  });
  afterAll(async () => {
    await simulator.stop();
    rmSync(workDirectory, { recursive: true, force: true });
  });

  /** Exports the tenant, runs the bootstrap example on the roster (a stack of its own, `name`), and says what it did and what it wrote. */
  async function exportThenAdopt(name: string, options: ExportOptions) {
    const client = new TinesClient({ tenantUrl: simulator.url, apiKey: simulator.apiKey });
    const { roster } = await exportRoster(client, options);
    await client.close();
    const rosterPath = join(workDirectory, `${name}-roster.yaml`);
    writeFileSync(rosterPath, stringify(roster));
    const from = simulator.log.length;
    const result = await runProgramInChildProcess({
      programDirectory: bootstrap,
      statePath: join(workDirectory, `${name}-state.json`),
      config: { "tines:tenant": simulator.url, "tines:apiKey": simulator.apiKey, "tines-bootstrap:roster": rosterPath },
      secretKeys: ["tines:apiKey"],
    });
    return { roster, result, writes: writesSince(simulator, from) };
  }

  it("users Tines holds with unusual emails are exported and adopted with no write", async () => {
    simulator.reset();
    seedTenant(simulator.state, ["Research & Development"]);
    const team = simulator.state.listTeams().find((each) => each.name === "Research & Development")!;
    for (const [email, first] of [
      ["r&d-team@example.com", "R&D"],
      ["o'brien+ops@example.com", "Pat"],
    ] as const) {
      const user = simulator.state.createUser({ email, first_name: first, last_name: "" });
      simulator.state.seedMembership(team.id, user.id, "EDITOR");
    }
    const { roster, result, writes } = await exportThenAdopt("emails", { teams: ["Research & Development"] });
    expect(roster.people.map((person) => person.email)).toEqual(expect.arrayContaining(["r&d-team@example.com", "o'brien+ops@example.com"]));
    expect(result.errors).toEqual([]);
    expect(writes).toEqual([]);
    expect(result.steps.filter((step) => step.kind === "User").map((step) => step.operation)).toContain("create");
  });

  it("names with surrounding spaces, and longer than any documented limit, are exported and adopted with no write", async () => {
    simulator.reset();
    seedTenant(simulator.state, ["Ops "]);
    const { state } = simulator;
    const team = state.listTeams().find((each) => each.name === "Ops ")!;
    state.addCustomRole("Reviewer ", { description: long(" Reviews detections", 2_000), permissions: ["STORY_READ"] });
    const user = state.createUser({ email: "ann@example.com", first_name: "Ann ", last_name: long(" Lee", 300) });
    state.seedMembership(team.id, user.id, "Reviewer ");
    state.createTemplate({
      name: long(" Enrich IP ", 300),
      description: long("Looks up an address ", 12_000),
      vendor: "VirusTotal ",
      product: " Intelligence",
      agent_type: "Agents::HTTPRequestAgent",
      agent_options: { url: "https://example.com", script: "line\n" },
      team_id: team.id,
      action_inputs: [{ name: "Address ", type: "TEXT", required: false, description: " The IP" }],
    });
    state.replaceScimMapping({ mappings: [{ group_name: " okta-ops ", team_name: "Ops ", role_name: "Reviewer " }], tenant_owners_group: "owners " });
    const { roster, result, writes } = await exportThenAdopt("names", { templates: true });
    expect(roster.teams.map((each) => each.name)).toEqual(["Ops "]);
    expect(roster.people.find((person) => person.email === "ann@example.com")).toMatchObject({ firstName: "Ann ", teams: { "Ops ": "Reviewer " } });
    expect(result.errors).toEqual([]);
    expect(writes).toEqual([]);
    expect(result.steps.map((step) => step.kind).sort()).toEqual(["CustomRole", "PrivateTemplate", "ScimGroupMapping", "TeamMembership", "TeamMembership", "User", "User"]);
  });
});
