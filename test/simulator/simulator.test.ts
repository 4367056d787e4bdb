import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { startTinesSimulator } from "../../src/simulator";
import { useSimulator } from "../helpers/simulator";

const tines = useSimulator({ seedTeams: ["Security Operations"] });

async function call(method: string, path: string, body?: unknown, key = tines.simulator.apiKey) {
  const response = await fetch(`${tines.simulator.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    body: typeof body === "string" ? body : body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, text, json: text ? (JSON.parse(text) as Record<string, unknown>) : undefined };
}

describe("the Tines simulator", () => {
  it("answers lists with Tines' wrapper, meta URLs and a default page size of 20", async () => {
    for (let index = 0; index < 45; index += 1) tines.simulator.state.createUser({ email: `u${index}@example.com` });
    const first = await call("GET", "/api/v1/admin/users");
    expect((first.json!["admin/users"] as unknown[]).length).toBe(20);
    expect(first.json!.meta).toMatchObject({
      current_page: `${tines.simulator.url}/api/v1/admin/users?page=1&per_page=20`,
      previous_page: null,
      next_page: `${tines.simulator.url}/api/v1/admin/users?page=2&per_page=20`,
      next_page_number: 2,
      per_page: 20,
      pages: 3,
      count: 45,
    });
    const last = await call("GET", "/api/v1/admin/users?page=3&per_page=20");
    expect(last.json!.meta).toMatchObject({ next_page: null, next_page_number: null });
    const capped = await call("GET", "/api/v1/admin/users?per_page=5000");
    expect(capped.json!.meta).toMatchObject({ per_page: 500, pages: 1 });
  });

  it("refuses requests without a valid key (401) and admin calls with a Team key (403)", async () => {
    expect((await call("GET", "/api/v1/teams", undefined, "wrong")).status).toBe(401);
    const teamKey = tines.simulator.createTeamApiKey(1);
    expect((await call("GET", "/api/v1/admin/users", undefined, teamKey)).status).toBe(403);
    expect((await call("GET", "/api/v1/teams/1/members", undefined, teamKey)).status).toBe(200);
    const other = tines.simulator.state.createTeam("Other");
    expect((await call("GET", `/api/v1/teams/${other.id}/members`, undefined, teamKey)).status).toBe(403);
  });

  it("answers bad requests with a 4xx and Tines' error body instead of crashing", async () => {
    expect(await call("POST", "/api/v1/admin/users", "{not json")).toMatchObject({ status: 400 });
    const wrongType = await call("POST", "/api/v1/admin/users", { email: "a@example.com", admin: "yes" });
    expect(wrongType.status).toBe(400);
    expect(wrongType.json).toMatchObject({ errors: [{ message: expect.stringContaining("admin") }] });
    expect((await call("POST", "/api/v1/admin/users", {})).status).toBe(400);
    expect((await call("POST", "/api/v1/teams/1/invite_member", { user_id: 1, email: "x@example.com" })).json).toEqual({
      error: "give exactly one of user_id and email",
    });
    expect((await call("GET", "/api/v1/admin/users/abc")).status).toBe(404);
    expect((await call("PATCH", "/api/v1/admin/users/1")).status).toBe(405);
    expect((await call("POST", "/api/v1/admin/templates", { name: "x" })).json).toEqual(expect.any(Array));
    // Still serving.
    expect((await call("GET", "/api/v1/teams")).status).toBe(200);
  });

  it("keeps emails unique and records an invitation for every created or invited user", async () => {
    expect((await call("POST", "/api/v1/admin/users", { email: "a@example.com" })).status).toBe(201);
    expect((await call("POST", "/api/v1/admin/users", { email: "A@example.com" })).status).toBe(422);
    const invited = await call("POST", "/api/v1/teams/1/invite_member", { email: "b@example.com" });
    expect(invited.json).toMatchObject({ role: "VIEWER", email: "b@example.com" });
    expect((await call("POST", "/api/v1/teams/1/invite_member", { email: "b@example.com" })).status).toBe(422);
    expect(tines.simulator.state.snapshot().outbox.map((mail) => [mail.to, mail.kind])).toEqual([
      ["a@example.com", "tenant"],
      ["b@example.com", "tenant"],
      ["b@example.com", "team"],
    ]);
  });

  it("answers remove_member with deleted_id, deletes with 204, and a template update with true", async () => {
    const a = tines.simulator.state.createUser({ email: "a@example.com" });
    const b = tines.simulator.state.createUser({ email: "b@example.com" });
    tines.simulator.state.seedMembership(1, a.id);
    tines.simulator.state.seedMembership(1, b.id);
    expect((await call("POST", "/api/v1/teams/1/remove_member", { user_id: a.id })).json).toEqual({ deleted_id: a.id });
    expect((await call("POST", "/api/v1/teams/1/remove_member", { user_id: b.id })).status).toBe(422);
    const template = await call("POST", "/api/v1/admin/templates", {
      name: "T", description: "", vendor: "V", product: "P", agent_type: "Agents::WebhookAgent", agent_options: {},
    });
    expect(typeof template.json!.id).toBe("string");
    expect((await call("PUT", `/api/v1/admin/templates/${template.json!.id}`, { name: "U" })).text).toBe("true");
    expect((await call("DELETE", `/api/v1/admin/templates/${template.json!.id}`)).status).toBe(204);
    expect((await call("DELETE", `/api/v1/admin/users/${a.id}`)).status).toBe(204);
  });

  it("limits each key to Tines' rate, scaled in time, with Retry-After", async () => {
    tines.simulator.setRateLimits({ adminUsersPerMinute: 3, timeScale: 60 });
    try {
      const statuses = [];
      for (let index = 0; index < 4; index += 1) statuses.push((await call("GET", "/api/v1/admin/users")).status);
      expect(statuses).toEqual([200, 200, 200, 429]);
      expect(tines.simulator.log.at(-1)).toMatchObject({ status: 429 });
      // Other endpoints have their own, larger budget.
      expect((await call("GET", "/api/v1/teams")).status).toBe(200);
      // A scaled minute later the window has moved on.
      await new Promise((resolve) => setTimeout(resolve, 1_050));
      expect((await call("GET", "/api/v1/admin/users")).status).toBe(200);
    } finally {
      tines.simulator.setRateLimits({ adminUsersPerMinute: 500, timeScale: 1 });
    }
  });

  it("injects a fault at most N times per distinct request, whatever the interleaving", async () => {
    tines.simulator.setFaults({ rules: [{ method: "GET", action: { type: "status", status: 503 }, timesPerRequest: 2 }] });
    const statuses = async (path: string) => {
      const result = [];
      for (let attempt = 0; attempt < 3; attempt += 1) result.push((await call("GET", path)).status);
      return result;
    };
    expect(await statuses("/api/v1/teams")).toEqual([503, 503, 200]);
    expect(await statuses("/api/v1/teams/1")).toEqual([503, 503, 200]);
  });

  it("restores a snapshot: the same objects under the same ids, and the next new object after them", async () => {
    const team = tines.simulator.state.createTeam("Blue Team");
    const user = tines.simulator.state.createUser({ email: "saved@example.com", first_name: "Saved" });
    const saved = tines.simulator.state.snapshot();
    tines.simulator.state.deleteTeam(team.id);
    tines.simulator.state.createUser({ email: "after@example.com" });
    tines.simulator.state.restore(saved);
    expect(tines.simulator.state.listTeams("all").map((each) => [each.id, each.name])).toContainEqual([team.id, "Blue Team"]);
    expect(tines.simulator.state.findUserByEmail("after@example.com")).toBeUndefined();
    expect((await call("GET", `/api/v1/admin/users/${user.id}`)).json).toMatchObject({ email: "saved@example.com" });
    const next = await call("POST", "/api/v1/admin/users", { email: "next@example.com" });
    expect((next.json as { id: number }).id).toBeGreaterThan(user.id);
    // The snapshot given back is not the tenant's: changing the tenant leaves it as saved.
    expect(saved.users.map((each) => each.email)).not.toContain("next@example.com");
  });

  it("persists the tenant to a file so it survives a restart", async () => {
    const directory = mkdtempSync(join(tmpdir(), "tines-sim-"));
    try {
      const statePath = join(directory, "state.json");
      const first = await startTinesSimulator({ statePath, apiKey: "k" });
      first.state.createTeam("Persisted");
      first.state.createUser({ email: "kept@example.com" });
      await first.stop();
      const second = await startTinesSimulator({ statePath, apiKey: "k" });
      expect(second.state.findUserByEmail("kept@example.com")).toBeDefined();
      expect(second.state.listTeams().map((team) => team.name)).toEqual(["Persisted"]);
      await second.stop();
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });

  it("starts from the command line and prints its URL and a tenant-owner key", async () => {
    const child = spawn(process.execPath, [join(__dirname, "../../dist/simulator/cli.js"), "--port", "0"], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    try {
      const output = await new Promise<string>((resolve, reject) => {
        let text = "";
        child.stdout.on("data", (chunk: Buffer) => {
          text += chunk.toString();
          if (text.includes("API key:")) resolve(text);
        });
        child.once("exit", (code) => reject(new Error(`exited ${code}: ${text}`)));
      });
      const url = /listening on (\S+)/.exec(output)![1]!;
      const key = /API key: (\S+)/.exec(output)![1]!;
      const teams = await fetch(`${url}/api/v1/teams`, { headers: { authorization: `Bearer ${key}` } });
      expect(((await teams.json()) as { teams: Array<{ name: string }> }).teams.map((team) => team.name)).toEqual([
        "Security Operations",
        "IT Operations",
      ]);
    } finally {
      child.kill("SIGTERM");
    }
  });
});
