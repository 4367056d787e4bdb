/**
 * The SCIM user group mapping: `/api/v1/admin/scim_user_group_mapping` (tines-api.md, "SCIM").
 * It says which identity-provider group gets which team (by name) and role; Tines only takes it
 * whole ("the full user group mapping must be sent, appending a new mapping is not supported").
 * Tenant-owner key.
 */
import { TinesResponseError } from "./errors";
import { tinesScimGroupMappingSchema, type TinesScimGroupMappingLineObject, type TinesScimGroupMappingObject } from "./schemas";
import { parseJsonResponse } from "./jsonResponse";
import type { TinesTransport } from "./transport";

/** What {@link TinesScimApi.replaceGroupMapping} sends. */
export interface ReplaceTinesScimGroupMappingRequest {
  /** Every line of the mapping; an empty list clears it (whether Tines takes an empty list is not documented). */
  mappings: Array<Pick<TinesScimGroupMappingLineObject, "group_name" | "team_name" | "role_name">>;
  /**
   * The identity-provider group whose members become tenant owners; null to send it unset. Left out
   * when undefined: what Tines then does with the one it holds is not documented.
   */
  tenant_owners_group?: string | null;
}

/** Calls on `/api/v1/admin/scim_user_group_mapping`. */
export class TinesScimApi {
  constructor(private readonly transport: TinesTransport) {}

  /** The whole mapping, in whichever documented shape Tines answers. */
  getGroupMapping(): Promise<TinesScimGroupMappingObject> {
    return this.transport.requestJson({ method: "GET", path: groupMappingPath }, tinesScimGroupMappingSchema);
  }

  /**
   * Replaces the whole mapping and returns what Tines then holds. Sent in the newer documented shape
   * (`{"user_group_mapping": {"mappings": [...], "tenant_owners_group": ...}}`). Sending the same
   * mapping twice changes nothing, so the request is retried like a PUT. Tines documents the answer
   * as the updated mapping; an answer that is not one is not trusted, and the mapping is read back.
   */
  async replaceGroupMapping(request: ReplaceTinesScimGroupMappingRequest): Promise<TinesScimGroupMappingObject> {
    const userGroupMapping: Record<string, unknown> = {
      mappings: request.mappings.map((line) => ({ group_name: line.group_name, team_name: line.team_name, role_name: line.role_name })),
    };
    if (request.tenant_owners_group !== undefined) userGroupMapping.tenant_owners_group = request.tenant_owners_group;
    const response = await this.transport.request({
      method: "POST",
      path: groupMappingPath,
      body: { user_group_mapping: userGroupMapping },
      idempotent: true,
    });
    try {
      return parseJsonResponse({ method: "POST", path: groupMappingPath }, response.text, tinesScimGroupMappingSchema);
    } catch (error) {
      if (!(error instanceof TinesResponseError)) throw error;
      return this.getGroupMapping();
    }
  }
}

const groupMappingPath = "/api/v1/admin/scim_user_group_mapping";
