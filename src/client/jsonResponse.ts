/**
 * Reading a 2xx answer's body: JSON, validated against the endpoint's schema, with a
 * {@link TinesResponseError} naming the endpoint and the field when it is not what was expected.
 * The transport calls it for `requestJson`; an API module calls it itself when it needs the
 * status too.
 */
import type { z } from "zod";
import { TinesResponseError, redactSecret, type TinesRequestDescription } from "./errors";

/**
 * Parses a response body as JSON and validates it; `secret` is scrubbed from any quoted body.
 */
export function parseJsonResponse<Schema extends z.ZodType>(
  request: TinesRequestDescription,
  text: string,
  schema: Schema,
  secret?: string,
): z.output<Schema> {
  if (text.trim() === "") throw new TinesResponseError(request, "the body is empty where JSON was expected");
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    const start = redactSecret(text, secret).trim().slice(0, 80).replace(/\s+/g, " ");
    throw new TinesResponseError(request, `the body is not JSON (it starts with ${JSON.stringify(start)})`);
  }
  const result = schema.safeParse(json);
  if (!result.success) {
    const problems = result.error.issues.slice(0, 3).map((issue) => {
      const field = formatIssuePath(issue.path);
      return field ? `field ${field}: ${issue.message}` : issue.message;
    });
    throw new TinesResponseError(request, problems.join("; "));
  }
  return result.data;
}

/** Formats a zod issue path the way a user writes it: `actionInputs[1].required`. */
export function formatIssuePath(path: ReadonlyArray<PropertyKey>): string {
  let text = "";
  for (const part of path) {
    if (typeof part === "number") text += `[${part}]`;
    else text += text === "" ? String(part) : `.${String(part)}`;
  }
  return text;
}
