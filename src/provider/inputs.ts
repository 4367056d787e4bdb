/**
 * What `check` and `diff` share across resources: the preview placeholder for unknown values,
 * zod validation that reports every failure with its property, reusable input schemas, and
 * comparison of old outputs with new inputs. None of it makes a request.
 */
import { isDeepStrictEqual } from "node:util";
import { z } from "zod";
import type * as pulumi from "@pulumi/pulumi";
import { TinesError, formatIssuePath, tinesDefaultRoles, tinesEmailShape, type TinesDefaultRole } from "../client";
import { sameText, type TextComparison } from "./names";

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

/**
 * A required name (a team's, a custom role's, a template's, a permission), taken exactly as given:
 * never trimmed and with no length limit, since tines-api.md documents neither, and a check
 * stricter than Tines refuses names it holds (`"Ops "`, a 300-character description), so they could
 * not be adopted or exported and adopted again. It must not be empty, nor only whitespace: such a
 * name shows as no name at all, could not be told apart or looked up, and a tenant that trims (or
 * checks presence the usual way, whitespace counting as blank) would refuse it or store it empty.
 */
export const requiredText = z.string({ error: typeMessage("a string") }).refine((text) => text.trim() !== "", "must not be empty");

/** Optional text (a first name, a description), taken exactly as given (see {@link requiredText}): may be empty. */
export const optionalText = z.string({ error: typeMessage("a string") }).optional();

/** A boolean with a default. */
export function flag(defaultValue: boolean) {
  return z.boolean({ error: typeMessage("true or false") }).default(defaultValue);
}

/**
 * A positive integer id, given as a number or a numeric string (so both `user.id`, a string, and
 * `user.userId`, a number, can be passed). It takes any value at run time, so a wrong one is named
 * rather than rejected by its type; typed as what a program may pass.
 */
export const positiveIntegerId = z.unknown().transform((value, context) => {
  const number = typeof value === "string" && /^\s*\d+\s*$/.test(value) ? Number(value) : value;
  if (typeof number !== "number" || !Number.isSafeInteger(number) || number <= 0) {
    context.addIssue({ code: "custom", message: value === undefined ? "is required" : "must be a positive integer" });
    return z.NEVER;
  }
  return number;
}) as z.ZodType<number, number | string>;

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
 * A role's name: one of Tines' own (tines-api.md, "Roles": VIEWER, EDITOR, TEAM_ADMIN,
 * CASE_MANAGER) or a custom role's name, which may be anything else. A name that differs from one
 * of Tines' own only in letter case is a typo Tines would refuse at deploy time, so it fails here
 * ("did you mean EDITOR?"). Taken as given otherwise, as every name is (see {@link requiredText}).
 */
export const roleName = requiredText.superRefine((role, context) => {
  // Only letter case: surrounding whitespace is no typo (names.ts: Tines may trim it).
  const meant = tinesDefaultRoles.find((each) => each !== role.trim() && each === role.trim().toUpperCase());
  if (meant !== undefined) context.addIssue({ code: "custom", message: `"${role}" is not a role; did you mean ${meant}?` });
});

/** A team role ({@link roleName}) with a default. */
export function teamRole(defaultRole: TinesDefaultRole) {
  return roleName.default(defaultRole);
}

/**
 * An email address as loose as Tines ({@link tinesEmailShape}), trimmed (an address holds no
 * whitespace, so this changes no address Tines holds), at most 254 characters: a protocol fact, not
 * a rule of ours (RFC 5321, section 4.5.3.1.3: a path is at most 256 octets, its angle brackets
 * included), so Tines could not send a longer address its invitation.
 */
export const emailAddress = z
  .string({ error: typeMessage("a string") })
  .trim()
  .max(254, "must be at most 254 characters (RFC 5321's limit for an address)")
  .refine((email) => tinesEmailShape.test(email), "not an email address");

/**
 * How to compare one resource's declared inputs with what Tines holds. `caseInsensitive` names the
 * top-level properties whose text Tines may store in another letter case (emails: tines-api.md says
 * whether Tines lower-cases them is not documented, so a case-only difference must never count);
 * `exactText` those whose text counts to the last space (JSON Tines stores as given: names.ts).
 */
export interface Comparison {
  /** Properties compared without regard to letter case. */
  caseInsensitive?: readonly string[];
  /** Properties whose text is compared exactly, surrounding whitespace included. */
  exactText?: readonly string[];
}

/** The comparison of text for one property, as `comparison` says. */
function textComparisonOf(key: string, comparison: Comparison): TextComparison {
  return { ignoreCase: comparison.caseInsensitive?.includes(key) ?? false, exact: comparison.exactText?.includes(key) ?? false };
}

/** Whether a value means "not set": Tines may echo an unset field as null, "" (or, trimming, "" for "  "), [] or {}. */
function isUnset(value: unknown, text: TextComparison): boolean {
  if (value === undefined || value === null) return true;
  if (typeof value === "string") return (text.exact ? value : value.trim()) === "";
  if (Array.isArray(value)) return value.length === 0;
  if (typeof value === "object") return Object.keys(value as object).length === 0;
  return false;
}

const numericText = /^\s*-?\d+(\.\d+)?\s*$/;

/**
 * Whether two values mean the same to Tines, the one comparison every resource's diff and write
 * check uses. Tines normalises what it stores: it may echo an unset field as null (or an empty
 * value), return a nested JSON object with its keys in another order, give a number back as a
 * numeric string, trim the text it stores (whether it does is not documented: names.ts), or
 * change letter case (with `ignoreCase`). None of these is a change. With `exact`, text counts to
 * the last space.
 */
export function sameMeaning(left: unknown, right: unknown, text: TextComparison = {}): boolean {
  if (left === right) return true;
  if (isUnset(left, text) && isUnset(right, text)) return true;
  if (typeof left === "number" && typeof right === "string") return numericText.test(right) && Number(right) === left;
  if (typeof left === "string" && typeof right === "number") return numericText.test(left) && Number(left) === right;
  if (typeof left === "string" && typeof right === "string") return sameText(left, right, text);
  if (Array.isArray(left) || Array.isArray(right)) {
    if (!Array.isArray(left) || !Array.isArray(right) || left.length !== right.length) return false;
    return left.every((item, index) => sameMeaning(item, right[index], text));
  }
  if (left && right && typeof left === "object" && typeof right === "object") {
    // Key order carries no meaning in JSON; a key missing on one side is the same as null.
    const a = left as Record<string, unknown>;
    const b = right as Record<string, unknown>;
    return [...new Set([...Object.keys(a), ...Object.keys(b)])].every((key) => sameMeaning(a[key], b[key], text));
  }
  return isDeepStrictEqual(left, right);
}

/**
 * The properties among `keys` whose new (declared) value differs in meaning from the old
 * (recorded) one; a value not known yet (preview) always counts as a change.
 */
export function changedProperties(olds: object, news: object, keys: readonly string[], comparison: Comparison = {}): string[] {
  const before = olds as Record<string, unknown>;
  const after = news as Record<string, unknown>;
  return keys.filter((key) => after[key] === unknownValue || !sameMeaning(before[key], after[key], textComparisonOf(key, comparison)));
}

/**
 * After a create or update that Tines answered: the error to throw when Tines does not hold what
 * was sent (it answered but ignored or refused part of the write, e.g. a 200 with an HTML page, or
 * a tenant permission the tenant does not support), naming each property and what Tines holds;
 * undefined when every property in `keys` was taken (compared by meaning, see {@link sameMeaning}).
 */
export function unappliedWrite(
  operation: "create" | "update",
  sent: object,
  held: object,
  keys: readonly string[],
  comparison: Comparison = {},
): TinesError | undefined {
  const recorded = held as Record<string, unknown>;
  const missing = changedProperties(held, sent, keys, comparison);
  if (missing.length === 0) return undefined;
  const details = missing.map((key) => `${key}: Tines answered the ${operation} but still holds ${JSON.stringify(recorded[key] ?? null)}`);
  return new TinesError(
    `${details.join("; ")}. Tines did not apply ${missing.length === 1 ? "this property" : "these properties"} ` +
      "(the tenant may not support the value, or answered without saving it); the stack records what Tines holds, so the next `pulumi up` tries again.",
  );
}

/**
 * Turns a value into plain JSON: no `undefined` anywhere (the host fails on it with "Unexpected
 * struct type"), no class instances. Every result handed to the host goes through this.
 */
export function plainJson<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}
