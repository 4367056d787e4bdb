/**
 * The simulated tenant's teams and their memberships (tines-api.md, "Teams and membership"): teams
 * by scope, member lists, and the invite, remove and resend-invitation actions. The functions work
 * on the tenant's store and save; {@link TenantState} calls them.
 */
import { roleNames } from "./roleState";
import { SimulatorHttpError, type TenantStore } from "./tenantStore";
import { createUser, findUserByEmail, getUser, purgeDeletedUsers, type SimulatedUser } from "./userState";

/** A stored team; its slug is what `shared_team_slugs` of a template names. */
export interface SimulatedTeam {
  id: number;
  name: string;
  personal: boolean;
  groups: Array<{ id: number; name: string }>;
}

/** A user's place on a team. */
export interface SimulatedMembership {
  role: string;
  invitation_accepted: boolean;
}

/** Teams by scope. */
export function listTeams(store: TenantStore, scope?: string): SimulatedTeam[] {
  return store.data.teams.filter((team) =>
    scope === "personal_only" ? team.personal : scope === "all" ? true : !team.personal,
  );
}

/** One team or a 404. */
export function getTeam(store: TenantStore, id: number): SimulatedTeam {
  const team = store.data.teams.find((candidate) => candidate.id === id);
  if (!team) throw new SimulatorHttpError(404, { error: "Team not found" });
  return team;
}

/** Creates a team. */
export function createTeam(store: TenantStore, name: string, personal: boolean): SimulatedTeam {
  if (store.data.teams.some((team) => team.name === name && !team.personal)) {
    throw new SimulatorHttpError(422, { error: "Name has already been taken" });
  }
  const team: SimulatedTeam = { id: store.data.nextTeamId++, name, personal, groups: [] };
  store.data.teams.push(team);
  store.data.memberships[String(team.id)] = {};
  store.created(`team:${team.id}`);
  store.save();
  return team;
}

/** Renames a team. */
export function renameTeam(store: TenantStore, id: number, name: string): SimulatedTeam {
  const team = getTeam(store, id);
  team.name = name;
  store.save();
  return team;
}

/**
 * Deletes a team with its memberships, stories and templates (what Tines does with them is
 * undocumented; tines-api.md says to assume they go with it).
 */
export function deleteTeam(store: TenantStore, id: number): void {
  getTeam(store, id);
  store.data.teams = store.data.teams.filter((team) => team.id !== id);
  delete store.data.memberships[String(id)];
  store.data.stories = store.data.stories.filter((story) => story.team_id !== id);
  store.data.templates = store.data.templates.filter((template) => template.team_id !== id);
  store.save();
}

/** A team's members as `GET /teams/{id}/members` shows them. */
export function membersOf(store: TenantStore, teamId: number): Array<Record<string, unknown>> {
  getTeam(store, teamId);
  purgeDeletedUsers(store);
  const members = store.data.memberships[String(teamId)] ?? {};
  return store.data.users
    .filter((user) => members[String(user.id)] !== undefined && store.listed(`member:${teamId}/${user.id}`))
    .map((user) => memberView(user, members[String(user.id)]!));
}

function memberView(user: SimulatedUser, membership: SimulatedMembership): Record<string, unknown> {
  return {
    id: user.id,
    email: user.email,
    first_name: user.first_name,
    last_name: user.last_name,
    is_admin: user.admin,
    created_at: user.created_at,
    last_seen: user.last_seen,
    invitation_accepted: membership.invitation_accepted,
    role: membership.role,
  };
}

/** Team memberships of a user, as `include=team_memberships` shows them. */
export function teamMembershipsOf(store: TenantStore, userId: number): Array<{ team_id: number; team_name: string; role: string }> {
  const result: Array<{ team_id: number; team_name: string; role: string }> = [];
  for (const team of store.data.teams) {
    const membership = store.data.memberships[String(team.id)]?.[String(userId)];
    if (membership && store.listed(`member:${team.id}/${userId}`)) result.push({ team_id: team.id, team_name: team.name, role: membership.role });
  }
  return result;
}

/**
 * Adds someone to a team with a role. An unknown email creates the tenant user and emails an
 * invitation; someone already on the team is refused.
 */
export function inviteMember(store: TenantStore, teamId: number, invitee: { user_id?: number; email?: string }, role: string): Record<string, unknown> {
  getTeam(store, teamId);
  if (!roleNames(store.data).includes(role)) throw new SimulatorHttpError(422, { error: `Role ${role} does not exist` });
  let user: SimulatedUser;
  if (invitee.user_id !== undefined) {
    user = getUser(store, invitee.user_id);
  } else {
    user = findUserByEmail(store, invitee.email!) ?? createUser(store, { email: invitee.email! });
  }
  if (user.pending_deletion_at !== null) throw new SimulatorHttpError(404, { error: "User not found" });
  const members = (store.data.memberships[String(teamId)] ??= {});
  if (members[String(user.id)]) throw new SimulatorHttpError(422, { error: "User is already a member of this team" });
  members[String(user.id)] = { role, invitation_accepted: user.invitation_accepted };
  store.created(`member:${teamId}/${user.id}`);
  store.data.outbox.push({ to: user.email, kind: "team", team_id: teamId, at: store.timestamp() });
  store.save();
  return memberView(user, members[String(user.id)]!);
}

/** Removes someone from a team; the last member of a team cannot be removed. */
export function removeMember(store: TenantStore, teamId: number, userId: number): void {
  getTeam(store, teamId);
  const members = store.data.memberships[String(teamId)] ?? {};
  if (!members[String(userId)]) throw new SimulatorHttpError(404, { error: "User is not a member of this team" });
  if (Object.keys(members).length === 1) {
    throw new SimulatorHttpError(422, { error: "Cannot remove the last member of a team" });
  }
  delete members[String(userId)];
  store.save();
}

/** Resends a member's team invitation; answers the member without `role`, as Tines does. */
export function resendTeamInvitation(store: TenantStore, teamId: number, userId: number): Record<string, unknown> {
  getTeam(store, teamId);
  const user = getUser(store, userId);
  const membership = store.data.memberships[String(teamId)]?.[String(userId)];
  if (!membership) throw new SimulatorHttpError(404, { error: "User is not a member of this team" });
  store.data.outbox.push({ to: user.email, kind: "team", team_id: teamId, at: store.timestamp() });
  store.save();
  const { role: _role, ...member } = memberView(user, membership);
  return member;
}

/** Puts a user on a team directly, without an invitation (for seeding tests and the demo). */
export function seedMembership(store: TenantStore, teamId: number, userId: number, role: string): void {
  (store.data.memberships[String(teamId)] ??= {})[String(userId)] = { role, invitation_accepted: true };
  store.save();
}
