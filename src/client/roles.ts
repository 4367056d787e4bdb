/**
 * Roles: `GET /api/v1/admin/roles`. The docs show the role objects (`{"id":"123","name":"MY_ROLE",
 * "type":"custom"}`) but not the list's wrapper, so the answer is accepted under `roles`,
 * `admin/roles`, or as a bare array.
 */
import { z } from "zod";
import { nextPageNumber, maxPageSize } from "./pagination";
import { tinesPageMetaSchema, tinesRoleSchema, type TinesRoleObject } from "./schemas";
import type { TinesTransport } from "./transport";

const rolesPageSchema = z.union([
  z.array(tinesRoleSchema).transform((roles) => ({ roles, meta: undefined })),
  z.looseObject({ roles: z.array(tinesRoleSchema), meta: tinesPageMetaSchema.optional() }),
  z
    .looseObject({ "admin/roles": z.array(tinesRoleSchema), meta: tinesPageMetaSchema.optional() })
    .transform((body) => ({ roles: body["admin/roles"], meta: body.meta })),
]);

/** Calls on `/api/v1/admin/roles`. */
export class TinesRolesApi {
  constructor(private readonly transport: TinesTransport) {}

  /** Every role of the tenant, built-in and custom. */
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
}
