/**
 * Reads and checks the roster (YAML): the custom roles and teams made in every tenant, and who is in
 * which tenant, on which teams, with which role. A mistake is reported with the file and the field,
 * before Pulumi registers anything.
 */
import { readFileSync } from "node:fs";
import { parse as parseYaml } from "yaml";
import { z } from "zod";

/** The tenants this example manages, by the names its config keys use. */
export const tenantNames = ["staging", "production"] as const;
/** One of {@link tenantNames}. */
export type TenantName = (typeof tenantNames)[number];

const rosterSchema = z.strictObject({
  customRoles: z
    .array(
      z.strictObject({
        name: z.string().trim().min(1),
        description: z.string().optional(),
        permissions: z.array(z.string().trim().min(1)).min(1),
      }),
    )
    .default([]),
  teams: z.array(z.string().trim().min(1)).min(1),
  people: z.array(
    z.strictObject({
      email: z.string().trim().pipe(z.email()),
      firstName: z.string().trim().optional(),
      lastName: z.string().trim().optional(),
      tenants: z.array(z.enum(tenantNames)).min(1).default([...tenantNames]),
      /** Team name → role. */
      teams: z.record(z.string().trim().min(1), z.string().trim().min(1)).default({}),
    }),
  ),
});

/** A checked roster. */
export type Roster = z.infer<typeof rosterSchema>;

/** Reads the roster at `path`; throws naming the file and the field of the first mistake. */
export function loadRoster(path: string): Roster {
  const parsed = rosterSchema.safeParse(parseYaml(readFileSync(path, "utf8")));
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`${path}: ${issue.path.join(".") || "(top)"}: ${issue.message}`);
  }
  for (const person of parsed.data.people) {
    for (const team of Object.keys(person.teams)) {
      if (!parsed.data.teams.includes(team)) throw new Error(`${path}: ${person.email} is on "${team}", which is not under teams`);
    }
  }
  return parsed.data;
}

/** A Pulumi-name-safe form of a name: "Security Operations" → "security-operations". */
export function slug(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "");
}
