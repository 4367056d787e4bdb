/**
 * What every part of the benchmark shares: the rig's settings (the engine's parallelism, the
 * latency per request, Tines' rate limits and how much faster they run here), starting a provider
 * host against a simulator, and the Markdown helpers of the report.
 */
import { repositoryRoot } from "./paths";
import { ProviderHost } from "../runner/providerHost";

/** The engine's default parallelism on a 2-core machine: 4 x CPU count. */
export const parallelism = 8;
/** Latency the simulator adds to every request, in ms. */
export const latencyMs = 25;
/** Tines' limits run this many times faster, so a run that binds on them stays short. */
export const timeScale = 20;
/** Tines' documented limits, requests a minute per bucket (tines-api.md, "Rate limits"). */
export const tinesLimits = { default: 5000, adminUsers: 500 };
/** How long a rate-limit "minute" lasts here, in ms. */
export const windowMs = 60_000 / timeScale;

/**
 * Starts a provider host for the repository's program, configured for `simulator` (stack config),
 * limits `scale` times faster, with `environment` added to the host's environment.
 */
export async function startHost(
  simulator: { url: string; apiKey: string },
  environment: Record<string, string> = {},
  scale = timeScale,
): Promise<ProviderHost> {
  const host = await ProviderHost.start({
    programDirectory: repositoryRoot,
    environment: { TINES_RATE_LIMIT_TIME_SCALE: String(scale), ...environment },
  });
  // Preview checks off: these figures are each operation's own cost (the hand-written peers check
  // nothing against the tenant either); a preview's tenant checks are measured on their own.
  await host.configure({ "tines:tenant": simulator.url, "tines:apiKey": simulator.apiKey, "tines:previewChecks": "false" });
  return host;
}

/** A Markdown table. */
export function table(headers: string[], rows: Array<Array<string | number>>): string {
  const lines = [`| ${headers.join(" | ")} |`, `|${headers.map(() => "---").join("|")}|`];
  for (const row of rows) lines.push(`| ${row.join(" | ")} |`);
  return lines.join("\n");
}

/** A number with `digits` decimals. */
export const fixed = (value: number, digits = 2) => value.toFixed(digits);
