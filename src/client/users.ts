/**
 * Tenant users: `/api/v1/admin/users` (tines-api.md, "Users"). These endpoints need a tenant-owner
 * key and have their own rate limit, 500 requests a minute.
 */
import { z } from "zod";
import { TinesApiError } from "./errors";
import { collectAll, listPages, paginate, type TinesListPage } from "./pagination";
import { tinesSignInActivitySchema, tinesUserSchema, type TinesSignInActivityObject, type TinesUserObject } from "./schemas";
import type { TinesTransport } from "./transport";

/** The body of `POST /admin/users`: only `email` is required. */
export interface CreateTinesUserRequest {
  email: string;
  first_name?: string;
  last_name?: string;
  /** Tenant owner. Tines' default: false. */
  admin?: boolean;
  tenant_permissions?: string[];
  /** Tines' default: true. */
  is_active?: boolean;
}

/**
 * The body of `PUT /admin/users/{id}`. The update is partial, but `admin` and `is_active` are
 * required here so an omission can never reset them (tines-api.md: "always send `admin` and
 * `is_active` explicitly").
 */
export type UpdateTinesUserRequest = Partial<CreateTinesUserRequest> & { admin: boolean; is_active: boolean };

/** Options of {@link TinesUsersApi.list}. */
export interface ListTinesUsersOptions {
  /** `TENANT_OWNER` lists only tenant owners. */
  filter?: "TENANT_OWNER";
  /** Adds `team_memberships` to each user. */
  includeTeamMemberships?: boolean;
}

/** Calls on `/api/v1/admin/users`. */
export class TinesUsersApi {
  constructor(private readonly transport: TinesTransport) {}

  /** Every user of the tenant, page by page. */
  list(options: ListTinesUsersOptions = {}): AsyncGenerator<TinesUserObject> {
    return paginate(this.transport, usersEndpoint(options));
  }

  /** The user directory page by page (500 users a page), each page requested only when the caller asks for it. */
  pages(options: ListTinesUsersOptions = {}): AsyncGenerator<TinesListPage<TinesUserObject>> {
    return listPages(this.transport, usersEndpoint(options));
  }

  /** Every user of the tenant, collected. */
  listAll(options: ListTinesUsersOptions = {}): Promise<TinesUserObject[]> {
    return collectAll(this.transport, usersEndpoint(options));
  }

  /** One user; throws a not-found {@link TinesApiError} for an unknown id. */
  get(userId: number, options: { includeTeamMemberships?: boolean } = {}): Promise<TinesUserObject> {
    return this.transport.requestJson(
      {
        method: "GET",
        path: `/api/v1/admin/users/${userId}`,
        query: { include: options.includeTeamMemberships ? "team_memberships" : undefined },
      },
      tinesUserSchema,
    );
  }

  /**
   * The user with this email, in one request: `GET /admin/users/{email}` (tines-api.md, "get by
   * email", new in the 2026-06 docs). Undefined when Tines answers 404, which an older tenant does
   * for every email, so undefined means "not found this way", not "no such user": a caller that
   * must know falls back to {@link findByEmail}. An answer for a user of another email (a tenant
   * reading the email as an id) is undefined too. Whether `include=team_memberships` works with an
   * email is not documented: an answer without `team_memberships` is returned as it is.
   */
  async getByEmail(email: string, options: { includeTeamMemberships?: boolean } = {}): Promise<TinesUserObject | undefined> {
    const wanted = email.trim();
    if (wanted === "") return undefined;
    let user: TinesUserObject;
    try {
      user = await this.transport.requestJson(
        {
          method: "GET",
          path: `/api/v1/admin/users/${encodeURIComponent(wanted)}`,
          query: { include: options.includeTeamMemberships ? "team_memberships" : undefined },
        },
        tinesUserSchema,
      );
    } catch (error) {
      if (error instanceof TinesApiError && error.isNotFound) return undefined;
      throw error;
    }
    // Emails compare case-insensitively (tines-api.md, "Users").
    return user.email.trim().toLowerCase() === wanted.toLowerCase() ? user : undefined;
  }

  /**
   * Creates a user. Tines emails them an invitation. Never retried after it may have reached Tines:
   * a caller that gets a connection error looks the email up with {@link findByEmail}.
   */
  create(body: CreateTinesUserRequest): Promise<TinesUserObject> {
    return this.transport.requestJson({ method: "POST", path: "/api/v1/admin/users", body }, tinesUserSchema);
  }

  /** Updates the fields given and returns the user. */
  update(userId: number, body: UpdateTinesUserRequest): Promise<TinesUserObject> {
    return this.transport.requestJson({ method: "PUT", path: `/api/v1/admin/users/${userId}`, body }, tinesUserSchema);
  }

  /**
   * Deletes a user. Asynchronous in Tines: the user is deactivated at once and queued for deletion,
   * so a `get` right after may still find them.
   */
  async delete(userId: number): Promise<void> {
    await this.transport.request({ method: "DELETE", path: `/api/v1/admin/users/${userId}` });
  }

  /**
   * The user with this email, or undefined. Tines has no email filter, so this pages through the
   * whole directory, 500 users a request; emails compare case-insensitively.
   */
  async findByEmail(email: string): Promise<TinesUserObject | undefined> {
    const wanted = email.trim().toLowerCase();
    for await (const user of this.list()) {
      if (user.email.trim().toLowerCase() === wanted) return user;
    }
    return undefined;
  }

  /** A user's sign-in activity, newest first as Tines returns it. */
  listSignInActivities(
    userId: number,
    options: { before?: string; after?: string } = {},
  ): Promise<TinesSignInActivityObject[]> {
    return collectAll(this.transport, {
      path: `/api/v1/admin/users/${userId}/signin_activities`,
      itemsKey: "admin/login_activities",
      itemSchema: tinesSignInActivitySchema,
      query: { before: options.before, after: options.after },
    });
  }

  /**
   * Sends the invitation email again. Returns Tines' message when it sends one (e.g. "User already
   * accepted invitation."), else undefined.
   */
  async resendInvitation(userId: number): Promise<string | undefined> {
    const response = await this.transport.request({
      method: "POST",
      path: `/api/v1/admin/users/${userId}/resend_invitation`,
      idempotent: false,
    });
    if (response.text.trim() === "") return undefined;
    const parsed = z.looseObject({ message: z.string().optional() }).safeParse(safeJson(response.text));
    return parsed.success ? parsed.data.message : undefined;
  }

  /** Signs the user out of every session. Repeating it changes nothing, so it is retried. */
  async expireSession(userId: number): Promise<void> {
    await this.transport.request({
      method: "POST",
      path: `/api/v1/admin/users/${userId}/expire_session`,
      idempotent: true,
    });
  }
}

function usersEndpoint(options: ListTinesUsersOptions) {
  return {
    path: "/api/v1/admin/users",
    itemsKey: "admin/users",
    itemSchema: tinesUserSchema,
    query: {
      filter: options.filter,
      include: options.includeTeamMemberships ? "team_memberships" : undefined,
    },
  };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
