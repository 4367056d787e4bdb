/**
 * Team membership, once: the operations (invite, change a role, remove, the last-member rule, the
 * restore on failure, the wait for a user Tines is deleting) in operations.ts, their typed failures
 * in failures.ts, and rosters, a team's whole member list (check, plan, preview, write), in
 * roster*.ts. Used by `TinesTeamMembership`, `TinesTeamMembers` and `TinesTeam.members`.
 */
export * from "./members";
export * from "./failures";
export * from "./operations";
export * from "./refusedInvitation";
export * from "./roster";
export * from "./rosterPlan";
export * from "./rosterPreview";
export * from "./rosterWrite";
