#!/usr/bin/env node
/**
 * `npm run simulator -- [--port 4010] [--state .tines-local.json] [--api-key KEY] [--seed-team NAME]...
 * [--no-seed] [--seed-story TEAM]... [--no-custom-roles] [--time-scale N] [--no-rate-limits]
 * [--log FILE] [--scim] [--no-user-lookup-by-email] [--no-audit-log-access]`: runs the local Tines
 * simulator until interrupted, and prints its base URL and the tenant-owner API key. The tenant
 * always has its owner, whose key that is; with `--state`, the key is kept in the file, so a
 * restart answers to the same key.
 */
import { parseArgs } from "node:util";
import { seedTenant } from "./seed";
import { startTinesSimulator } from "./server";

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: "string", default: "4010" },
      host: { type: "string", default: "127.0.0.1" },
      state: { type: "string" },
      "api-key": { type: "string" },
      "seed-team": { type: "string", multiple: true },
      "no-seed": { type: "boolean", default: false },
      log: { type: "string" },
      scim: { type: "boolean", default: false },
      "no-user-lookup-by-email": { type: "boolean", default: false },
      "no-audit-log-access": { type: "boolean", default: false },
      "seed-story": { type: "string", multiple: true },
      "no-custom-roles": { type: "boolean", default: false },
      "time-scale": { type: "string", default: "1" },
      "no-rate-limits": { type: "boolean", default: false },
      help: { type: "boolean", default: false },
    },
  });
  if (values.help) {
    console.log(
      "Usage: npm run simulator -- [--port 4010] [--host 127.0.0.1] [--state FILE] [--api-key KEY]\n" +
        "                           [--seed-team NAME]... [--seed-story TEAM]... [--no-custom-roles]\n" +
        "                           [--time-scale N] [--no-rate-limits] [--no-seed] [--log FILE] [--scim]\n" +
        "                           [--no-user-lookup-by-email] [--no-audit-log-access]\n" +
        "  --state FILE        keeps the tenant, and its API key, across restarts\n" +
        "  --no-seed           no teams: a tenant with its owner only\n" +
        "  --seed-story TEAM   adds a story to the team named TEAM (so deleting it needs forceDestroy)\n" +
        "  --no-custom-roles   a tenant without the Enterprise custom-roles feature\n" +
        "  --log FILE          appends one JSON line per request (time, method, path, status, user agent);\n" +
        "                      GET /_simulator/requests answers the same log (DELETE empties it)\n" +
        "  --scim              people come from SCIM: user creates, updates and new invitations get a bare 403\n" +
        "  --no-user-lookup-by-email   an older tenant: GET /api/v1/admin/users/{email} answers 404\n" +
        "  --no-audit-log-access       the key is refused (403) on GET /api/v1/audit_logs",
    );
    return;
  }
  const simulator = await startTinesSimulator({
    port: Number(values.port),
    host: values.host,
    statePath: values.state,
    apiKey: values["api-key"] ?? process.env.TINES_SIMULATOR_API_KEY,
    rateLimits: { enabled: !values["no-rate-limits"], timeScale: Number(values["time-scale"]) },
    tenantOwner: true,
    logPath: values.log,
    scim: values.scim ? true : undefined,
    userLookupByEmail: !values["no-user-lookup-by-email"],
    auditLogAccess: !values["no-audit-log-access"],
  });
  seedTenant(simulator.state, values["no-seed"] ? [] : (values["seed-team"] ?? ["Security Operations", "IT Operations"]));
  for (const teamName of values["seed-story"] ?? []) {
    const team = simulator.state.listTeams("all").find((each) => each.name === teamName);
    if (!team) throw new Error(`--seed-story: no team named "${teamName}" (seed it with --seed-team)`);
    simulator.state.seedStory(team.id);
  }
  if (values["no-custom-roles"]) simulator.state.setCustomRolesFeature(false);
  console.log(`Tines simulator listening on ${simulator.url}`);
  console.log(`Tenant-owner API key: ${simulator.apiKey}`);
  console.log(`Try: export TINES_TENANT=${simulator.url} TINES_API_KEY=${simulator.apiKey}`);
  if (values.state) console.log(`State (and the API key) is saved to ${values.state}`);
  if (values.log) console.log(`Requests are logged to ${values.log} (and at ${simulator.url}/_simulator/requests)`);
  if (simulator.state.scimEnabled) console.log("SCIM is on: user creates, updates and invitations of new emails are refused");
  const stop = () => {
    void simulator.stop().then(() => process.exit(0));
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

main().catch((error: unknown) => {
  console.error(`Tines simulator failed to start: ${(error as Error).message}`);
  process.exit(1);
});
