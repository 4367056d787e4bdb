import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { seedTenant, startTinesSimulator, type TinesSimulator } from "../../src/simulator";
import { CheckFailedError, DynamicProviderEngine, EngineDeployment } from "../../tools/runner/engine";
import { resourceUrn, withProvider, type ProviderHost } from "../../tools/runner/providerHost";
import type { TinesResourceKind } from "../../src/provider/registration";
import { startConfiguredHost } from "../helpers/host";

let simulator: TinesSimulator;
const hosts: ProviderHost[] = [];
const unknown = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

beforeAll(async () => {
  simulator = await startTinesSimulator({ userDeletionDelayMs: 0 });
});
afterAll(async () => {
  await Promise.all(hosts.map((host) => host.stop()));
  await simulator.stop();
});

/**
 * A fresh host (fresh tenant facts), configured like a stack with a tenant and an API key and
 * nothing else: preview checks are on by default.
 */
async function hostWithChecks(config: Record<string, string> = {}, environment: Record<string, string> = {}, tenant: TinesSimulator = simulator): Promise<ProviderHost> {
  const host = await startConfiguredHost({ "tines:tenant": tenant.url, "tines:apiKey": tenant.apiKey, ...config }, environment);
  hosts.push(host);
  return host;
}

function check(host: ProviderHost, kind: TinesResourceKind, news: Record<string, unknown>, olds: Record<string, unknown> = {}) {
  return host.check(resourceUrn(kind, "checked"), olds, withProvider(kind, news));
}

/** What `host` printed on stderr while `run` ran (the host prints a warning shortly after the check that raised it). */
async function printedDuring(host: ProviderHost, run: () => Promise<void>): Promise<string> {
  const before = host.stderr.length;
  await run();
  await new Promise((resolve) => setTimeout(resolve, 100));
  return host.stderr.slice(before);
}

describe("preview checks against the tenant (on by default with a tenant and an API key)", () => {
  /**
   * A provider process reads the tenant's facts once (pulumi-dynamic-providers.md, "Runtime
   * facts"), as one `pulumi preview` would: these checks only read, so they share one process and
   * one tenant, seeded once with what each of them needs under names of its own.
   */
  describe("in one provider process, against one tenant read once", () => {
    let tenant: TinesSimulator;
    let host: ProviderHost;
    let ada: { id: number };

    beforeAll(async () => {
      tenant = await startTinesSimulator({ userDeletionDelayMs: 0 });
      seedTenant(tenant.state, ["Security Operations", "IT Operations"]);
      tenant.state.addCustomRole("Editor-in-chief");
      tenant.state.addCustomRole("TRIAGE_LEAD");
      ada = tenant.state.createUser({ email: "ada@example.com" });
      tenant.state.seedMembership(1, ada.id, "EDITOR");
      host = await hostWithChecks({}, {}, tenant);
    });
    afterAll(async () => {
      await tenant.stop();
    });
    const writes = () => tenant.log.filter((entry) => entry.method !== "GET");

    it("are on by default: a role that is not a role and a team that does not exist fail the preview, before anything is created", async () => {
      const deployment = new EngineDeployment(new DynamicProviderEngine(host), 4);
      // `pulumi up` previews first: every resource is checked before anything is changed.
      const registrations = [
        deployment.preview("User", "eve", { email: "eve@example.com" }),
        deployment.preview("TeamMembership", "eve-secops", { teamId: 1, email: "eve@example.com", role: "RESPONDER" }),
        deployment.preview("TeamMembership", "eve-red-team", { teamId: 42, email: "eve@example.com" }),
      ];
      const results = await Promise.allSettled(registrations);
      expect(results.map((result) => result.status)).toEqual(["fulfilled", "rejected", "rejected"]);
      const failures = results.flatMap((result) => (result.status === "rejected" ? (result.reason as CheckFailedError).failures : []));
      expect(failures).toEqual([
        { property: "role", reason: `"RESPONDER" is not a role in ${tenant.url} (its roles: VIEWER, EDITOR, TEAM_ADMIN, CASE_MANAGER, Editor-in-chief, TRIAGE_LEAD)` },
        { property: "teamId", reason: `team 42 does not exist in ${tenant.url}` },
      ]);
      expect(writes()).toEqual([]);
      expect(tenant.state.findUserByEmail("eve@example.com")).toBeUndefined();
    });

    it("are on by default: a preview of a membership fails for a missing team and a role that is not a role, both at once, and creates nothing", async () => {
      const failure = await new DynamicProviderEngine(host).preview("TeamMembership", "m", { teamId: 42, email: "new@example.com", role: "RESPONDER" }).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(CheckFailedError);
      expect((failure as CheckFailedError).failures.map((each) => each.property)).toEqual(["teamId", "role"]);
      expect(writes()).toEqual([]);
      expect(tenant.state.findUserByEmail("new@example.com")).toBeUndefined();
    });

    it("keep any other name for a custom role", async () => {
      expect((await check(host, "TeamMembership", { teamId: 1, email: "a@example.com", role: "Editor-in-chief" })).failures).toEqual([]);
    });

    it("fail a membership on a team that does not exist, or with a role that is not a role", async () => {
      expect((await check(host, "TeamMembership", { teamId: 42, email: "a@example.com" })).failures).toEqual([
        { property: "teamId", reason: `team 42 does not exist in ${tenant.url}` },
      ]);
      expect((await check(host, "TeamMembership", { teamId: 1, email: "a@example.com", role: "EDTIOR" })).failures).toEqual([
        { property: "role", reason: `"EDTIOR" is not a role in ${tenant.url} (its roles: VIEWER, EDITOR, TEAM_ADMIN, CASE_MANAGER, Editor-in-chief, TRIAGE_LEAD); did you mean EDITOR?` },
      ]);
      expect((await check(host, "TeamMembership", { teamId: 1, email: "a@example.com", role: "TRIAGE_LEAD" })).failures).toEqual([]);
    });

    it("fail a new membership whose user is already on the team, naming adoptExisting", async () => {
      const { failures } = await check(host, "TeamMembership", { teamId: 1, userId: ada.id });
      expect(failures).toEqual([
        { property: "userId", reason: `user ada@example.com (id ${ada.id}) is already on team 1 ("Security Operations") with role EDITOR; set adoptExisting: true to manage that membership` },
      ]);
      expect((await check(host, "TeamMembership", { teamId: 1, email: "ADA@example.com" })).failures[0]!.property).toBe("email");
      // An existing membership of the stack is not new: no such failure.
      expect((await check(host, "TeamMembership", { teamId: 1, userId: ada.id }, { teamId: 1, userId: ada.id, role: "EDITOR" })).failures).toEqual([]);
      expect((await check(host, "TeamMembership", { teamId: 1, userId: 999 })).failures).toEqual([
        { property: "userId", reason: `user 999 does not exist in ${tenant.url}` },
      ]);
    });

    it("warn, without failing, that an invitation email will be sent or a role replaced", async () => {
      const printed = await printedDuring(host, async () => {
        expect((await check(host, "TeamMembership", { teamId: 2, email: "newcomer@example.com" })).failures).toEqual([]);
        expect((await check(host, "TeamMembership", { teamId: 1, userId: ada.id, role: "VIEWER", adoptExisting: true })).failures).toEqual([]);
      });
      expect(printed).toContain('warning: [runtime] pulumi-tines: newcomer@example.com has no Tines account yet: adding them to team "IT Operations" creates the user and emails an invitation');
      expect(printed).toContain('the role EDITOR of ada@example.com on team "Security Operations" will be replaced by VIEWER');
    });

    it("fail a template for a missing team; shared team slugs that match no team name are a warning", async () => {
      const template = { name: "T", vendor: "V", product: "P", agentType: "Agents::WebhookAgent", agentOptions: {} };
      expect((await check(host, "PrivateTemplate", { ...template, teamId: 7 })).failures).toEqual([
        { property: "teamId", reason: `team 7 does not exist in ${tenant.url}` },
      ]);
      const shared = { ...template, teamId: 1, readAccess: "SPECIFIC_TEAMS", sharedTeamSlugs: ["it-operations", "red-team"] };
      const printed = await printedDuring(host, async () => {
        expect((await check(host, "PrivateTemplate", shared)).failures).toEqual([]);
      });
      expect(printed).toContain('sharedTeamSlugs[1] of template "T": no team has the slug "red-team"');
      expect(printed).not.toContain('"it-operations" in');
    });

    it("skip values still unknown in preview", async () => {
      expect((await check(host, "TeamMembership", { teamId: unknown, userId: unknown, role: "EDTIOR" })).failures.map((each) => each.property)).toEqual(["role"]);
      expect((await check(host, "User", { email: unknown })).failures).toEqual([]);
    });
  });

  /** Each of these needs a provider process of its own: other settings, no facts read yet, or a tenant it changes. */
  describe("in a provider process of their own", () => {
    beforeEach(() => {
      simulator.reset();
      seedTenant(simulator.state, ["Security Operations", "IT Operations"]);
    });

    it("fail a role in the wrong case offline, naming Tines' role, with no request", async () => {
      const host = await hostWithChecks();
      simulator.log.length = 0;
      const { failures } = await check(host, "TeamMembership", { teamId: 42, email: "a@example.com", role: "editor" });
      expect(failures).toEqual([{ property: "role", reason: '"editor" is not a role; did you mean EDITOR?' }]);
      // An input that fails offline fails without any request, checks on or not.
      expect(simulator.log).toHaveLength(0);
    });

    it("are turned off by tines:previewChecks false: check stays offline", async () => {
      const host = await hostWithChecks({ "tines:previewChecks": "false" });
      simulator.log.length = 0;
      expect((await check(host, "TeamMembership", { teamId: 42, email: "a@example.com" })).failures).toEqual([]);
      expect(simulator.log).toHaveLength(0);
    });

    it("are turned off by TINES_PREVIEW_CHECKS=false: check stays offline", async () => {
      const host = await hostWithChecks({}, { TINES_PREVIEW_CHECKS: "false" });
      simulator.log.length = 0;
      expect((await check(host, "TeamMembership", { teamId: 42, email: "a@example.com" })).failures).toEqual([]);
      expect(simulator.log).toHaveLength(0);
    });

    it("refuse a tines:previewChecks value that is neither true nor false, naming the setting", async () => {
      const host = await hostWithChecks({ "tines:previewChecks": "sometimes" });
      await expect(check(host, "User", { email: "a@example.com" })).rejects.toThrow('tines:previewChecks (or TINES_PREVIEW_CHECKS) must be true or false, got "sometimes"');
    });

    // In a process of its own: the first users a deployment meets are looked up one by one by email
    // (GET /admin/users/{email}), before it reads the whole directory, and this is the check that
    // finds one that way.
    it("fail a new user whose email is taken, naming adoptExisting, and warn about unknown permissions", async () => {
      const taken = simulator.state.createUser({ email: "taken@example.com" });
      const host = await hostWithChecks();
      const printed = await printedDuring(host, async () => {
        expect((await check(host, "User", { email: "Taken@example.com" })).failures).toEqual([
          { property: "email", reason: `a Tines user with the email Taken@example.com already exists in ${simulator.url} (user id ${taken.id}); set adoptExisting: true to manage that user` },
        ]);
        expect((await check(host, "User", { email: "taken@example.com", adoptExisting: true })).failures).toEqual([]);
        expect((await check(host, "User", { email: "free@example.com", tenantPermissions: ["AUDIT_LOG_READ", "TIME_TRAVEL"] })).failures).toEqual([]);
      });
      expect(printed).toContain(`user taken@example.com already exists in ${simulator.url} (user id ${taken.id}): it will be adopted`);
      expect(printed).toContain("TIME_TRAVEL is not one of the permissions Tines documents");
    });

    // The number of requests is the behaviour: it does not grow with the resources checked (200 of
    // each prove that as 1,000 did; `npm run bench` measures large previews).
    it("cost a handful of requests for a preview of 200 users and 200 memberships, shared by every check", async () => {
      for (let index = 0; index < 1_200; index += 1) simulator.state.createUser({ email: `existing${index}@example.com` });
      const host = await hostWithChecks();
      simulator.log.length = 0;
      const checks = [];
      for (let index = 0; index < 200; index += 1) {
        checks.push(check(host, "User", { email: `new${index}@example.com` }));
        checks.push(check(host, "TeamMembership", { teamId: 1 + (index % 2), email: `new${index}@example.com`, role: "EDITOR" }));
      }
      const results = await Promise.all(checks);
      expect(results.every((result) => result.failures.length === 0)).toBe(true);
      // Teams once, roles once, the directory of 1,201 users once (3 pages of 500). Before it, the
      // first emails are looked up one request each, while their number stays below the pages a
      // directory is assumed to have before any was read (assumedUserDirectoryPages, 4): 3 of them.
      expect(simulator.log.map((entry) => entry.path).sort()).toEqual([
        "/api/v1/admin/roles",
        "/api/v1/admin/users",
        "/api/v1/admin/users",
        "/api/v1/admin/users",
        "/api/v1/admin/users/new0%40example.com",
        "/api/v1/admin/users/new1%40example.com",
        "/api/v1/admin/users/new2%40example.com",
        "/api/v1/teams",
      ]);
    });

    it("fall back to the offline checks with one warning when the tenant cannot be reached", async () => {
      const host = await hostWithChecks({ "tines:tenant": "http://127.0.0.1:9", "tines:maxAttempts": "1" });
      const first = await check(host, "TeamMembership", { teamId: 42, email: "a@example.com" });
      const second = await check(host, "User", { email: "b@example.com" });
      expect(first.failures).toEqual([]);
      expect(second.failures).toEqual([]);
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(host.stderr.match(/preview checks against http:\/\/127\.0\.0\.1:9 were skipped/g)).toHaveLength(1);
      expect(host.stderr).toContain("ECONNREFUSED");
    });

    it("leave a preview without settings to the offline checks", async () => {
      const host = await startConfiguredHost({ "tines:tenant": simulator.url });
      hosts.push(host);
      simulator.log.length = 0;
      expect((await check(host, "User", { email: "a@example.com" })).failures).toEqual([]);
      expect(simulator.log).toHaveLength(0);
    });

    it("stop once the deployment has changed the tenant, since the facts read before are stale", async () => {
      const host = await hostWithChecks();
      const engine = new DynamicProviderEngine(host);
      await engine.up("User", "ada", { email: "ada@example.com" });
      simulator.log.length = 0;
      // Ada now exists; a check based on the directory read before her creation must not run.
      expect((await check(host, "TeamMembership", { teamId: 1, email: "ada@example.com" })).failures).toEqual([]);
      expect(simulator.log).toHaveLength(0);
    });
  });
});
