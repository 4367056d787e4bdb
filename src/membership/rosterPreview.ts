/**
 * A roster's preview with preview checks on (membership/roster.ts has the roster itself): what the
 * `up` will do to a team's member list, listed before anything changes, and what would fail it.
 */
import type { TenantCheckFindings, TenantDeployment } from "../deployment/tenantDeployment";
import { containsUnknown } from "../provider/inputs";
import { holdsName } from "../provider/names";
import { scimManagedWarning } from "../scim/tenant";
import { describeMember, unknownRoleReason, type TeamMember } from "./members";
import { rosterChanged, type RosterInputs, type TinesDeclaredTeamMember } from "./roster";
import { notDeclaredReason, planMembers, type MemberPlan } from "./rosterPlan";

/** Where a roster's preview runs, and what the `up` does there. */
export interface RosterPreviewScope {
  /** The team as messages name it: `5 ("SOC")`. */
  teamLabel: string;
  /**
   * Whether this `up` takes the team's member list over (a new resource, another team, a roster
   * declared for the first time): members neither declared nor ignored then fail the preview,
   * unless `adoptExisting`.
   */
  takesOverTeam: boolean;
  /**
   * The team's id when the program declares the roster its recorded inputs hold (the resource's id
   * is the team's): whether the `up` changes the team then depends on the recorded outputs, which
   * only diff sees (deployment/warningsAfterDiff.ts). They differ after an `up` that stopped
   * midway, which this `up` finishes; they agree when only Tines changed since the last refresh
   * (drift), which this `up` does not undo.
   */
  declaredAsRecorded?: number;
  /** The resource named in the list's heading. */
  resource: "TinesTeamMembers" | "TinesTeam";
}

/**
 * The preview of a roster against the members the team holds (none for a team this `up` makes):
 * roles are the tenant's, user ids name users, no user is declared twice, a takeover is a decision,
 * and, the point of it all, a warning lists exactly whom the `up` adds, re-roles and removes.
 */
export async function previewRoster(
  inputs: Pick<RosterInputs, "members" | "ignoredMembers" | "adoptExisting">,
  onTeam: readonly TeamMember[],
  scope: RosterPreviewScope,
  deployment: TenantDeployment,
): Promise<TenantCheckFindings> {
  const findings: TenantCheckFindings = { failures: [], warnings: [] };
  if (!Array.isArray(inputs.members)) {
    findings.warnings.push(`team ${scope.teamLabel}: members are known only once deployed, so the members this up adds and removes cannot be listed yet`);
    return findings;
  }

  // A member whose user is unknown in preview (a user created in the same deployment) is listed as such.
  const declared = inputs.members.map((entry) => (typeof entry !== "object" || containsUnknown(entry.userId) || containsUnknown(entry.email) ? undefined : entry));
  // The roles need a tenant-owner key; with a Team key they go unchecked, and the list still comes.
  // A custom role this deployment creates (checked before this resource) counts as a role.
  const roles = await deployment.roles().then(
    (found) => [...found.map((role) => role.name), ...deployment.customRolesDeclared()],
    () => undefined,
  );
  inputs.members.forEach((entry, index) => {
    if (roles && typeof entry === "object" && !containsUnknown(entry.role) && !holdsName(roles, entry.role)) {
      findings.failures.push({ property: `members[${index}].role`, reason: unknownRoleReason(entry.role, roles, deployment.tenantUrl) });
    }
  });
  const ignoredKnown = !containsUnknown(inputs.ignoredMembers);
  // A member declared by a user id that names no user would fail the up halfway, after the other
  // changes: it fails the preview, as a TinesTeamMembership's does. Only ids not on the team are
  // looked up (in the directory read once per deployment); a key that may not read users leaves
  // them to the up.
  for (const [index, entry] of declared.entries()) {
    if (entry === undefined || typeof entry.userId !== "number" || onTeam.some((member) => member.userId === entry.userId)) continue;
    const user = await deployment.userById(entry.userId).catch(() => null);
    if (user === undefined) findings.failures.push({ property: `members[${index}].userId`, reason: `user ${entry.userId} does not exist in ${deployment.tenantUrl}` });
  }
  const plan = planMembers(declared, ignoredKnown ? inputs.ignoredMembers : [], onTeam);
  findings.failures.push(...plan.failures);
  // The same user declared by id and by email, not yet on the team (planMembers catches it on the
  // team): the user directory, read once per deployment, tells who an email is; a key that may not
  // read users leaves it to the up, which fails before the second invitation.
  const reported = new Set(plan.failures.map((failure) => failure.property));
  const declaredAt = new Map<number, number>();
  for (const [index, entry] of declared.entries()) {
    if (entry === undefined) continue;
    const userId =
      entry.userId ??
      onTeam.find((member) => member.email.toLowerCase() === entry.email!.toLowerCase())?.userId ??
      (await deployment.userByEmail(entry.email!).catch(() => undefined))?.id;
    if (userId === undefined) continue;
    const earlier = declaredAt.get(userId);
    if (earlier === undefined) declaredAt.set(userId, index);
    else if (!reported.has(`members[${index}]`)) findings.failures.push({ property: `members[${index}]`, reason: `is user ${userId}, already declared as members[${earlier}]: declare each member once` });
  }
  const unknownCount = declared.filter((entry) => entry === undefined).length;
  if (scope.takesOverTeam && inputs.adoptExisting === false && plan.removals.length > 0 && unknownCount === 0 && ignoredKnown) {
    findings.failures.push({ property: "members", reason: notDeclaredReason(scope.teamLabel, plan.removals) });
    return findings;
  }
  // A preview that fails already says what is wrong; a list of changes it will not make would only confuse.
  if (findings.failures.length > 0) return findings;
  const lines = await planLines(inputs, plan, deployment);
  for (const [index, entry] of declared.entries()) {
    const role = (inputs.members[index] as Partial<TinesDeclaredTeamMember>).role;
    if (entry === undefined) lines.push(`  + members[${index}], known once deployed, as ${role === undefined || containsUnknown(role) ? "its declared role" : role}`);
  }
  if (lines.length === 0) return findings;
  const counts = `${plan.adds.length + unknownCount}, re-roles ${plan.reroles.length} and removes ${plan.removals.length}`;
  const caveats = [
    unknownCount > 0 && plan.removals.length > 0 ? `${unknownCount} declared member(s) are known only once deployed: one may be a member listed as removed, which then stays` : "",
    ignoredKnown ? "" : "ignoredMembers is known only once deployed: a member listed as removed may be ignored",
    plan.ignored.length > 0 ? `${plan.ignored.length} ignored member(s) on the team are left as they are` : "",
  ].filter((caveat) => caveat !== "");
  const warning = (heading: string) => [heading, ...lines, ...caveats.map((caveat) => `  (${caveat})`)].join("\n");
  const changes = warning(`team ${scope.teamLabel}: ${scope.resource} adds ${counts} member(s):`);
  if (scope.declaredAsRecorded === undefined) findings.warnings.push(changes);
  else {
    // An up changes Tines only when diff sees a change, and diff compares the program with the
    // recorded outputs: after an up that stopped midway they differ and this up finishes the list;
    // else only Tines changed since the last refresh, which this read sees but diff does not.
    deployment.afterDiff.defer(scope.resource, String(scope.declaredAsRecorded), {
      changes: (outputs, declared) => rosterChanged(outputs, declared),
      whenChanged: warning(`team ${scope.teamLabel}: ${scope.resource} adds ${counts} member(s), finishing an up that stopped midway:`),
      whenUnchanged: warning(
        `team ${scope.teamLabel} differs from the program, whose members did not change since the stack's state recorded them: this up leaves the team as it is ` +
          `(an up changes only what differs from the stack's state); run \`pulumi up --refresh\` (or set \`options: refresh: always\` in Pulumi.yaml) to put it back, which adds ${counts} member(s):`,
      ),
    });
  }
  // Invitations by email of people without an account create users, which a SCIM-managed tenant refuses.
  const newPeople: string[] = [];
  for (const index of plan.adds) {
    const entry = inputs.members[index]!;
    if (entry.userId === undefined && entry.email !== undefined && (await deployment.userByEmail(entry.email).catch(() => null)) === undefined) newPeople.push(entry.email);
  }
  const scimWarning = newPeople.length > 0 ? await scimManagedWarning(deployment, `inviting ${newPeople.join(", ")} (no Tines account yet) to team ${scope.teamLabel}`) : undefined;
  if (scimWarning !== undefined) findings.warnings.push(scimWarning);
  return findings;
}

/** One line per change: `+` added, `~` re-roled, `-` removed. */
async function planLines(inputs: Pick<RosterInputs, "members">, plan: MemberPlan, deployment: TenantDeployment): Promise<string[]> {
  const lines: string[] = [];
  for (const index of plan.adds) {
    const entry = inputs.members[index]!;
    // Who an id is, and whether an email has an account, from the user directory read once per
    // deployment; a key that may not read users (a Team key) gets the list without those details.
    const user = await (entry.userId !== undefined ? deployment.userById(entry.userId) : deployment.userByEmail(entry.email!)).catch(() => null);
    const who = entry.userId !== undefined ? `user ${entry.userId}${user ? ` (${user.email})` : ""}` : entry.email!;
    const note = user === undefined && entry.email !== undefined ? " (no Tines account yet: Tines creates the user and emails an invitation)" : "";
    lines.push(`  + ${who} as ${entry.role}${note}`);
  }
  for (const { index, member } of plan.reroles) {
    lines.push(`  ~ ${member.email} (id ${member.userId}): ${member.role} -> ${inputs.members[index]!.role} (removed, then invited again: Tines has no role update)`);
  }
  for (const member of plan.removals) lines.push(`  - ${describeMember(member)}: on the team but not declared`);
  return lines;
}
