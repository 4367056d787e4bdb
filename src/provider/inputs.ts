/**
 * What `check` and `diff` share across resources: the preview placeholder for unknown values,
 * zod validation that reports every failure with its property, reusable input schemas, and
 * comparison of old outputs with new inputs. None of it makes a request.
 */
import { isDeepStrictEqual } from "node:util";
import { z } from "zod";
import type * as pulumi from "@pulumi/pulumi";
import { formatIssuePath, tinesDefaultRoles, type TinesDefaultRole } from "../client";

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

/** A failure found across properties (run whether or not each property passed on its own). */
export interface CrossFieldFailure {
  property: string;
  reason: string;
}

/**
 * Validates `news` (minus `__provider`) with `schema`, skipping properties whose value is unknown,
 * then runs `crossField` on the parsed values. Returns the normalised inputs (defaults applied,
 * unknown values passed through) and every failure at once: when some properties fail on their
 * own, `crossField` still runs on the others (a property that failed is passed among
 * `unknownKeys`, so no rule is judged on a value already reported as wrong).
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
    const failures: CheckFailure[] = result.error.issues.flatMap((issue) =>
      issue.code === "unrecognized_keys"
        ? issue.keys.map((key) => ({
            property: formatIssuePath([...issue.path, key]),
            reason: "is not an input of this resource (check the spelling)",
          }))
        : [{ property: formatIssuePath(issue.path) || "(inputs)", reason: issue.message }],
    );
    // The rules across properties still run, on each property that passed alone.
    const failed = new Set(result.error.issues.map((issue) => String(issue.path[0] ?? "")));
    const values: Record<string, unknown> = {};
    for (const [key, property] of Object.entries(schema.shape) as Array<[string, z.ZodType]>) {
      if (unknownKeys.has(key) || failed.has(key)) continue;
      const parsed = property.safeParse(known[key]);
      if (parsed.success) values[key] = parsed.data;
      else failed.add(key);
    }
    failures.push(...crossField(values as Parsed, new Set([...unknownKeys, ...failed])));
    return { inputs: given, failures };
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

/**
 * A refinement for a list: each entry that repeats an earlier one is reported at its own index
 * (`duplicates <list>[first]`). `key` picks what must be unique (the entry itself by default),
 * `field` the property of the entry that holds it.
 */
export function reportDuplicates<Item>(list: string, key: (item: Item) => unknown = (item) => item, field?: string) {
  return (items: Item[], context: z.RefinementCtx) => {
    const firstIndex = new Map<unknown, number>();
    items.forEach((item, index) => {
      const value = key(item);
      const first = firstIndex.get(value);
      if (first === undefined) {
        firstIndex.set(value, index);
        return;
      }
      context.addIssue({
        code: "custom",
        path: field === undefined ? [index] : [index, field],
        message: `duplicates ${list}[${first}]${field === undefined ? "" : `.${field}`}`,
      });
    });
  };
}

/**
 * A team role: one of Tines' own (tines-api.md, "Roles": VIEWER, EDITOR, TEAM_ADMIN,
 * CASE_MANAGER) or a custom role's name, which may be anything else. A name that differs from one
 * of Tines' own only in letter case is a typo Tines would refuse at deploy time, so it fails here.
 */
export function teamRole(defaultRole: TinesDefaultRole) {
  return requiredText(100)
    .default(defaultRole)
    .superRefine((role, context) => {
      const meant = tinesDefaultRoles.find((each) => each !== role && each === role.toUpperCase());
      if (meant !== undefined) context.addIssue({ code: "custom", message: `"${role}" is not a role; did you mean ${meant}?` });
    });
}

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
