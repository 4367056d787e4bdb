/**
 * `TinesTeam`'s preview checks (run with preview checks on, after the offline checks passed), and
 * the reasons it shares with its create and update, so a preview and a failed `up` say the same.
 */
import type { TinesTeamObject } from "../../client";
import { containsUnknown } from "../../provider/inputs";
import { namedAs } from "../../provider/names";
import { scimGovernedTeamWarning } from "../../scim";
import type { TenantCheckFindings, TenantDeployment } from "../../deployment";
import { authoritativeTeamWithMembershipsReason, previewRoster, rosterChanged, teamMemberOf, twoRostersReason, type TeamMember } from "../../membership";
import type { TinesTeamInputs } from "./definition";

/** Why a new team cannot be created: the same words in a preview check and in a failed create. */
export function nameTakenReason(name: string, tenant: string, teamId: number, withMembers: boolean): string {
  const takeover = withMembers ? " and its member list (anyone on it that members does not declare or ignore is then removed)" : "";
  return `a team named "${name}" already exists in ${tenant} (team id ${teamId}); set adoptExisting: true to manage that team${takeover}, or choose another name`;
}

/** Why a team cannot be renamed: the same words in a preview check and in a failed update. */
export function renameTakenReason(name: string, tenant: string, teamId: number): string {
  return `another team named "${name}" already exists in ${tenant} (team id ${teamId}); renaming this one would leave two teams with one name, which getTeam and the export cannot tell apart: choose another name`;
}

/** Why a name two teams share cannot be adopted. */
export function twoTeamsReason(name: string, tenant: string, teams: TinesTeamObject[]): string {
  return `${teams.length} teams are named "${name}" in ${tenant} (team ids ${teams.map((team) => team.id).join(" and ")}): adoptExisting cannot tell which one to manage; rename one of them in Tines first`;
}

/**
 * With preview checks on: a new team's name must be free, unless adopting; a rename must not take
 * another team's name; and with `members`, the roster's preview (membership/rosterPreview.ts):
 * roles, users, a takeover, and the list of whom the `up` adds, re-roles and removes.
 */
export async function checkAgainstTenant(inputs: TinesTeamInputs, isNew: boolean, facts: TenantDeployment, olds: Record<string, unknown>): Promise<TenantCheckFindings> {
  const findings: TenantCheckFindings = { failures: [], warnings: [] };
  if (containsUnknown(inputs.name)) return findings;
  // A name this team takes (made, or renamed to it) is one a SCIM user group mapping checked after
  // it may name: `team: detection.name` reaches that check as the new name.
  facts.declareTeamName(inputs.name);
  /** The team the roster applies to, when it exists before this `up`. */
  let team: { id: number; name: string } | undefined;
  if (!isNew) {
    // The engine's check gets the old inputs, not the outputs (CheckRequest.olds), so the team is
    // found by the name the stack recorded; a name two teams share leaves the roster to the up.
    // Names match as lifecycle.ts's `teamsNamed` does: exactly, else but for surrounding whitespace.
    const recorded = typeof olds.name === "string" ? namedAs(await facts.teams(), olds.name, (each) => each.name) : [];
    if (recorded.length === 1) team = recorded[0];
    // A rename must not give the tenant two teams of one name (getTeam and the export refer to
    // teams by name, and could no longer tell them apart). A team not found by its recorded name
    // (renamed in Tines, perhaps to the declared name) is left to the update, which knows its id.
    if (olds.name !== inputs.name && team !== undefined) {
      const other = namedAs(await facts.teams(), inputs.name, (each) => each.name).find((each) => each.id !== team?.id);
      if (other) findings.failures.push({ property: "name", reason: renameTakenReason(inputs.name, facts.tenantUrl, other.id) });
    }
  } else {
    const existing = namedAs(await facts.teams(), inputs.name, (each) => each.name);
    if (existing.length > 0 && inputs.adoptExisting === false) {
      findings.failures.push({ property: "name", reason: nameTakenReason(inputs.name, facts.tenantUrl, existing[0]!.id, inputs.members !== undefined) });
    } else if (existing.length > 1) {
      findings.failures.push({ property: "name", reason: twoTeamsReason(inputs.name, facts.tenantUrl, existing) });
    } else if (existing.length === 1) {
      team = existing[0]!;
      findings.warnings.push(`team "${inputs.name}" already exists in ${facts.tenantUrl} (team id ${team.id}): it will be adopted`);
    }
    if (findings.failures.length > 0) return findings;
  }
  if (inputs.members === undefined || (!isNew && team === undefined)) return findings;

  if (team) {
    // A TinesTeamMembership on this team would be removed again by the roster: checked after
    // them, this team fails naming them; checked before, they fail (src/resources/teamMembership.ts).
    const other = facts.rosterDeclaredFor(team.id);
    facts.declareRoster(team.id, "TinesTeam");
    const memberships = facts.membershipsDeclaredOn(team.id);
    if (memberships.length) findings.failures.push({ property: "members", reason: authoritativeTeamWithMembershipsReason(team, memberships, "TinesTeam") });
    if (other === "TinesTeamMembers") findings.failures.push({ property: "members", reason: twoRostersReason(team, other) });
  }
  const onTeam: TeamMember[] = team && Array.isArray(inputs.members) ? (await facts.teamMembers(team.id)).map(teamMemberOf) : [];
  const roster = await previewRoster(
    { members: inputs.members, ignoredMembers: inputs.ignoredMembers ?? [], adoptExisting: inputs.adoptExisting },
    onTeam,
    {
      teamLabel: team ? `${team.id} ("${team.name}")` : `"${inputs.name}" (made by this up)`,
      // Adopting a team, or declaring the roster of a team the stack already has, takes its member
      // list over; a team this up makes holds only whom Tines puts on it.
      takesOverTeam: isNew ? team !== undefined : olds.members === undefined,
      declaredAsRecorded: team && !isNew && olds.members !== undefined && !rosterChanged(olds, inputs) ? team.id : undefined,
      resource: "TinesTeam",
    },
    facts,
  );
  findings.failures.push(...roster.failures);
  findings.warnings.push(...roster.warnings);
  const governed = await scimGovernedTeamWarning(facts, inputs.name, `TinesTeam "${inputs.name}"'s members`);
  if (governed !== undefined) findings.warnings.push(governed);
  return findings;
}
