/**
 * Reading Tines' audit-log entries (tines-api.md, "Audit logs"): which objects an entry touched,
 * who made it and from where, and whether this package made it.
 *
 * Tines documents the entry's fields but not what `inputs` and `outputs` hold for user, team and
 * template operations, nor every operation name: so an entry is matched by the objects it touched,
 * found anywhere in its inputs and outputs (ids by the name of the key that holds them, emails by
 * their shape), and an operation name is only ever a hint, never required.
 */
import { tinesEmailShape, userAgentProduct, type TinesAuditLogEntryObject } from "../client";

/**
 * The kinds of Tines object an audit entry can touch that this package manages. The SCIM group
 * mapping is one per tenant and has no id: an entry is about it when its operation's name says SCIM.
 */
export type AuditedObjectKind = "user" | "team" | "template" | "role" | "scimGroupMapping";

/**
 * One Tines object a resource is, as the audit log names it: its ids (as text: Tines writes ids as
 * numbers in one place and strings in another) and, for a user, its emails.
 */
export interface AuditedObject {
  kind: AuditedObjectKind;
  ids: string[];
  /** Lower-cased. */
  emails?: string[];
  /** How a message names the object when it has no email: a team's or role's name. */
  name?: string;
}

/** What one entry touched: ids by kind (`any` for an id whose kind the entry does not say), and emails. */
export interface TouchedObjects {
  ids: Record<AuditedObjectKind | "any", Set<string>>;
  /** Lower-cased. */
  emails: Set<string>;
}

/**
 * The operation names seen in a community client (tines-api.md, Audit logs; **unconfirmed** by
 * Tines' docs), and what each does. The guide lists them; nothing depends on a name being here.
 */
export const knownAuditOperations: Readonly<Record<string, string>> = {
  UsersInvitation: "invited a user to the tenant",
  UserReinvitation: "sent a user's invitation again",
  UserEdit: "changed a user",
  UserDeletion: "deleted a user",
  TeamCreation: "created a team",
  TeamUpdate: "changed a team",
  TeamDestruction: "deleted a team",
  TeamMembersAddition: "added a member to a team",
  TeamMemberRemoval: "removed a member from a team",
  TemplateCreation: "created a template",
  TemplateUpdate: "changed a template",
  TemplateDestruction: "deleted a template",
};

/** The kind a key names (`teamId`, `team_id`, `user`, `members`...), or undefined. */
function kindOfKey(key: string): AuditedObjectKind | undefined {
  const word = key.toLowerCase().replace(/[_\-\s]/g, "").replace(/ids?$/, "");
  if (word === "user" || word === "users" || word === "member" || word === "members" || word === "invitee") return "user";
  if (word === "team" || word === "teams") return "team";
  if (word === "template" || word === "templates") return "template";
  if (word === "role" || word === "roles" || word === "customrole") return "role";
  return undefined;
}

/**
 * What an operation acts on, from its name: a team's member (`TeamMembersAddition`,
 * `TeamMemberRemoval`), a user, a template, a role or a team; undefined for a name that says none
 * of these (an unknown operation, which may be about anything).
 */
export function subjectOfOperation(operationName: string): AuditedObjectKind | "membership" | undefined {
  if (/scim/i.test(operationName)) return "scimGroupMapping";
  if (/member/i.test(operationName)) return "membership";
  if (/user|invit/i.test(operationName)) return "user";
  if (/template/i.test(operationName)) return "template";
  if (/role/i.test(operationName)) return "role";
  if (/team/i.test(operationName)) return "team";
  return undefined;
}

/**
 * The kind a bare `id` of an operation's object is: a member object's `id` is its user's id
 * (tines-api.md, "Teams and membership"). Undefined when the name says nothing known: its bare
 * ids then match any kind.
 */
function kindOfOperation(operationName: string): AuditedObjectKind | undefined {
  const subject = subjectOfOperation(operationName);
  return subject === "membership" ? "user" : subject === "scimGroupMapping" ? undefined : subject;
}

/** Whether an operation's name says it deletes or removes something. */
export function isRemovalOperation(operationName: string): boolean {
  return /destr|delet|remov|revok/i.test(operationName);
}

/**
 * The objects an entry touched. An id is a number, or a string of digits (a custom role's id, a
 * template's), under a key ending in `id`/`ids` (`teamId`, `user_ids`, `id`): the key's own word
 * says its kind, else the key that holds it (`{"user": {"id": 5}}`), else, for a bare top-level
 * `id`, the operation's name. Ids of other things (`storyId`, `actionIds`) are left out.
 */
export function objectsTouchedBy(entry: Pick<TinesAuditLogEntryObject, "operation_name" | "inputs" | "outputs">): TouchedObjects {
  const touched: TouchedObjects = {
    ids: { user: new Set(), team: new Set(), template: new Set(), role: new Set(), scimGroupMapping: new Set(), any: new Set() },
    emails: new Set(),
  };
  const operationKind = kindOfOperation(entry.operation_name);
  const addId = (kind: AuditedObjectKind | "any", value: unknown) => {
    if ((typeof value === "number" && Number.isSafeInteger(value)) || (typeof value === "string" && /^\d+$/.test(value))) {
      touched.ids[kind].add(String(value));
    }
  };
  const visit = (value: unknown, key: string | undefined, context: AuditedObjectKind | undefined, depth: number) => {
    if (depth > 12) return;
    if (typeof value === "string") {
      if (tinesEmailShape.test(value.trim())) touched.emails.add(value.trim().toLowerCase());
    }
    if (Array.isArray(value)) {
      for (const item of value) visit(item, key, context, depth + 1);
      return;
    }
    if (value !== null && typeof value === "object") {
      for (const [childKey, child] of Object.entries(value)) visit(child, childKey, kindOfKey(childKey) ?? context, depth + 1);
      return;
    }
    if (key === undefined || !/ids?$/i.test(key)) return;
    const own = kindOfKey(key);
    if (own) return addId(own, value);
    if (/^ids?$/i.test(key)) addId(context ?? operationKind ?? "any", value);
  };
  visit(entry.inputs, undefined, undefined, 0);
  visit(entry.outputs, undefined, undefined, 0);
  return touched;
}

/**
 * Whether an entry touched `object`: one of its ids as its kind (or as an id of unstated kind), or
 * one of its emails; the tenant's one SCIM group mapping, when the operation's name says SCIM.
 */
export function touches(touched: TouchedObjects, object: AuditedObject, operationName: string): boolean {
  if (object.kind === "scimGroupMapping") return subjectOfOperation(operationName) === "scimGroupMapping";
  if (object.ids.some((id) => touched.ids[object.kind].has(id) || touched.ids.any.has(id))) return true;
  return (object.emails ?? []).some((email) => touched.emails.has(email.toLowerCase()));
}

/**
 * Whether this package made the entry: its requests carry `User-Agent: pulumi-tines/<version>`
 * (client/transport.ts), which Tines records as `request_user_agent`.
 */
export function isPulumiTinesEntry(entry: Pick<TinesAuditLogEntryObject, "request_user_agent">): boolean {
  return (entry.request_user_agent ?? "").trim().toLowerCase().startsWith(`${userAgentProduct}/`);
}

/** The client a User-Agent names, in a word: `browser`, `curl`, `python-requests`... */
export function describeUserAgent(userAgent: string | null | undefined): string {
  const agent = (userAgent ?? "").trim();
  if (agent === "") return "unknown client";
  // Every mainstream browser's User-Agent starts with Mozilla/5.0 and names a rendering engine.
  if (/^Mozilla\//.test(agent) && /AppleWebKit|Gecko|Trident|Chrome|Safari|Firefox/.test(agent)) return "browser";
  const product = /^[^\s/]+/.exec(agent)?.[0] ?? agent;
  return product.length > 40 ? `${product.slice(0, 40)}…` : product;
}

/** Who made an entry, and from where: `carol@acme.com (203.0.113.9, browser)`. */
export function describeActor(entry: Pick<TinesAuditLogEntryObject, "user_email" | "user_name" | "user_id" | "request_ip" | "request_user_agent">): string {
  const who = entry.user_email?.trim() || entry.user_name?.trim() || (entry.user_id != null ? `user ${entry.user_id}` : "an unknown user");
  const where = [entry.request_ip?.trim() || undefined, describeUserAgent(entry.request_user_agent)].filter(Boolean).join(", ");
  return `${who} (${where})`;
}

/** An entry's time as messages write it, to the minute: `2026-12-07 12:03 UTC`; the text as given when it is not a time, "an unknown time" when there is none. */
export function formatAuditTime(time: string | number): string {
  const ms = typeof time === "number" ? time : Date.parse(time);
  if (Number.isNaN(ms)) return String(time).trim() || "an unknown time";
  return `${new Date(ms).toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

/** An entry's time in ms, or undefined when Tines wrote something that is not a time. */
export function entryTime(entry: Pick<TinesAuditLogEntryObject, "created_at">): number | undefined {
  const ms = Date.parse(entry.created_at);
  return Number.isNaN(ms) ? undefined : ms;
}

/**
 * An {@link AuditedObject} from recorded values of any type: ids that are numbers or digit
 * strings, emails and a name that are non-empty strings; anything else (an old state's missing
 * value) is left out.
 */
export function auditedObject(kind: AuditedObjectKind, ids: unknown[], emails: unknown[] = [], name?: unknown): AuditedObject {
  const text = (value: unknown) => (typeof value === "number" && Number.isSafeInteger(value) ? String(value) : typeof value === "string" ? value.trim() : "");
  return {
    kind,
    ids: [...new Set(ids.map(text).filter((id) => /^\d+$/.test(id)))],
    ...(emails.some((email) => text(email) !== "") ? { emails: [...new Set(emails.map(text).filter(Boolean).map((email) => email.toLowerCase()))] } : {}),
    ...(text(name) !== "" ? { name: text(name) } : {}),
  };
}
