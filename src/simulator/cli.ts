#!/usr/bin/env node
/**
 * `npm run simulator -- [--port 4010] [--state .tines-local.json] [--api-key KEY] [--seed-team NAME]...
 * [--seed-story TEAM]... [--no-custom-roles] [--time-scale N] [--no-rate-limits]`: runs the local Tines simulator until interrupted, and prints
 * its base URL and a tenant-owner API key.
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
        "                           [--time-scale N] [--no-rate-limits]\n" +
        "  --seed-story TEAM   adds a story to the team named TEAM (so deleting it needs forceDestroy)\n" +
        "  --no-custom-roles   a tenant without the Enterprise custom-roles feature",
    );
    return;
  }
  const simulator = await startTinesSimulator({
    port: Number(values.port),
    host: values.host,
    statePath: values.state,
    apiKey: values["api-key"] ?? process.env.TINES_SIMULATOR_API_KEY,
    rateLimits: { enabled: !values["no-rate-limits"], timeScale: Number(values["time-scale"]) },
  });
  seedTenant(simulator.state, values["seed-team"] ?? ["Security Operations", "IT Operations"]);
  for (const teamName of values["seed-story"] ?? []) {
    const team = simulator.state.listTeams("all").find((each) => each.name === teamName);
    if (!team) throw new Error(`--seed-story: no team named "${teamName}" (seed it with --seed-team)`);
    simulator.state.seedStory(team.id);
  }
  if (values["no-custom-roles"]) simulator.state.setCustomRolesFeature(false);
  console.log(`Tines simulator listening on ${simulator.url}`);
  console.log(`Tenant-owner API key: ${simulator.apiKey}`);
  console.log(`Try: export TINES_TENANT=${simulator.url} TINES_API_KEY=${simulator.apiKey}`);
  if (values.state) console.log(`State is saved to ${values.state}`);
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
