/**
 * Issue 24 §6: the simulator is easy to live with. A restart from the same state file answers to
 * the same key; the request log can be seen (a file of JSON lines, and `GET /_simulator/requests`);
 * a tenant started without seed still has its owner, whose key the simulator's is.
 */
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { seededOwnerEmail, startTinesSimulator } from "../../src/simulator";

const directory = mkdtempSync(join(tmpdir(), "tines-sim-life-"));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

/** Starts the command-line simulator and resolves with its URL, key and the process. */
async function startCli(...args: string[]): Promise<{ url: string; key: string; child: ChildProcessWithoutNullStreams; output: string }> {
  const child = spawn(process.execPath, [join(__dirname, "../../dist/simulator/cli.js"), "--port", "0", ...args]);
  const output = await new Promise<string>((resolve, reject) => {
    let text = "";
    child.stdout.on("data", (chunk: Buffer) => {
      text += chunk.toString();
      if (/Try: .*\n/.test(text)) resolve(text);
    });
    child.once("exit", (code) => reject(new Error(`exited ${code}: ${text}`)));
  });
  return { url: /listening on (\S+)/.exec(output)![1]!, key: /API key: (\S+)/.exec(output)![1]!, child, output };
}

/** Stops a command-line simulator the way Ctrl-C does, and waits for it to exit. */
async function stopCli(child: ChildProcessWithoutNullStreams): Promise<void> {
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  await exited;
}

async function get(url: string, key: string, userAgent = "curl/8.5.0"): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(url, { headers: { authorization: `Bearer ${key}`, "user-agent": userAgent } });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

describe("the simulator across restarts", () => {
  it("keeps its API key in the state file, so a restart answers to the same key", async () => {
    const statePath = join(directory, "restart.json");
    const first = await startCli("--state", statePath);
    await stopCli(first.child);
    const second = await startCli("--state", statePath);
    try {
      expect(second.key).toBe(first.key);
      expect((await get(`${second.url}/api/v1/teams`, first.key)).status).toBe(200);
    } finally {
      await stopCli(second.child);
    }
  });

  it("in code too; a key given explicitly replaces the kept one", async () => {
    const statePath = join(directory, "in-code.json");
    const first = await startTinesSimulator({ statePath });
    await first.stop();
    const second = await startTinesSimulator({ statePath });
    expect(second.apiKey).toBe(first.apiKey);
    await second.stop();
    const third = await startTinesSimulator({ statePath, apiKey: "chosen" });
    await third.stop();
    const fourth = await startTinesSimulator({ statePath });
    expect(fourth.apiKey).toBe("chosen");
    await fourth.stop();
  });
});

describe("the tenant owner", () => {
  it("exists with no seed: an active tenant owner, and no team", async () => {
    const started = await startCli("--no-seed");
    try {
      const users = await get(`${started.url}/api/v1/admin/users`, started.key);
      expect(users.json["admin/users"]).toEqual([
        expect.objectContaining({ email: seededOwnerEmail, admin: true, is_active: true, first_name: "Tenant", last_name: "Owner" }),
      ]);
      expect((await get(`${started.url}/api/v1/teams`, started.key)).json.teams).toEqual([]);
    } finally {
      await stopCli(started.child);
    }
  });

  it("comes back after a reset in code with tenantOwner, and is whom the audit log names for the key's writes", async () => {
    const simulator = await startTinesSimulator({ tenantOwner: true, userDeletionDelayMs: 0 });
    try {
      simulator.reset();
      const [owner] = simulator.state.listUsers();
      expect(owner).toMatchObject({ email: seededOwnerEmail, admin: true });
      await fetch(`${simulator.url}/api/v1/teams`, {
        method: "POST",
        headers: { authorization: `Bearer ${simulator.apiKey}`, "content-type": "application/json" },
        body: JSON.stringify({ name: "Detection" }),
      });
      expect(simulator.state.listAuditLogs()[0]).toMatchObject({ user_id: owner!.id, user_email: seededOwnerEmail, user_name: "Tenant Owner" });
    } finally {
      await simulator.stop();
    }
  });
});

describe("the request log", () => {
  it("is written to --log as one JSON line per request, and answered at /_simulator/requests", async () => {
    const logPath = join(directory, "requests.ndjson");
    const started = await startCli("--log", logPath);
    let seen: Record<string, unknown>;
    try {
      expect((await get(`${started.url}/api/v1/teams`, started.key, "pulumi-tines/test")).status).toBe(200);
      expect((await get(`${started.url}/api/v1/admin/users/999`, started.key, "pulumi-tines/test")).status).toBe(404);
      seen = (await get(`${started.url}/_simulator/requests`, started.key)).json;
      // Reading the log is not a request of the tenant's API: it is not in the log.
      expect((await get(`${started.url}/_simulator/requests`, started.key)).json.count).toBe(2);
      expect((await get(`${started.url}/_simulator/requests`, "wrong")).status).toBe(401);
    } finally {
      await stopCli(started.child);
    }
    const lines = readFileSync(logPath, "utf8").trim().split("\n").map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines).toEqual([
      expect.objectContaining({ method: "GET", path: "/api/v1/teams", status: 200, userAgent: "pulumi-tines/test", time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) }),
      expect.objectContaining({ method: "GET", path: "/api/v1/admin/users/999", status: 404, userAgent: "pulumi-tines/test" }),
    ]);
    expect(seen).toEqual({ requests: lines, count: 2 });
  });

  it("can be emptied, to see what one deployment cost", async () => {
    const simulator = await startTinesSimulator();
    try {
      const call = (method: string, path: string) =>
        fetch(`${simulator.url}${path}`, { method, headers: { authorization: `Bearer ${simulator.apiKey}` } });
      await call("GET", "/api/v1/teams");
      expect((await call("DELETE", "/_simulator/requests")).status).toBe(204);
      expect(simulator.log).toEqual([]);
      await call("GET", "/api/v1/admin/users");
      const body = (await (await call("GET", "/_simulator/requests")).json()) as { requests: Array<{ path: string }> };
      expect(body.requests.map((line) => line.path)).toEqual(["/api/v1/admin/users"]);
    } finally {
      await simulator.stop();
    }
  });
});
