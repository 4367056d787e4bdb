/**
 * `stories` in the simulator, only as far as a team's deletion guard needs it (tines-api.md,
 * "Stories of a team"): `GET /stories?team_id=<id>&per_page=1`, whose `meta.count` says how many.
 */
import type { TenantState } from "../tenantState";
import { paginated, type Route } from "./common";

/** The routes of `stories`. */
export function storyRoutes(state: TenantState, baseUrl: () => string): Route[] {
  return [
    {
      method: "GET",
      pattern: /^\/api\/v1\/stories$/,
      admin: false,
      handle: ({ url, query }) => {
        const team = query.get("team_id");
        return paginated(url, baseUrl(), "stories", state.storiesOf(team === null ? undefined : Number(team)));
      },
    },
  ];
}
