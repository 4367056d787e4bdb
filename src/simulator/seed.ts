/**
 * A tenant as a new Tines customer has it: a tenant owner who created two teams and so is a member
 * of both. (That the creator sits on each team matters: Tines refuses to remove a team's last
 * member, so a stack that manages every member of a team could not be destroyed.)
 */
import type { TenantState } from "./tenantState";

/** The email of the seeded tenant owner. */
export const seededOwnerEmail = "owner@example.com";

/** Seeds an empty tenant with its owner and teams; leaves a tenant that has teams alone. */
export function seedTenant(state: TenantState, teamNames: string[]): void {
  if (state.listTeams("all").length > 0) return;
  const owner = state.findUserByEmail(seededOwnerEmail) ?? state.createUser({ email: seededOwnerEmail, first_name: "Tenant", last_name: "Owner", admin: true });
  state.acceptInvitation(owner.id);
  for (const name of teamNames) state.seedMembership(state.createTeam(name).id, owner.id, "TEAM_ADMIN");
}
