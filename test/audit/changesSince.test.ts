/**
 * `pulumi-tines export --since`: what changed outside Pulumi in a window, from the audit logs, with
 * this package's own writes left out; and a key that may not read the audit logs fails it plainly.
 */
import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { changesOutsidePulumi, describeChanges } from "../../src/cli/changesSince";
import { formatAuditTime } from "../../src/audit/entries";
import { repositoryRoot } from "../helpers/host";
import { useSimulator } from "../helpers/simulator";

const run = promisify(execFile);
const cli = join(repositoryRoot, "dist", "cli", "index.js");

describe("export --since", () => {
  const tines = useSimulator({ seedTeams: ["Detection"] });

  it("lists the changes made outside Pulumi since the time, oldest first, naming who, what and when, and leaves this package's own out", async () => {
    const client = tines.client();
    // This package's own write (its User-Agent): not a change made outside Pulumi.
    const bob = await client.users.create({ email: "bob@acme.com" });
    const old = tines.simulator.addAuditLogEntry({ user_email: "mallory@acme.com", operation_name: "UserEdit", inputs: { userId: bob.id }, created_at: "2020-01-01T00:00:00Z" });
    const removal = tines.simulator.addAuditLogEntry({ user_email: "carol@acme.com", request_ip: "203.0.113.9", operation_name: "TeamMemberRemoval", inputs: { teamId: 1, user_id: bob.id }, created_at: new Date(Date.now() - 1000).toISOString() });
    const unknown = tines.simulator.addAuditLogEntry({ user_email: "dave@acme.com", request_ip: "198.51.100.4", request_user_agent: "python-requests/2.32", operation_name: "SomethingNew", inputs: { templateId: "42" } });

    const changes = await changesOutsidePulumi(client, new Date(Date.now() - 10 * 60 * 1000).toISOString());

    expect(changes.entries.map((entry) => entry.id)).toEqual([removal.id, unknown.id]);
    expect(changes.entries.map((entry) => entry.id)).not.toContain(old.id);
    expect(changes.ownEntries).toBe(1);
    const report = describeChanges(changes, new Map([[1, "Detection"]])).split("\n");
    expect(report[0]).toMatch(/^Changes outside Pulumi since .+ UTC: 2 by 2 people \(1 made by pulumi-tines left out\)$/);
    expect(report.slice(1)).toEqual([
      `  ${formatAuditTime(removal.created_at)}  carol@acme.com (203.0.113.9, browser)  TeamMemberRemoval (removed a member from a team): user ${bob.id}, team Detection`,
      `  ${formatAuditTime(unknown.created_at)}  dave@acme.com (198.51.100.4, python-requests)  SomethingNew: template 42`,
    ]);
  });

  it("fails before writing anything when the key may not read the audit logs", async () => {
    tines.simulator.setAuditLogAccess(false);
    try {
      const failure = await run(process.execPath, [cli, "export", "--tenant", tines.simulator.url, "--since", "2026-01-01"], {
        env: { ...process.env, TINES_API_KEY: tines.simulator.apiKey },
      }).catch((error: { code: number; stdout: string; stderr: string }) => error);
      expect((failure as { code: number }).code).toBe(1);
      expect(failure.stdout).toBe("");
      expect(failure.stderr).toContain("--since reads the audit logs, which needs the AUDIT_LOG_READ permission or a tenant-owner key");
    } finally {
      tines.simulator.setAuditLogAccess(true);
    }
  });
});
