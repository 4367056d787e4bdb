/**
 * What `check` and `diff` share across resources: the preview placeholder for unknown values,
 * zod validation that reports every failure with its property, reusable input schemas, and
 * comparison of old outputs with new inputs. None of it makes a request.
 */
import { isDeepStrictEqual } from "node:util";
import { z } from "zod";
import type * as pulumi from "@pulumi/pulumi";
import { formatIssuePath } from "../client";

/**
 * The string the engine sends in place of a value not known yet (in preview). Never validate it:
 * it stands for a value that will be checked again once known.
 */
export const unknownValue = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** Whether a value is, or contains, the unknown placeholder. */
export function containsUnknown(value: unknown): boolean {
  if (value === unknownValue) return true;
  if (Array.isArray(value)) return value.some(containsUnknown);
  if (value && typeof value === "object") return Object.values(value).some(containsUnknown);
  return false;
}

/** A check failure of one property, as the engine shows it. */
export type CheckFailure = pulumi.dynamic.CheckFailure;

/** A failure found across properties, after the schema passed. */
export interface CrossFieldFailure {
  property: string;
  reason: string;
}

/**
 * Validates `news` (minus `__provider`) with `schema`, skipping properties whose value is unknown,
 * then runs `crossField` on the parsed values. Returns the normalised inputs (defaults applied,
 * unknown values passed through) and every failure at once.
 */
export function checkInputs<Shape extends z.ZodRawShape, Parsed extends Record<string, unknown>>(
  schema: z.ZodObject<Shape>,
  news: Record<string, unknown>,
  crossField: (values: Parsed, unknownKeys: ReadonlySet<string>) => CrossFieldFailure[] = () => [],
): { inputs: Record<string, unknown>; failures: CheckFailure[] } {
  const { __provider: _ignored, ...given } = news;
  const unknownKeys = new Set(Object.keys(given).filter((key) => containsUnknown(given[key])));
  const known = Object.fromEntries(Object.entries(given).filter(([key]) => !unknownKeys.has(key)));
  const mask = Object.fromEntries([...unknownKeys].filter((key) => key in schema.shape).map((key) => [key, true as const]));
  const result = (unknownKeys.size > 0 ? schema.partial(mask as never) : schema).safeParse(known);
  if (!result.success) {
    return {
      inputs: given,
      failures: result.error.issues.flatMap((issue) =>
        issue.code === "unrecognized_keys"
          ? issue.keys.map((key) => ({
              property: formatIssuePath([...issue.path, key]),
              reason: "is not an input of this resource (check the spelling)",
            }))
          : [{ property: formatIssuePath(issue.path) || "(inputs)", reason: issue.message }],
      ),
    };
  }
  const parsed = result.data as Parsed;
  const failures = crossField(parsed, unknownKeys);
  const inputs: Record<string, unknown> = { ...parsed };
  for (const key of unknownKeys) inputs[key] = given[key];
  return { inputs, failures };
}

/** Message for a missing or wrongly typed value. */
function typeMessage(expected: string) {
  return (issue: { input?: unknown }) => (issue.input === undefined ? "is required" : `must be ${expected}`);
}

/** A required, trimmed, non-empty string of at most `max` characters. */
export function requiredText(max: number) {
  return z
    .string({ error: typeMessage("a string") })
    .trim()
    .min(1, "must not be empty")
    .max(max, `must be at most ${max} characters`);
}

/** An optional, trimmed string of at most `max` characters (may be empty). */
export function optionalText(max: number) {
  return z.string({ error: typeMessage("a string") }).trim().max(max, `must be at most ${max} characters`).optional();
}

/** A boolean with a default. */
export function flag(defaultValue: boolean) {
  return z.boolean({ error: typeMessage("true or false") }).default(defaultValue);
}

/**
 * A positive integer id, given as a number or a numeric string (so both `user.id`, a string, and
 * `user.userId`, a number, can be passed).
 */
export const positiveIntegerId = z.unknown().transform((value, context) => {
  const number = typeof value === "string" && /^\s*\d+\s*$/.test(value) ? Number(value) : value;
  if (typeof number !== "number" || !Number.isSafeInteger(number) || number <= 0) {
    context.addIssue({ code: "custom", message: value === undefined ? "is required" : "must be a positive integer" });
    return z.NEVER;
  }
  return number;
});

/** An email address, trimmed, at most 254 characters. */
export const emailAddress = z
  .string({ error: typeMessage("a string") })
  .trim()
  .max(254, "must be at most 254 characters")
  .pipe(z.email({ error: "not an email address" }));

/** The properties among `keys` whose new value differs from the old one. */
export function changedProperties(olds: object, news: object, keys: readonly string[]): string[] {
  const before = olds as Record<string, unknown>;
  const after = news as Record<string, unknown>;
  return keys.filter((key) => after[key] === unknownValue || !isDeepStrictEqual(before[key], after[key]));
}

/**
 * Turns a value into plain JSON: no `undefined` anywhere (the host fails on it with "Unexpected
 * struct type"), no class instances. Every result handed to the host goes through this.
 */
export function plainJson<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}
