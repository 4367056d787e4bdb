/**
 * Roles: `/api/v1/admin/roles` (tines-api.md, "Roles"). The list wraps its items under
 * `admin/roles`; older answers under `roles` or as a bare array are still read. Custom roles are
 * an Enterprise feature, and a tenant holds at most 25 of them.
 */
import { z } from "zod";
import { TinesApiError, TinesError } from "./errors";
import { nextPageNumber, maxPageSize } from "./pagination";
import { tinesDefaultRoles, tinesPageMetaSchema, tinesRoleSchema, type TinesRoleObject } from "./schemas";
import type { TinesTransport } from "./transport";

const rolesPageSchema = z.union([
  z
    .looseObject({ "admin/roles": z.array(tinesRoleSchema), meta: tinesPageMetaSchema.optional() })
    .transform((body) => ({ roles: body["admin/roles"], meta: body.meta })),
  z.looseObject({ roles: z.array(tinesRoleSchema), meta: tinesPageMetaSchema.optional() }),
  z.array(tinesRoleSchema).transform((roles) => ({ roles, meta: undefined })),
]);

/**
 * Whether a role of the list is a tenant's custom role. Tines marks it `type: "custom"`; older
 * answers carry no `type`, so a role that is not marked `default` and does not bear one of Tines'
 * own names counts as custom.
 */
export function isTinesCustomRole(role: TinesRoleObject): boolean {
  return role.type !== "default" && !(tinesDefaultRoles as readonly string[]).includes(role.name);
}

/** The most custom roles a tenant holds (tines-api.md, "Roles"). */
export const tinesCustomRoleLimit = 25;

/** The request body of a custom role's create. */
export interface CreateTinesRoleRequest {
  name: string;
  description?: string;
  permissions: string[];
}

/**
 * A refusal of a custom-role write, in words a user understands. Tines does not document how a
 * tenant without the Enterprise feature, or one at the 25-role limit, answers: any 4xx other than
 * a 404 or a 401 is read as one of these, and the message names both possibilities with Tines' own.
 */
export class TinesCustomRoleRefusedError extends TinesError {
  override name = "TinesCustomRoleRefusedError";
  constructor(
    readonly action: string,
    readonly refusal: TinesApiError,
  ) {
    super(
      `Tines refused to ${action} (${refusal.status}: ${refusal.tinesMessage || "no reason given"}). Custom roles are an Enterprise ` +
        `feature of Tines, and a tenant holds at most ${tinesCustomRoleLimit} custom roles: check that the tenant's plan includes ` +
        "custom roles, and delete custom roles it no longer needs if it holds 25 already.",
      { cause: refusal },
    );
  }
}

function refusalOf(action: string, error: unknown): unknown {
  if (error instanceof TinesApiError && error.status >= 400 && error.status < 500 && ![401, 404, 429].includes(error.status)) {
    // A name that is taken is the caller's to explain; every other refusal is the plan or the limit.
    if (!/taken|exists|already/i.test(error.tinesMessage)) return new TinesCustomRoleRefusedError(action, error);
  }
  return error;
}

/** Calls on `/api/v1/admin/roles`. */
export class TinesRolesApi {
  constructor(private readonly transport: TinesTransport) {}

  /** Every role of the tenant, default and custom. */
  async list(): Promise<TinesRoleObject[]> {
    const roles: TinesRoleObject[] = [];
    for (let page: number | undefined = 1; page !== undefined; ) {
      const body = await this.transport.requestJson(
        { method: "GET", path: "/api/v1/admin/roles", query: { page, per_page: maxPageSize } },
        rolesPageSchema,
      );
      roles.push(...body.roles);
      page = nextPageNumber(page, body.roles.length, body.meta);
    }
    return roles;
  }

  /** Creates a custom role. Not retried once it may have reached Tines. */
  async create(body: CreateTinesRoleRequest): Promise<TinesRoleObject> {
    try {
      return await this.transport.requestJson({ method: "POST", path: "/api/v1/admin/roles", body, idempotent: false }, tinesRoleSchema);
    } catch (error) {
      throw refusalOf(`create the custom role ${body.name}`, error);
    }
  }

  /** Changes a custom role's description and permissions (`PATCH`; the name cannot change). */
  async update(roleId: string, body: { description?: string; permissions?: string[] }): Promise<TinesRoleObject> {
    try {
      return await this.transport.requestJson(
        { method: "PATCH", path: `/api/v1/admin/roles/${encodeURIComponent(roleId)}`, body, idempotent: true },
        tinesRoleSchema,
      );
    } catch (error) {
      throw refusalOf(`update the custom role ${roleId}`, error);
    }
  }

  /** Deletes a custom role. */
  async delete(roleId: string): Promise<void> {
    await this.transport.request({ method: "DELETE", path: `/api/v1/admin/roles/${encodeURIComponent(roleId)}` });
  }
}
