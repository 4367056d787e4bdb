/**
 * The declaration of `TinesScimGroupMapping`: the SCIM user group mapping of the tenant
 * (`/api/v1/admin/scim_user_group_mapping`, tenant-owner key), which says which identity-provider
 * group gets which Tines team and role at each SCIM sync (tines-api.md, "SCIM"). One per tenant: it
 * manages the whole mapping, because Tines only takes it whole ("the full user group mapping must be
 * sent, appending a new mapping is not supported").
 */
import { z } from "zod";
import { auditedObject } from "../../audit/entries";
import { defineResource, type ArgsOf, type InputsOf, type OutputsOf } from "../../provider/definition";
import { containsUnknown, flag, requiredText, roleName, sameMeaning } from "../../provider/inputs";
import { comparableText } from "../../provider/names";

/** One line of the mapping: members of an identity-provider group get a role on a Tines team. */
export const tinesScimGroupMappingLine = z.strictObject(
  {
    /** The identity-provider group's name, as the identity provider (Okta, Entra ID, ...) sends it through SCIM. */
    group: requiredText,
    /**
     * The Tines team's **name**, exactly as Tines holds it (the mapping names teams, not ids). For a
     * team this stack manages, pass its output, `team: detection.name`, so a rename carries the line along.
     */
    team: requiredText,
    /** The role the group's members get on the team: `VIEWER`, `EDITOR`, `TEAM_ADMIN`, `CASE_MANAGER`, or a custom role's name (e.g. `reviewer.name`). */
    role: roleName,
  },
  { error: "must be an object { group, team, role }" },
);

/** One declared line of the mapping. */
export type TinesScimGroupMappingLine = z.output<typeof tinesScimGroupMappingLine>;

/** Code-point order, independent of the machine's locale. */
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The lines in one canonical order (group, then team, then role, each without its surrounding
 * whitespace, which Tines may trim: provider/names.ts): Tines does not document the order of the
 * lines it answers, and order carries no meaning, so declared and recorded lines are compared as a
 * set and a reordering never makes a diff. The lines keep their text as given.
 */
export function canonicalMappingLines(lines: readonly TinesScimGroupMappingLine[]): TinesScimGroupMappingLine[] {
  const order = (a: string, b: string) => compareText(comparableText(a), comparableText(b)) || compareText(a, b);
  return lines
    .map((line) => ({ group: line.group, team: line.team, role: line.role }))
    .sort((a, b) => order(a.group, b.group) || order(a.team, b.team) || order(a.role, b.role));
}

/**
 * Whether two lists of lines hold the same lines, in any order. Declared lines keep the program's
 * order (so a tenant check names `mappings[2]` as the program wrote it); recorded ones are canonical.
 */
export function sameMappingLines(recorded: unknown, declared: unknown): boolean {
  if (!Array.isArray(recorded) || !Array.isArray(declared) || containsUnknown(declared)) return false;
  return sameMeaning(canonicalMappingLines(recorded), canonicalMappingLines(declared));
}

/**
 * The key of a line's (group, team) pair; letter case and surrounding whitespace are ignored, since
 * whether Tines matches names case-sensitively, or trims them, is not documented.
 */
export function mappingPairKey(line: Pick<TinesScimGroupMappingLine, "group" | "team">): string {
  return `${comparableText(line.group, { ignoreCase: true })}\u0000${comparableText(line.team, { ignoreCase: true })}`;
}

/** The inputs of a {@link TinesScimGroupMapping}: each a zod schema that `check` applies, with the TSDoc users read. */
export const tinesScimGroupMappingInputs = {
  /**
   * Every line of the mapping (may be empty: then no group gets a team). A group can map to several
   * teams, and a team can take several groups, but a (group, team) pair appears once. Order carries
   * no meaning. Changing it updates the mapping in place, with one write of the whole mapping.
   */
  mappings: z
    .array(tinesScimGroupMappingLine, { error: (issue) => (issue.input === undefined ? "is required (an empty list maps no group)" : "must be a list of { group, team, role }") })
    .superRefine((lines, context) => {
      // A pair declared twice would give the group two roles on one team: a slip in the program.
      const first = new Map<string, number>();
      lines.forEach((line, index) => {
        const key = mappingPairKey(line);
        const earlier = first.get(key);
        if (earlier === undefined) first.set(key, index);
        else {
          context.addIssue({
            code: "custom",
            path: [index, "team"],
            message: `maps group "${line.group}" to team "${line.team}" again (mappings[${earlier}] does already): a group has one role per team, so declare the pair once`,
          });
        }
      });
    }),
  /**
   * The identity-provider group whose members become tenant owners. Unset (the default) means no
   * such group: an `up` clears one Tines holds. Changing it updates the mapping in place.
   */
  tenantOwnersGroup: requiredText.optional(),
  /**
   * When Tines already holds a mapping that is not empty and differs from this one, take it over
   * and replace it with this one instead of failing. A mapping that already matches is taken over
   * without a write, with or without it.
   *
   * @defaultValue `false`
   */
  adoptExisting: flag(false),
  /**
   * What destroying the resource does: `false` (the default) leaves Tines' mapping as it is, so
   * nobody loses a team at the next SCIM sync; `true` writes an empty mapping. Recorded by an `up`:
   * set it and run `pulumi up` before `pulumi destroy`.
   *
   * @defaultValue `false`
   */
  clearOnDestroy: flag(false),
};

/** What a {@link TinesScimGroupMapping} records besides its inputs and `tenant`. */
export const tinesScimGroupMappingOutputs = {
  /** The lines as Tines holds them, in one canonical order (by group, then team, then role). */
  mappings: z.array(z.object({ group: z.string(), team: z.string(), role: z.string() })),
  /**
   * The tenant owners' group as Tines holds it, null when none. Whether Tines reports it is not
   * documented: when it does not, the value last written is recorded.
   */
  tenantOwnersGroup: z.string().nullable(),
};

/** The inputs of a {@link TinesScimGroupMapping}. */
export type TinesScimGroupMappingArgs = ArgsOf<typeof tinesScimGroupMappingInputs>;
/** The validated inputs of a {@link TinesScimGroupMapping}, as `check` returns them. */
export type TinesScimGroupMappingInputs = InputsOf<typeof tinesScimGroupMappingInputs>;
/** What a {@link TinesScimGroupMapping} records: every input (as Tines holds it) plus `tenant`. */
export type TinesScimGroupMappingOutputs = OutputsOf<typeof tinesScimGroupMappingInputs, typeof tinesScimGroupMappingOutputs>;

/** The definition of {@link TinesScimGroupMapping}. */
export const tinesScimGroupMappingDefinition = defineResource({
  kind: "ScimGroupMapping",
  className: "TinesScimGroupMapping",
  subject: "SCIM user group mapping",
  inputs: tinesScimGroupMappingInputs,
  outputs: tinesScimGroupMappingOutputs,
  replaceOnChanges: [],
  providerInputs: ["adoptExisting", "clearOnDestroy"],
  comparisons: {
    // Compared as a set: Tines does not document the order of its lines, and order means nothing.
    // (A property with a comparison of its own is verified by the lifecycle, not the engine.)
    mappings: { unchanged: (recorded, declared) => sameMappingLines(recorded.mappings, declared.mappings) },
  },
  // The tenant has one mapping, replaced whole by every write (tines-api.md, "SCIM"): two resources would undo each other.
  identity: () => ({ key: "tenant", property: "mappings", label: "the tenant's SCIM user group mapping" }),
  // It names teams and roles: with clearOnDestroy it is emptied before they go.
  deletionTier: 2,
  // The tenant's one mapping has no id: the audit log names it by its operations (`ScimUserGroupMappingUpdate`).
  audited: () => [auditedObject("scimGroupMapping", [])],
  sample: {
    // The simulator seeds "Security Operations" as team 1.
    create: { mappings: [{ group: "bench-group", team: "Security Operations", role: "VIEWER" }] },
    update: { mappings: [{ group: "bench-group", team: "Security Operations", role: "EDITOR" }] },
  },
});
