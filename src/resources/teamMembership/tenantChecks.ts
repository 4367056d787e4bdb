/**
 * What `TinesTeamMembership`'s preview checks ask the tenant (with preview checks on, after the
 * offline checks passed), and the words a create shares with them.
 */
import { holdsName, sameText } from "../../provider/names";
import { containsUnknown } from "../../provider/inputs";
import type { TenantCheckFindings, TenantDeployment } from "../../deployment";
import { membershipOnAuthoritativeTeamReason, missingTeamReason, unknownRoleReason } from "../../membership";
import { scimGovernedTeamWarning, scimManagedWarning } from "../../scim";
import type { TinesTeamMembershipInputs } from "./definition";

/** Why a new membership cannot be created: the same words in a preview check and in a failed create. */
export function alreadyOnTeamReason(email: string, userId: number, team: string, role: string): string {
  return `user ${email} (id ${userId}) is already on team ${team} with role ${role}; set adoptExisting: true to manage that membership`;
}

/**
 * The team exists, the role is one of the tenant's, and a new membership's user is not already on
 * the team (unless adopting); inviting an email with no account is a warning.
 */
export async function checkAgainstTenant(inputs: TinesTeamMembershipInputs, isNew: boolean, deployment: TenantDeployment): Promise<TenantCheckFindings> {
  const findings: TenantCheckFindings = { failures: [], warnings: [] };
  const tenant = deployment.tenantUrl;
  let team: { id: number; name: string } | undefined;
  if (!containsUnknown(inputs.teamId)) {
    team = (await deployment.teams()).find((each) => each.id === inputs.teamId);
    if (!team) findings.failures.push({ property: "teamId", reason: missingTeamReason(inputs.teamId, tenant) });
  }
  if (!containsUnknown(inputs.role)) {
    // A custom role this deployment creates (checked before this membership) counts as a role.
    const roles = [...(await deployment.roles()).map((role) => role.name), ...deployment.customRolesDeclared()];
    // A role is a name Tines may hold trimmed (provider/names.ts).
    if (!holdsName(roles, inputs.role)) {
      findings.failures.push({ property: "role", reason: unknownRoleReason(inputs.role, roles, tenant) });
    }
  }
  const byEmail = inputs.userId === undefined;
  const who = byEmail ? inputs.email : inputs.userId;
  if (team) {
    // A TinesTeamMembers on the same team would remove this member again (docs: TinesTeamMembers):
    // checked after one, this membership fails; checked before, the TinesTeamMembers fails, naming it.
    const roster = deployment.rosterDeclaredFor(team.id);
    if (roster) {
      findings.failures.push({ property: "teamId", reason: membershipOnAuthoritativeTeamReason(team, roster) });
    }
    const named = who === undefined || containsUnknown(who) ? "a user known once deployed" : byEmail ? String(who) : `user ${who}`;
    deployment.declareMembership(team.id, named);
    const governed = await scimGovernedTeamWarning(deployment, team.name, `the membership of ${named} on team ${team.id}`);
    if (governed !== undefined) findings.warnings.push(governed);
  }
  if (!isNew || !team || who === undefined || containsUnknown(who)) return findings;
  const user = byEmail ? await deployment.userByEmail(inputs.email!) : await deployment.userById(inputs.userId!);
  if (!user) {
    if (byEmail) {
      findings.warnings.push(`${inputs.email} has no Tines account yet: adding them to team "${team.name}" creates the user and emails an invitation`);
      const scimWarning = await scimManagedWarning(deployment, `inviting ${inputs.email}, who has no Tines account yet, to team "${team.name}"`);
      if (scimWarning !== undefined) findings.warnings.push(scimWarning);
    } else {
      findings.failures.push({ property: "userId", reason: `user ${inputs.userId} does not exist in ${tenant}` });
    }
    return findings;
  }
  const current = user.team_memberships?.find((membership) => membership.team_id === team!.id);
  if (current && inputs.adoptExisting === false) {
    findings.failures.push({
      property: byEmail ? "email" : "userId",
      reason: alreadyOnTeamReason(user.email, user.id, `${team.id} ("${team.name}")`, current.role),
    });
  } else if (current && inputs.adoptExisting === true && !sameText(current.role, inputs.role) && !containsUnknown(inputs.role)) {
    findings.warnings.push(
      `the role ${current.role} of ${user.email} on team "${team.name}" will be replaced by ${inputs.role} (Tines has no role update: the member is removed, then invited again)`,
    );
  }
  return findings;
}
