import * as pulumi from "@pulumi/pulumi";
import { afterEach, describe, expect, it, vi } from "vitest";
import { TinesConnectionError } from "../../src/client";
import { deploymentFor, sharedTinesClient } from "../../src/deployment";
import { useSimulator } from "../helpers/simulator";

// What one provider process shares for one tenant (src/deployment): one TenantDeployment per
// client, its facts read once, and what resources record in it.

const tines = useSimulator({ seedTeams: ["Security Operations"] });

afterEach(() => {
  vi.restoreAllMocks();
});

describe("deploymentFor", () => {
  it("gives one deployment per client, and one client per tenant, key and options", () => {
    const client = tines.client();
    expect(deploymentFor(client)).toBe(deploymentFor(client));
    expect(deploymentFor(tines.client())).not.toBe(deploymentFor(client));
    const shared = sharedTinesClient(tines.simulator.url, tines.simulator.apiKey, { timeoutMs: 1_234 });
    expect(sharedTinesClient(tines.simulator.url, tines.simulator.apiKey, { timeoutMs: 1_234 })).toBe(shared);
    expect(sharedTinesClient(tines.simulator.url, "another key", { timeoutMs: 1_234 })).not.toBe(shared);
    expect(sharedTinesClient(tines.simulator.url, tines.simulator.apiKey, { timeoutMs: 4_321 })).not.toBe(shared);
    expect(deploymentFor(shared).tenantUrl).toBe(tines.simulator.url);
  });
});

describe("a TenantDeployment", () => {
  it("reads each tenant fact once, however many checks ask", async () => {
    const deployment = deploymentFor(tines.client());
    tines.simulator.state.createUser({ email: "ada@example.com" });
    tines.simulator.log.length = 0;
    await Promise.all([deployment.teams(), deployment.teams(), deployment.roles(), deployment.roles()]);
    expect((await deployment.userByEmail("ADA@example.com"))?.email).toBe("ada@example.com");
    await deployment.userById(1);
    await deployment.teamMembers(1);
    await deployment.teamMembers(1);
    const paths = tines.simulator.log.map((entry) => entry.path).sort();
    // One user by email is one request (GET /admin/users/{email}); the user by id reads the directory, once.
    expect(paths).toEqual(["/api/v1/admin/roles", "/api/v1/admin/users", "/api/v1/admin/users/ada%40example.com", "/api/v1/teams", "/api/v1/teams/1/members"]);
  });

  it("stops tenant checks once this process changed the tenant (its facts are stale)", async () => {
    const deployment = deploymentFor(tines.client());
    const check = vi.fn(async () => ({ failures: [{ property: "name", reason: "taken" }], warnings: [] }));
    expect(await deployment.runTenantCheck(check)).toEqual([{ property: "name", reason: "taken" }]);
    deployment.recordTenantChanged();
    expect(await deployment.runTenantCheck(check)).toEqual([]);
    expect(check).toHaveBeenCalledTimes(1);
  });

  it("turns an unreachable tenant into one warning for the deployment and no failure", async () => {
    const warn = vi.spyOn(pulumi.log, "warn").mockResolvedValue(undefined);
    const deployment = deploymentFor(tines.client());
    const unreachable = async (): Promise<never> => {
      throw new TinesConnectionError({
        request: { method: "GET", path: "/api/v1/teams" },
        attempts: 1,
        timedOut: false,
        requestMayHaveBeenProcessed: false,
        detail: "connection refused",
        cause: undefined,
      });
    };
    expect(await deployment.runTenantCheck(unreachable)).toEqual([]);
    expect(await deployment.runTenantCheck(unreachable)).toEqual([]);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0]![0])).toContain("preview checks against");
  });

  it("records the rosters and memberships checks declare, and which roster wrote a team it made", () => {
    const deployment = deploymentFor(tines.client());
    expect(deployment.rosterDeclaredFor(7)).toBeUndefined();
    deployment.declareRoster(7, "TinesTeamMembers");
    deployment.declareMembership(7, "ada@example.com");
    deployment.declareMembership(7, "user 5");
    deployment.declareCustomRole("REVIEWER");
    expect(deployment.rosterDeclaredFor(7)).toBe("TinesTeamMembers");
    expect(deployment.membershipsDeclaredOn(7)).toEqual(["ada@example.com", "user 5"]);
    expect([...deployment.customRolesDeclared()]).toEqual(["REVIEWER"]);
    // A roster write is remembered only for a team this deployment made, and forgotten with it.
    deployment.recordRosterWrite(8, "TinesTeam");
    expect(deployment.rosterWrittenFor(8)).toBeUndefined();
    deployment.recordTeamMade(8);
    deployment.recordRosterWrite(8, "TinesTeam");
    expect(deployment.rosterWrittenFor(8)).toBe("TinesTeam");
    deployment.forgetTeamMade(8);
    expect(deployment.rosterWrittenFor(8)).toBeUndefined();
  });

  it("knows the users this process deleted or deactivated, by id and creation time", () => {
    const deployment = deploymentFor(tines.client());
    const deleted = { id: 3, created_at: "2026-01-01T00:00:00Z" };
    deployment.recordUserDeleted(deleted);
    deployment.recordUserDeactivated({ id: 4, created_at: null });
    expect(deployment.deletedByThisProcess(deleted)).toBe(true);
    // A new user given the old id is another user.
    expect(deployment.deletedByThisProcess({ id: 3, created_at: "2026-02-01T00:00:00Z" })).toBe(false);
    expect(deployment.deactivatedByThisProcess({ id: 4, created_at: null })).toBe(true);
    expect(deploymentFor(tines.client()).deletedByThisProcess(deleted)).toBe(false);
  });
});
