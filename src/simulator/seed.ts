/**
 * A tenant as a new Tines customer has it: a tenant owner who created two teams and so is a member
 * of both. (That the creator sits on each team matters: Tines refuses to remove a team's last
 * member, so a stack that manages every member of a team could not be destroyed.)
 */
import type { SimulatedUser, TenantState } from "./tenantState";
import { seededOwnerEmail } from "./userState";

export { seededOwnerEmail } from "./userState";

/**
 * Makes sure the tenant has its owner: the user recorded as the owner of the simulator's key, else
 * the user with {@link seededOwnerEmail}, else a new active tenant owner with that email (a tenant
 * always has the owner who made it, and the simulator's key is theirs). Records who it is.
 */
export function ensureTenantOwner(state: TenantState): SimulatedUser {
  const existing = state.tenantOwner() ?? state.findUserByEmail(seededOwnerEmail);
  if (existing) {
    state.setTenantOwner(existing.id);
    return existing;
  }
  const owner = state.createUser({ email: seededOwnerEmail, first_name: "Tenant", last_name: "Owner", admin: true });
  state.acceptInvitation(owner.id);
  state.setTenantOwner(owner.id);
  return owner;
}

/** Seeds an empty tenant with its owner and teams; leaves a tenant that has teams alone. */
export function seedTenant(state: TenantState, teamNames: string[]): void {
  if (state.listTeams("all").length > 0) return;
  const owner = ensureTenantOwner(state);
  state.acceptInvitation(owner.id);
  for (const name of teamNames) state.seedMembership(state.createTeam(name).id, owner.id, "TEAM_ADMIN");
}
