/**
 * Walks Tines' page-numbered lists (tines-api.md, "Pagination"): `per_page` up to 500, items under
 * a resource-named key, `meta.next_page_number` to follow, or `meta.pages` when an older page
 * omits it. Stops on `null` or `0` as Tines' Go SDK does.
 */
import { z } from "zod";
import { tinesPageMetaSchema } from "./schemas";
import type { TinesQueryValue } from "./queryString";
import type { TinesTransport } from "./transport";

/** The largest page Tines serves. */
export const maxPageSize = 500;

/** A list endpoint: its path, the key its items sit under, and the schema of one item. */
export interface TinesListEndpoint<Item extends z.ZodType> {
  /** Path below the tenant origin. */
  path: string;
  /** Key of the items array in the body, e.g. `"admin/users"`. */
  itemsKey: string;
  /** Schema of one item. */
  itemSchema: Item;
  /** Query parameters besides `page` and `per_page`. */
  query?: Record<string, TinesQueryValue>;
}

/**
 * Page schemas, one per (item schema, items key): building a zod object costs more than parsing a
 * short page (about 150 µs against a few), and every list call of an endpoint needs the same one.
 */
const pageSchemas = new WeakMap<z.ZodType, Map<string, z.ZodType>>();

/** The schema of one page of `endpoint`: its items under `itemsKey`, and `meta`. */
function pageSchemaOf(endpoint: TinesListEndpoint<z.ZodType>): z.ZodType<Record<string, unknown>> {
  let byKey = pageSchemas.get(endpoint.itemSchema);
  if (!byKey) pageSchemas.set(endpoint.itemSchema, (byKey = new Map()));
  let schema = byKey.get(endpoint.itemsKey);
  if (!schema) {
    schema = z.looseObject({ [endpoint.itemsKey]: z.array(endpoint.itemSchema), meta: tinesPageMetaSchema.optional() });
    byKey.set(endpoint.itemsKey, schema);
  }
  return schema as z.ZodType<Record<string, unknown>>;
}

/** One page of a list, with what its `meta` says of the whole list. */
export interface TinesListPage<Item> {
  /** The page's number, from 1. */
  page: number;
  /** The page's items. */
  items: Item[];
  /** How many pages the list has, when `meta.pages` says so. */
  pages?: number;
  /** Whether a page follows this one. */
  hasNext: boolean;
}

/** Yields a list's pages in order, requesting the next page only when the caller asks for it. */
export async function* listPages<Item extends z.ZodType>(
  transport: TinesTransport,
  endpoint: TinesListEndpoint<Item>,
): AsyncGenerator<TinesListPage<z.output<Item>>> {
  const pageSchema = pageSchemaOf(endpoint);
  let page = 1;
  for (;;) {
    const body = await transport.requestJson(
      { method: "GET", path: endpoint.path, query: { ...endpoint.query, page, per_page: maxPageSize } },
      pageSchema,
    );
    const items = body[endpoint.itemsKey] as Array<z.output<Item>>;
    const meta = body.meta as z.output<typeof tinesPageMetaSchema> | undefined;
    const next = nextPageNumber(page, items.length, meta);
    yield { page, items, ...(typeof meta?.pages === "number" ? { pages: meta.pages } : {}), hasNext: next !== undefined };
    if (next === undefined) return;
    page = next;
  }
}

/** Yields every item of a list, page by page, requesting the next page only when needed. */
export async function* paginate<Item extends z.ZodType>(
  transport: TinesTransport,
  endpoint: TinesListEndpoint<Item>,
): AsyncGenerator<z.output<Item>> {
  for await (const page of listPages(transport, endpoint)) yield* page.items;
}

/** Collects every item of a list. */
export async function collectAll<Item extends z.ZodType>(
  transport: TinesTransport,
  endpoint: TinesListEndpoint<Item>,
): Promise<Array<z.output<Item>>> {
  const items: Array<z.output<Item>> = [];
  for await (const item of paginate(transport, endpoint)) items.push(item);
  return items;
}

/** The page to fetch after `page`, or undefined at the end. */
export function nextPageNumber(
  page: number,
  itemCount: number,
  meta: z.output<typeof tinesPageMetaSchema> | undefined,
): number | undefined {
  if (meta && meta.next_page_number !== undefined) {
    const next = meta.next_page_number;
    // A next page that does not move forward would loop for ever: treat it as the end.
    return next !== null && next > page ? next : undefined;
  }
  if (meta && typeof meta.pages === "number") return page < meta.pages ? page + 1 : undefined;
  // No meta at all: a full page may have a successor, a short one cannot.
  return itemCount >= maxPageSize ? page + 1 : undefined;
}
