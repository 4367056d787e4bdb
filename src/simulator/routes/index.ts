/**
 * The simulator's route table, one file per resource family, the way `src/client/` is split.
 */
import type { TenantState } from "../tenantState";
import { auditLogRoutes } from "./auditLogs";
import type { Route } from "./common";
import { roleRoutes } from "./roles";
import { scimRoutes } from "./scim";
import { storyRoutes } from "./stories";
import { teamRoutes } from "./teams";
import { templateRoutes } from "./templates";
import { userRoutes } from "./users";

export type { Answer, RequestContext, Route } from "./common";

/** Every route of the simulated API. */
export function buildRoutes(state: TenantState, baseUrl: () => string): Route[] {
  return [
    ...userRoutes(state, baseUrl),
    ...roleRoutes(state, baseUrl),
    ...teamRoutes(state, baseUrl),
    ...templateRoutes(state, baseUrl),
    ...storyRoutes(state, baseUrl),
    ...scimRoutes(state),
    ...auditLogRoutes(state, baseUrl),
  ];
}
