import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { recordFigures } from "../reliability/harness";
import { resourceUrn, withProvider, type ProviderHost } from "../../tools/runner/providerHost";
import type { TinesResourceKind } from "../../src/provider/registration";
import { startHost, useProviderHost } from "../helpers/host";

const tines = useProviderHost();
const unknown = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** [description, inputs, the failures expected (property → part of the reason)] */
type BadInput = [string, Record<string, unknown>, Record<string, string>];

const validUser = { email: "ada@example.com" };
const validMembership = { teamId: 1, userId: 2 };
const validRole = { name: "REVIEWER", permissions: ["STORY_READ"] };
const validTemplate = {
  name: "T",
  vendor: "V",
  product: "P",
  agentType: "Agents::HTTPRequestAgent",
  agentOptions: { url: "https://example.com" },
};

const cases: Record<TinesResourceKind, BadInput[]> = {
  User: [
    ["a missing email", {}, { email: "is required" }],
    ["an email that is not one", { email: "ada.example.com" }, { email: "not an email address" }],
    ["an empty email", { email: "   " }, { email: "not an email address" }],
    ["an email of the wrong type", { email: 42 }, { email: "must be a string" }],
    ["an oversized email", { email: `${"a".repeat(250)}@example.com` }, { email: "at most 254 characters" }],
    ["a name of the wrong type", { ...validUser, firstName: 7 }, { firstName: "must be a string" }],
    ["admin as a string", { ...validUser, admin: "yes" }, { admin: "must be true or false" }],
    ["isActive as a number", { ...validUser, isActive: 1 }, { isActive: "must be true or false" }],
    ["permissions as a string", { ...validUser, tenantPermissions: "AUDIT_LOG_READ" }, { tenantPermissions: "must be a list" }],
    ["an empty permission", { ...validUser, tenantPermissions: ["AUDIT_LOG_READ", " "] }, { "tenantPermissions[1]": "must not be empty" }],
    ["an unknown deletion mode", { ...validUser, deletionMode: "archive" }, { deletionMode: '"delete" or "deactivate"' }],
    ["a misspelt input", { ...validUser, emial: "x" }, { emial: "is not an input" }],
    ["several problems at once", { email: "x", admin: "no" }, { email: "not an email", admin: "true or false" }],
    ["a permission listed twice", { ...validUser, tenantPermissions: ["AUDIT_LOG_READ", "TUNNEL_MANAGE", "AUDIT_LOG_READ"] }, { "tenantPermissions[2]": "duplicates tenantPermissions[0]" }],
  ],
  TeamMembership: [
    ["a missing team", { userId: 2 }, { teamId: "is required" }],
    ["a negative team id", { ...validMembership, teamId: -3 }, { teamId: "must be a positive integer" }],
    ["a non-numeric team id", { ...validMembership, teamId: "secops" }, { teamId: "must be a positive integer" }],
    ["a fractional team id", { ...validMembership, teamId: 1.5 }, { teamId: "must be a positive integer" }],
    ["a zero user id", { teamId: 1, userId: 0 }, { userId: "must be a positive integer" }],
    ["a non-numeric user id", { teamId: 1, userId: "ada" }, { userId: "must be a positive integer" }],
    ["both userId and email", { teamId: 1, userId: 2, email: "ada@example.com" }, { userId: "give exactly one of userId and email" }],
    ["neither userId nor email", { teamId: 1 }, { userId: "give exactly one of userId and email" }],
    ["a bad email", { teamId: 1, email: "nobody" }, { email: "not an email address" }],
    ["an empty role", { ...validMembership, role: "" }, { role: "must not be empty" }],
    ["a role of only whitespace", { ...validMembership, role: " \t" }, { role: "must not be empty" }],
    ["a role of the wrong type", { ...validMembership, role: 3 }, { role: "must be a string" }],
    ["adoptExisting as a string", { ...validMembership, adoptExisting: "true" }, { adoptExisting: "must be true or false" }],
    ["one of Tines' roles in the wrong case", { ...validMembership, role: "editor" }, { role: '"editor" is not a role; did you mean EDITOR?' }],
    ["another of Tines' roles in the wrong case", { ...validMembership, role: "Team_Admin" }, { role: '"Team_Admin" is not a role; did you mean TEAM_ADMIN?' }],
    ["a bad team id and neither userId nor email, both at once", { teamId: "abc" }, { teamId: "must be a positive integer", userId: "give exactly one of userId and email" }],
    ["a role in the wrong case and both userId and email, both at once", { teamId: 1, userId: 2, email: "ada@example.com", role: "viewer" }, { role: "did you mean VIEWER?", userId: "give exactly one of userId and email" }],
  ],
  PrivateTemplate: [
    ["every required input missing", {}, { name: "is required", vendor: "is required", product: "is required", agentType: "must be one of", agentOptions: "must be a JSON object" }],
    ["an empty name", { ...validTemplate, name: " " }, { name: "must not be empty" }],
    ["an unknown agent type", { ...validTemplate, agentType: "Agents::FtpAgent" }, { agentType: "must be one of Agents::EmailAgent" }],
    ["agent options as a list", { ...validTemplate, agentOptions: [1] }, { agentOptions: "must be a JSON object" }],
    ["agent options as a string", { ...validTemplate, agentOptions: "{}" }, { agentOptions: "must be a JSON object" }],
    ["an unknown read access", { ...validTemplate, readAccess: "EVERYONE" }, { readAccess: "must be one of TEAM, GLOBAL, SPECIFIC_TEAMS" }],
    ["SPECIFIC_TEAMS without slugs", { ...validTemplate, readAccess: "SPECIFIC_TEAMS" }, { sharedTeamSlugs: "must name at least one team" }],
    ["slugs without SPECIFIC_TEAMS", { ...validTemplate, sharedTeamSlugs: ["it"] }, { sharedTeamSlugs: "only used when readAccess is SPECIFIC_TEAMS" }],
    ["a negative team id", { ...validTemplate, teamId: -1 }, { teamId: "must be a positive integer" }],
    ["a non-numeric folder id", { ...validTemplate, folderId: "inbox" }, { folderId: "must be a positive integer" }],
    ["an optional CREDENTIAL input", { ...validTemplate, actionInputs: [{ name: "a", type: "TEXT" }, { name: "key", type: "CREDENTIAL" }] }, { "actionInputs[1].required": "must be true for a CREDENTIAL input" }],
    ["two CREDENTIAL inputs", { ...validTemplate, actionInputs: [{ name: "a", type: "CREDENTIAL", required: true }, { name: "b", type: "CREDENTIAL", required: true }] }, { "actionInputs[1].type": "at most one CREDENTIAL input" }],
    ["an unknown action input type", { ...validTemplate, actionInputs: [{ name: "a", type: "FILE" }] }, { "actionInputs[0].type": "must be one of TEXT" }],
    ["an action input without a name", { ...validTemplate, actionInputs: [{ type: "TEXT" }] }, { "actionInputs[0].name": "is required" }],
    ["two action inputs of one name", { ...validTemplate, actionInputs: [{ name: "a", type: "TEXT" }, { name: "a", type: "NUMBER" }] }, { "actionInputs[1].name": "duplicates actionInputs[0].name" }],
    ["a shared team slug listed twice", { ...validTemplate, readAccess: "SPECIFIC_TEAMS", sharedTeamSlugs: ["it", "soc", "it"] }, { "sharedTeamSlugs[2]": "duplicates sharedTeamSlugs[0]" }],
    ["a bad name and SPECIFIC_TEAMS without slugs, both at once", { ...validTemplate, name: "", readAccess: "SPECIFIC_TEAMS" }, { name: "must not be empty", sharedTeamSlugs: "must name at least one team" }],
    ["data on a TEXT input", { ...validTemplate, actionInputs: [{ name: "a", type: "TEXT", data: { options: [] } }] }, { "actionInputs[0].data": "only used by OBJECT, OPTION and CODE" }],
  ],
  Team: [
    ["a missing name", {}, { name: "is required" }],
    ["an empty name", { name: "  " }, { name: "must not be empty" }],
    ["a name of the wrong type", { name: 7 }, { name: "must be a string" }],
    ["adoptExisting as a string", { name: "T", adoptExisting: "yes" }, { adoptExisting: "must be true or false" }],
    ["forceDestroy as a number", { name: "T", forceDestroy: 1 }, { forceDestroy: "must be true or false" }],
    ["a misspelt input", { name: "T", forceDestory: true }, { forceDestory: "is not an input" }],
    ["an empty roster", { name: "T", members: [] }, { members: "at least one member" }],
    ["members that are not a list", { name: "T", members: { email: "ada@example.com" } }, { members: "must be a list of members" }],
    ["ignoredMembers without members", { name: "T", ignoredMembers: ["bob@example.com"] }, { ignoredMembers: "needs members" }],
    [
      "an empty name, a member's role in the wrong case and a member declared twice, all at once",
      { name: "", members: [{ email: "ada@example.com", role: "team_admin" }, { email: "ADA@example.com" }] },
      { name: "must not be empty", "members[0].role": "did you mean TEAM_ADMIN?", "members[1].email": "declare each member once" },
    ],
    ["an ignored member that is neither an email nor a user id", { name: "T", members: [{ userId: 5 }], ignoredMembers: [6, "not an email"] }, { "ignoredMembers[1]": "must be an email or a user id" }],
    ["a member declared and ignored", { name: "T", members: [{ userId: 5 }], ignoredMembers: ["5"] }, { "ignoredMembers[0]": "also declared in members[0]" }],
  ],
  CustomRole: [
    ["every required input missing", {}, { name: "is required", permissions: "must be a list of permission names" }],
    ["one of Tines' own roles", { ...validRole, name: "team_admin" }, { name: "one of Tines' own roles" }],
    ["an empty name", { ...validRole, name: "" }, { name: "must not be empty" }],
    ["one of Tines' own roles with a trailing space", { ...validRole, name: "EDITOR " }, { name: "one of Tines' own roles" }],
    ["a description of the wrong type", { ...validRole, description: 3 }, { description: "must be a string" }],
    ["no permissions", { ...validRole, permissions: [] }, { permissions: "at least one permission" }],
    ["permissions as a string", { ...validRole, permissions: "STORY_READ" }, { permissions: "must be a list" }],
    ["an empty permission", { ...validRole, permissions: ["STORY_READ", ""] }, { "permissions[1]": "must not be empty" }],
    ["adoptExisting as a string", { ...validRole, adoptExisting: "true" }, { adoptExisting: "must be true or false" }],
  ],
  TeamMembers: [
    ["a member's role in the wrong case", { teamId: 1, members: [{ email: "ada@example.com", role: "editor" }] }, { "members[0].role": "did you mean EDITOR?" }],
    ["a member with both userId and email", { teamId: 1, members: [{ userId: 2, email: "ada@example.com" }] }, { "members[0].userId": "give exactly one of userId and email" }],
    [
      "a teamId that is not a number and a member declared twice, both at once",
      { teamId: "abc", members: [{ email: "ada@example.com" }, { email: "ADA@example.com" }] },
      { teamId: "must be a positive integer", "members[1].email": "declare each member once" },
    ],
    ["a misspelt member property", { teamId: 1, members: [{ email: "ada@example.com", roles: "EDITOR" }] }, { "members[0].roles": "is not an input of this resource" }],
    ["adoptExisting as a string", { teamId: 1, members: [{ email: "ada@example.com" }], adoptExisting: "yes" }, { adoptExisting: "must be true or false" }],
    ["no members at all", { teamId: 1 }, { members: "is required" }],
  ],
};

let tried = 0;
let rejected = 0;
afterAll(() => {
  recordFigures({ faultClass: "Bad inputs (wrong types, empty, oversized, bad emails and ids, unknown enums, rule breaks)", operations: tried, succeeded: 0, failedClearly: rejected, duplicated: 0, lost: 0, note: "each rejected in check (preview), naming the property, with 0 requests" });
});

// The shared host has a key, so preview checks are on (the default): a bad input still fails offline, with no request.
describe.each(Object.entries(cases))("%s rejects bad input in check, naming every problem at once, with no request", (kind, inputs) => {
  it.each(inputs)("%s", async (_description, news, expected) => {
    tried += 1;
    const { failures } = await tines.host.check(resourceUrn(kind as TinesResourceKind, "bad"), {}, withProvider(kind as TinesResourceKind, news));
    expect(failures.map((failure) => failure.property).sort()).toEqual(Object.keys(expected).sort());
    for (const [property, reason] of Object.entries(expected)) {
      expect(failures.find((failure) => failure.property === property)!.reason).toContain(reason);
    }
    expect(tines.simulator.log).toHaveLength(0);
    rejected += 1;
  });
});

describe("check with values unknown in preview (offline checks: tines:previewChecks false)", () => {
  // The tenant checks of unknown values are specified in previewChecks.test.ts; here only the offline ones run.
  let offline: ProviderHost;
  beforeAll(async () => {
    offline = await startHost();
    await offline.configure({ "tines:tenant": tines.simulator.url, "tines:apiKey": tines.simulator.apiKey, "tines:previewChecks": "false" });
  });
  afterAll(() => offline?.stop());

  it.each<[TinesResourceKind, Record<string, unknown>]>([
    ["User", { email: unknown, tenantPermissions: ["A", unknown] }],
    ["TeamMembership", { teamId: unknown, userId: unknown }],
    ["TeamMembership", { teamId: 1, email: unknown }],
    ["TeamMembers", { teamId: unknown, members: unknown, ignoredMembers: unknown }],
    ["PrivateTemplate", { ...validTemplate, agentOptions: { url: unknown }, teamId: unknown, readAccess: unknown, sharedTeamSlugs: unknown }],
    ["Team", { name: unknown }],
    ["Team", { name: "T", members: unknown, ignoredMembers: unknown }],
    ["CustomRole", { name: unknown, permissions: ["STORY_READ", unknown] }],
  ])("%s passes and keeps the placeholder for later", async (kind, news) => {
    const { failures, inputs } = await offline.check(resourceUrn(kind, "preview"), {}, withProvider(kind, news));
    expect(failures).toEqual([]);
    for (const [key, value] of Object.entries(news)) {
      if (JSON.stringify(value).includes(unknown)) expect(inputs[key]).toEqual(value);
    }
    expect(tines.simulator.log).toHaveLength(0);
  });

  it("still reports the known properties that are wrong", async () => {
    const { failures } = await offline.check(resourceUrn("User", "p"), {}, withProvider("User", { email: unknown, admin: "no" }));
    expect(failures).toEqual([{ property: "admin", reason: "must be true or false" }]);
  });
});
