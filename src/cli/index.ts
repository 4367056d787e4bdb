#!/usr/bin/env node
/**
 * The `pulumi-tines` command (`npx pulumi-tines export`). Settings as the provider reads them:
 * the tenant from `--tenant` or `TINES_TENANT`, the API key from `TINES_API_KEY` only, so it never
 * lands in a shell history or a process list. Progress and the summary go to stderr, the roster to
 * `--out` or stdout.
 */
// First: on a Node.js too old, fail with one clear sentence before any dependency loads.
import "../nodeVersion";
import { writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { TinesApiError, TinesError } from "../client";
import { ProviderConfiguration } from "../provider/configuration";
import { changesOutsidePulumi, describeChanges, type ChangesOutsidePulumi } from "./changesSince";
import { describeSummary, exportRoster, formatRoster } from "./export";

const usage = `Usage: pulumi-tines export [options]

Reads a Tines tenant (users, teams, memberships with roles, custom roles, and with --templates
private templates) and writes a roster for examples/bootstrap, every entry marked for adoption.

The API key is read from TINES_API_KEY (never from the command line).

Options:
  --tenant URL             the tenant, e.g. https://acme-shark-1234.tines.com (default: TINES_TENANT)
  --out FILE               where to write the roster: YAML, or JSON for a .json name (default: stdout)
  --team NAME              only this team, its members and templates (repeatable)
  --include-deactivated    also export deactivated users (as isActive: false)
  --exclude-email PATTERN  leave out users whose email matches the glob, e.g. '*@contractor.example' (repeatable)
  --templates              also export private templates
  --since TIME             also report what changed outside Pulumi since TIME (e.g. 2026-12-01), from the
                           audit logs: who, what, when (needs AUDIT_LOG_READ or a tenant-owner key)
  --quiet                  no progress on stderr, only the summary
  -h, --help               this text
`;

/** Runs the command line `args` (without `node` and the script); returns the exit code. */
export async function main(args: string[]): Promise<number> {
  if (args.some((arg) => /^--api[-_]?key\b/i.test(arg))) {
    process.stderr.write("The API key is never taken on the command line (it would stay in your shell history): set TINES_API_KEY instead.\n");
    return 2;
  }
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: {
        tenant: { type: "string" },
        out: { type: "string" },
        team: { type: "string", multiple: true },
        "include-deactivated": { type: "boolean", default: false },
        "exclude-email": { type: "string", multiple: true },
        templates: { type: "boolean", default: false },
        since: { type: "string" },
        quiet: { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false },
      },
    });
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n\n${usage}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(usage);
    return 0;
  }
  if (positionals.length !== 1 || positionals[0] !== "export") {
    // The words are not repeated back: a key pasted where a word goes (`export <key>`) would be
    // printed to the terminal and its log.
    const problem =
      positionals.length === 0
        ? "No command given."
        : positionals[0] === "export"
          ? `export takes no arguments, only options (${positionals.length - 1} given); the API key goes in TINES_API_KEY.`
          : "Unknown command: the one command is export.";
    process.stderr.write(`${problem}\n\n${usage}`);
    return 2;
  }

  try {
    const configuration = new ProviderConfiguration({ tenant: values.tenant });
    // The provider's own messages speak of stack config, which a command line has none of.
    if (configuration.tenantUrlIfSet() === undefined) {
      process.stderr.write("The Tines tenant is not set: pass --tenant https://<your-tenant>.tines.com, or set TINES_TENANT.\n");
      return 2;
    }
    if (!process.env.TINES_API_KEY?.trim()) {
      process.stderr.write("The Tines API key is not set: set the TINES_API_KEY environment variable (a tenant-owner key).\n");
      return 2;
    }
    const client = configuration.client();
    try {
      // Read first: an audit asked for and impossible fails before anything is written.
      let changes: ChangesOutsidePulumi | undefined;
      if (values.since !== undefined) {
        try {
          changes = await changesOutsidePulumi(client, values.since);
        } catch (error) {
          if (error instanceof TinesApiError && error.isForbidden) {
            process.stderr.write(`pulumi-tines export failed: ${explain(error).replace(/exporting users and roles needs a tenant-owner key/, "--since reads the audit logs, which needs the AUDIT_LOG_READ permission or a tenant-owner key")}\n`);
            return 1;
          }
          throw error;
        }
      }
      const { roster, summary } = await exportRoster(client, {
        teams: values.team,
        includeDeactivated: values["include-deactivated"],
        excludeEmails: values["exclude-email"],
        templates: values.templates,
        onProgress: values.quiet ? undefined : (message) => process.stderr.write(`pulumi-tines export: ${message}\n`),
      });
      const text = formatRoster(roster, values.out?.endsWith(".json") ? "json" : "yaml", client.tenantUrl);
      if (values.out) {
        try {
          writeFileSync(values.out, text);
        } catch (error) {
          process.stderr.write(`pulumi-tines export failed: cannot write ${values.out}: ${(error as Error).message}\n`);
          return 1;
        }
      } else process.stdout.write(text);
      process.stderr.write(`${describeSummary(summary)}${values.out ? `; written to ${values.out}` : ""}\n`);
      if (changes) {
        const teamNames = new Map((await client.teams.list({ scope: "all" })).map((team) => [team.id, team.name] as const));
        process.stderr.write(`${describeChanges(changes, teamNames)}\n`);
      }
      return 0;
    } finally {
      await client.close();
    }
  } catch (error) {
    if (!(error instanceof TinesError)) throw error;
    process.stderr.write(`pulumi-tines export failed: ${explain(error)}\n`);
    return 1;
  }
}

/** A refusal in words that say what to do. */
export function explain(error: TinesError): string {
  // The client's own advice speaks of stack config, which a command line has none of: say it here.
  const failure = error instanceof TinesApiError ? `Tines API ${error.method} ${error.path} failed: ${error.status} ${error.tinesMessage}`.trim() : "";
  if (error instanceof TinesApiError && error.isUnauthorized) {
    return `${failure}. Tines refused the API key: check TINES_API_KEY (a key that was revoked, or a personal key whose user was deactivated, is refused).`;
  }
  if (error instanceof TinesApiError && error.isForbidden) {
    return `${failure}. The API key may not read this: exporting users and roles needs a tenant-owner key.`;
  }
  return error.message;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    // Not process.exit: it would cut off a roster still being written to a pipe.
    (code) => (process.exitCode = code),
    (error: unknown) => {
      process.stderr.write(`pulumi-tines export failed: ${(error as Error)?.stack ?? String(error)}\n`);
      process.exit(1);
    },
  );
}
