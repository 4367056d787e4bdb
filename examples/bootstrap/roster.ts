/**
 * Reads and checks a roster file (YAML or JSON, by extension): who is in the tenant, on which teams,
 * with which role, and the team's private template. A mistake is reported with the file and the
 * field, before Pulumi registers anything.
 */
import { readFileSync } from "node:fs";
import { parse as parseYaml } from "yaml";
import { z } from "zod";

const personSchema = z.strictObject({
  email: z.string().trim().pipe(z.email()),
  firstName: z.string().trim().optional(),
  lastName: z.string().trim().optional(),
  admin: z.boolean().optional(),
  tenantPermissions: z.array(z.string().trim().min(1)).optional(),
  deletionMode: z.enum(["delete", "deactivate"]).optional(),
  adoptExisting: z.boolean().optional(),
  /** Team name → role. */
  teams: z.record(z.string().trim().min(1), z.string().trim().min(1)).default({}),
});

const templateSchema = z.strictObject({
  name: z.string().trim().min(1),
  description: z.string().optional(),
  vendor: z.string().trim().min(1),
  product: z.string().trim().min(1),
  /** The owning team's name. */
  team: z.string().trim().min(1).optional(),
  agentType: z.string().trim().min(1),
  agentOptions: z.record(z.string(), z.unknown()),
  readAccess: z.enum(["TEAM", "GLOBAL", "SPECIFIC_TEAMS"]).optional(),
  sharedTeamSlugs: z.array(z.string()).optional(),
  actionInputs: z
    .array(
      z.strictObject({
        name: z.string(),
        type: z.string(),
        required: z.boolean().optional(),
        description: z.string().optional(),
        defaultValue: z.unknown().optional(),
        data: z.record(z.string(), z.unknown()).optional(),
      }),
    )
    .optional(),
});

const rosterSchema = z
  .strictObject({ people: z.array(personSchema).default([]), template: templateSchema.optional() })
  .superRefine((roster, context) => {
    const seen = new Set<string>();
    roster.people.forEach((person, index) => {
      const email = person.email.toLowerCase();
      if (seen.has(email)) context.addIssue({ code: "custom", path: ["people", index, "email"], message: `${person.email} is listed twice` });
      seen.add(email);
    });
  });

/** One person of the roster. */
export type RosterPerson = z.output<typeof personSchema>;
/** The roster's template. */
export type RosterTemplate = z.output<typeof templateSchema>;
/** A whole roster. */
export type Roster = z.output<typeof rosterSchema>;

/** Reads and checks a roster file. */
export function loadRoster(path: string): Roster {
  const text = readFileSync(path, "utf8");
  const data: unknown = path.endsWith(".json") ? JSON.parse(text) : parseYaml(text);
  const result = rosterSchema.safeParse(data ?? {});
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `  ${issue.path.join(".")}: ${issue.message}`);
    throw new Error(`The roster ${path} has mistakes:\n${problems.join("\n")}`);
  }
  return result.data;
}

/** Every team name the roster mentions, once, in order of appearance. */
export function teamNamesOf(roster: Roster): string[] {
  const names = roster.people.flatMap((person) => Object.keys(person.teams));
  if (roster.template?.team) names.push(roster.template.team);
  return [...new Set(names)];
}

/** A name fit for a Pulumi resource name: lower case, words joined by `-`. */
export function slug(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "");
}
