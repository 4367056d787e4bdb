/**
 * Private action templates: `/api/v1/admin/templates` (tines-api.md, "Private templates"). Template
 * ids are strings. An update's answer is not trusted (older docs say it is just `true`): the
 * template is read back.
 */
import { collectAll, listPages, type TinesListPage } from "./pagination";
import { parseIfShaped } from "./teams";
import { tinesTemplateSchema, type TinesTemplateObject } from "./schemas";
import type { TinesTransport } from "./transport";

/** One action input as Tines takes it. */
export interface TinesActionInputRequest {
  name: string;
  type: string;
  required?: boolean;
  description?: string;
  default_value?: unknown;
  data?: Record<string, unknown>;
}

/** The body of `POST /admin/templates`. */
export interface CreateTinesTemplateRequest {
  name: string;
  description: string;
  vendor: string;
  product: string;
  agent_type: string;
  agent_options: Record<string, unknown>;
  team_id?: number;
  folder_id?: number | null;
  read_access?: string;
  shared_team_slugs?: string[];
  action_inputs?: TinesActionInputRequest[];
}

/**
 * The body of `PUT /admin/templates/{id}`: the create fields but `team_id` (moving to another team
 * is {@link TinesTemplatesApi.move}). Omitted fields stay; `action_inputs` replaces the whole list;
 * `folder_id: null` takes the template out of its folder.
 */
export type UpdateTinesTemplateRequest = Partial<Omit<CreateTinesTemplateRequest, "team_id">>;

/** Calls on `/api/v1/admin/templates`. */
export class TinesTemplatesApi {
  constructor(private readonly transport: TinesTransport) {}

  /** Every private template, optionally filtered by a search term or folder. */
  list(options: { search?: string; folderId?: number } = {}): Promise<TinesTemplateObject[]> {
    return collectAll(this.transport, templatesEndpoint(options));
  }

  /** Every private template page by page (500 a page), each page requested only when the caller asks for it. */
  pages(): AsyncGenerator<TinesListPage<TinesTemplateObject>> {
    return listPages(this.transport, templatesEndpoint({}));
  }

  /** One template; throws a not-found {@link TinesApiError} for an unknown id. */
  get(templateId: string): Promise<TinesTemplateObject> {
    return this.transport.requestJson(
      { method: "GET", path: `/api/v1/admin/templates/${encodeURIComponent(templateId)}` },
      tinesTemplateSchema,
    );
  }

  /** Creates a template. Not retried after it may have reached Tines. */
  create(body: CreateTinesTemplateRequest): Promise<TinesTemplateObject> {
    return this.transport.requestJson({ method: "POST", path: "/api/v1/admin/templates", body }, tinesTemplateSchema);
  }

  /** Updates a template and returns it as Tines now has it (read back with a second request). */
  async update(templateId: string, body: UpdateTinesTemplateRequest): Promise<TinesTemplateObject> {
    await this.transport.request({ method: "PUT", path: `/api/v1/admin/templates/${encodeURIComponent(templateId)}`, body });
    return this.get(templateId);
  }

  /**
   * Moves a template to another team (and folder), the only way to change its `team_id`. Tines
   * resets its access to team-only. Moving twice to the same place has no further effect.
   */
  async move(templateId: string, body: { team_id: number; folder_id?: number | null }): Promise<TinesTemplateObject> {
    // Tines answers the moved template; an answer that is not one (older tenants) is read back.
    const response = await this.transport.request({
      method: "POST",
      path: `/api/v1/admin/templates/${encodeURIComponent(templateId)}/move`,
      body,
      idempotent: true,
    });
    return parseIfShaped(response.text, tinesTemplateSchema) ?? this.get(templateId);
  }

  /** Deletes a template. */
  async delete(templateId: string): Promise<void> {
    await this.transport.request({ method: "DELETE", path: `/api/v1/admin/templates/${encodeURIComponent(templateId)}` });
  }
}

function templatesEndpoint(options: { search?: string; folderId?: number }) {
  return {
    path: "/api/v1/admin/templates",
    itemsKey: "admin/templates",
    itemSchema: tinesTemplateSchema,
    query: { search: options.search, folder_id: options.folderId },
  };
}
