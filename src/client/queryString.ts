/**
 * How a request's query parameters are written into its path: undefined values are left out, and a
 * list repeats its name once per item (`user_id[]=1&user_id[]=2`), as Tines reads it.
 */

/** One query parameter's value: a list is sent as the name repeated, once per item. */
export type TinesQueryValue = string | number | boolean | undefined | ReadonlyArray<string | number>;

/** `path` with `query` appended (`path` alone when no parameter has a value). */
export function withQuery(path: string, query: Record<string, TinesQueryValue> | undefined): string {
  if (!query) return path;
  const parameters = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (Array.isArray(value)) for (const item of value as ReadonlyArray<string | number>) parameters.append(name, String(item));
    else if (value !== undefined) parameters.set(name, String(value));
  }
  const text = parameters.toString();
  return text ? `${path}?${text}` : path;
}
