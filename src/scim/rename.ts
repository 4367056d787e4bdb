/**
 * A team's rename and the SCIM user group mapping. Tines keys the mapping by team **name**, and
 * what happens to a line when its team is renamed is not documented (tines-api.md, "SCIM": rewrite
 * the mapping with the new name). The new name cannot be written before the rename (a mapping that
 * names a team that does not exist is refused), so the rename comes first and the mapping follows
 * at once, in the same operation: a line never names the old team for longer than that one request.
 */
import { TinesApiError, type TinesClient, type TinesTeamObject } from "../client";
import { deploymentFor } from "../deployment/registry";
import { sameText } from "../provider/names";

/**
 * Renames team `teamId` from `oldName` to `newName` and carries the mapping's lines along
 * ({@link carryScimMappingToRenamedTeam}), as one change of the mapping: after every other change
 * of it this deployment started, and before the next (`oneScimMappingChangeAtATime`). Two renames
 * at once would otherwise each write back the lines they read, naming the other team by a name
 * it no longer has, which Tines refuses or keeps. Returns the team as Tines answered the rename,
 * and the warning of a mapping that could not be carried over.
 */
export function renameTeamCarryingScimMapping(
  client: TinesClient,
  teamId: number,
  oldName: string,
  newName: string,
): Promise<{ team: TinesTeamObject; warning?: string }> {
  return deploymentFor(client).oneScimMappingChangeAtATime(async () => {
    const team = await client.teams.update(teamId, { name: newName });
    // Tines holds another name: nothing to carry (the caller records what Tines holds). Carried, the
    // lines name the team as Tines holds it (it may trim what it was sent).
    if (!sameText(team.name, newName)) return { team };
    const warning = await carryScimMappingToRenamedTeam(client, oldName, team.name);
    return warning === undefined ? { team } : { team, warning };
  });
}

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
