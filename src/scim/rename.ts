/**
 * A team's rename and the SCIM user group mapping. Tines keys the mapping by team **name**, and
 * what happens to a line when its team is renamed is not documented (tines-api.md, "SCIM": rewrite
 * the mapping with the new name). The new name cannot be written before the rename (a mapping that
 * names a team that does not exist is refused), so the rename comes first and the mapping follows
 * at once, in the same operation: a line never names the old team for longer than that one request.
 */
import { TinesApiError, type TinesClient } from "../client";
import { sameText } from "../provider/names";

/**
 * After team `oldName` was renamed to `newName`: rewrites the lines of the SCIM user group mapping
 * that name `oldName` (one write of the whole mapping, the only write Tines takes), keeping every
 * other line and the tenant owners' group. Writes nothing when no line names it (none does on a
 * tenant without SCIM, or when Tines carried the rename itself). Returns a warning when the mapping
 * could not be carried over, undefined otherwise: a tenant that has no mapping to read (403, 404)
 * is not one.
 */
export async function carryScimMappingToRenamedTeam(client: TinesClient, oldName: string, newName: string): Promise<string | undefined> {
  try {
    const held = await client.scim.getGroupMapping();
    // Names as Tines may hold them, their surrounding whitespace perhaps trimmed (provider/names.ts).
    const namesOld = (line: { team_name: string }) => sameText(line.team_name, oldName);
    if (!held.mappings.some(namesOld)) return undefined;
    await client.scim.replaceGroupMapping({
      mappings: held.mappings.map((line) => (namesOld(line) ? { ...line, team_name: newName } : line)),
      // Sent as held; when Tines did not report it, left out (the simulator, like the reading that
      // never takes ownership away by omission, keeps it then).
      ...(held.tenant_owners_group === undefined ? {} : { tenant_owners_group: held.tenant_owners_group }),
    });
    return undefined;
  } catch (error) {
    if (error instanceof TinesApiError && (error.isForbidden || error.isNotFound)) return undefined;
    return (
      `team "${oldName}" was renamed to "${newName}", but the SCIM user group mapping still names "${oldName}" ` +
      `(${(error as Error).message}): rewrite it with the new name (a TinesScimGroupMapping that declares \`team: <team>.name\` does so in this up)`
    );
  }
}
