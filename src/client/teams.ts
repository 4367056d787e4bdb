/**
 * Teams and their members: `/api/v1/teams` (tines-api.md, "Teams and membership"). There is no
 * membership resource in the API: members are read from the team's member list and changed with
 * the `invite_member` and `remove_member` actions. No endpoint changes a member's role.
 */
import { collectAll, paginate } from "./pagination";
import {
  removedMemberSchema,
  tinesInvitedMemberSchema,
  tinesPageMetaSchema,
  tinesStorySchema,
  type TinesInvitedMemberObject,
  tinesTeamMemberSchema,
  tinesTeamSchema,
  type TinesTeamMemberObject,
  type TinesTeamObject,
} from "./schemas";
import { TinesResponseError } from "./errors";
import type { TinesTransport } from "./transport";
import { z } from "zod";

/** Who to add to a team: an existing user by id, or an email (which creates the user if needed). */
export type TinesInvitee = { user_id: number } | { email: string };

/** Calls on `/api/v1/teams`. */
export class TinesTeamsApi {
  constructor(private readonly transport: TinesTransport) {}

  /**
   * Every team the key can see, collected. Tines' own default scope is `standard` (personal teams
   * left out); the scope is always sent, so an older tenant's other default changes nothing.
   */
  list(options: { scope?: "all" | "standard" | "personal_only" } = {}): Promise<TinesTeamObject[]> {
    return collectAll(this.transport, {
      path: "/api/v1/teams",
      itemsKey: "teams",
      itemSchema: tinesTeamSchema,
      query: { scope: options.scope ?? "standard" },
    });
  }

  /**
   * How many stories the team holds: `GET /stories?team_id=<id>&per_page=1` and its `meta.count`
   * (tines-api.md, "Stories of a team"), or `meta.pages` at one story a page. An answer with
   * neither throws a {@link TinesResponseError}: an unreadable count is never taken as zero.
   */
  async storyCount(teamId: number): Promise<number> {
    const body = await this.transport.requestJson(
      { method: "GET", path: "/api/v1/stories", query: { team_id: teamId, per_page: 1 } },
      z.looseObject({ stories: z.array(tinesStorySchema).optional(), meta: tinesPageMetaSchema.optional() }),
    );
    if (typeof body.meta?.count === "number") return body.meta.count;
    // One story a page: the page count is the story count, and a last page with none means none.
    if (typeof body.meta?.pages === "number" && body.stories !== undefined) return body.stories.length === 0 ? 0 : body.meta.pages;
    // Anything else is no count: never taken as "no stories", since the count guards a delete.
    throw new TinesResponseError(
      { method: "GET", path: "/api/v1/stories" },
      "the story list says neither how many stories there are (meta.count) nor how many pages (meta.pages)",
    );
  }

  /** One team; throws a not-found {@link TinesApiError} for an unknown id. */
  get(teamId: number): Promise<TinesTeamObject> {
    return this.transport.requestJson({ method: "GET", path: `/api/v1/teams/${teamId}` }, tinesTeamSchema);
  }

  /** Creates a team. */
  create(body: { name: string }): Promise<TinesTeamObject> {
    return this.transport.requestJson({ method: "POST", path: "/api/v1/teams", body }, tinesTeamSchema);
  }

  /** Renames a team. */
  update(teamId: number, body: { name: string }): Promise<TinesTeamObject> {
    return this.transport.requestJson({ method: "PUT", path: `/api/v1/teams/${teamId}`, body }, tinesTeamSchema);
  }

  /** Deletes a team. */
  async delete(teamId: number): Promise<void> {
    await this.transport.request({ method: "DELETE", path: `/api/v1/teams/${teamId}` });
  }

  /** The team's members, page by page. `id` of each member is the user id. */
  members(teamId: number): AsyncGenerator<TinesTeamMemberObject> {
    return paginate(this.transport, membersEndpoint(teamId));
  }

  /** The team's members, collected. */
  listMembers(teamId: number): Promise<TinesTeamMemberObject[]> {
    return collectAll(this.transport, membersEndpoint(teamId));
  }

  /** The member with this user id (or email), or undefined; stops paging once found. */
  async findMember(teamId: number, who: { userId: number } | { email: string }): Promise<TinesTeamMemberObject | undefined> {
    const email = "email" in who ? who.email.trim().toLowerCase() : undefined;
    for await (const member of this.members(teamId)) {
      if ("userId" in who ? member.id === who.userId : member.email.trim().toLowerCase() === email) return member;
    }
    return undefined;
  }

  /**
   * Adds a user to the team with `role` (Tines' default `VIEWER` when omitted). Inviting an email
   * without an account creates the tenant user and emails an invitation. Not retried after it may
   * have reached Tines: a caller that gets a connection error checks {@link findMember}.
   */
  inviteMember(teamId: number, invitee: TinesInvitee, role?: string): Promise<TinesTeamMemberObject> {
    return this.transport.requestJson(
      {
        method: "POST",
        path: `/api/v1/teams/${teamId}/invite_member`,
        body: { ...invitee, ...(role === undefined ? {} : { role }) },
        idempotent: false,
      },
      tinesTeamMemberSchema,
    );
  }

  /**
   * Removes a user from the team and returns the removed user id. Tines refuses to remove the last
   * member of a team. Removing twice has no further effect, so it is retried.
   */
  async removeMember(teamId: number, userId: number): Promise<number> {
    const body = await this.transport.requestJson(
      { method: "POST", path: `/api/v1/teams/${teamId}/remove_member`, body: { user_id: userId }, idempotent: true },
      removedMemberSchema,
    );
    return body.deleted_id;
  }

  /**
   * Sends a member's team invitation again. Tines answers the member (without `role`); an older
   * empty answer gives undefined.
   */
  async resendInvitation(teamId: number, userId: number): Promise<TinesInvitedMemberObject | undefined> {
    const response = await this.transport.request({
      method: "POST",
      path: `/api/v1/teams/${teamId}/resend_invitation`,
      body: { user_id: userId },
      idempotent: false,
    });
    return parseIfShaped(response.text, tinesInvitedMemberSchema);
  }
}

/** The body read with `schema`, or undefined when it is empty, not JSON, or another shape. */
export function parseIfShaped<Schema extends z.ZodType>(text: string, schema: Schema): z.output<Schema> | undefined {
  try {
    const result = schema.safeParse(JSON.parse(text));
    return result.success ? result.data : undefined;
  } catch {
    return undefined;
  }
}

function membersEndpoint(teamId: number) {
  return { path: `/api/v1/teams/${teamId}/members`, itemsKey: "members", itemSchema: tinesTeamMemberSchema };
}
