/**
 * The simulated tenant's users (tines-api.md, "Users"): the directory, tenant invitations, sign-ins
 * and deletion, which deactivates a user at once and removes them later. The functions work on the
 * tenant's store and save; {@link TenantState} calls them.
 */
import { SimulatorHttpError, type TenantStore } from "./tenantStore";

/** A stored user. */
export interface SimulatedUser {
  id: number;
  scim_uid: string | null;
  email: string;
  first_name: string;
  last_name: string;
  admin: boolean;
  tenant_permissions: string[];
  is_active: boolean;
  created_at: string;
  updated_at: string;
  last_seen: string | null;
  invitation_accepted: boolean;
  /** Set by a delete: the user is deactivated at once and removed at this time (ms since epoch). */
  pending_deletion_at: number | null;
}

/** An email the tenant would have sent. */
export interface SimulatedInvitation {
  to: string;
  kind: "tenant" | "team";
  team_id?: number;
  at: string;
}

/** A sign-in activity. */
export interface SimulatedSignIn {
  id: number;
  user_id: number;
  ip: string;
  user_agent: string;
  created_at: string;
}

/** Removes users whose deletion delay has passed, and their memberships. */
export function purgeDeletedUsers(store: TenantStore): void {
  const now = store.now();
  const gone = store.data.users.filter((user) => user.pending_deletion_at !== null && user.pending_deletion_at <= now);
  if (gone.length === 0) return;
  const goneIds = new Set(gone.map((user) => user.id));
  store.data.users = store.data.users.filter((user) => !goneIds.has(user.id));
  for (const members of Object.values(store.data.memberships)) {
    for (const id of goneIds) delete members[String(id)];
  }
  store.save();
}

/** Every user, in id order. */
export function listUsers(store: TenantStore, filter?: string): SimulatedUser[] {
  purgeDeletedUsers(store);
  return store.data.users.filter((user) => (filter !== "TENANT_OWNER" || user.admin) && store.listed(`user:${user.id}`));
}

/** One user or a 404. */
export function getUser(store: TenantStore, id: number): SimulatedUser {
  purgeDeletedUsers(store);
  const user = store.data.users.find((candidate) => candidate.id === id);
  if (!user) throw new SimulatorHttpError(404, { errors: [{ message: "User not found" }] });
  return user;
}

/** The user with this email (case-insensitive), if any. */
export function findUserByEmail(store: TenantStore, email: string): SimulatedUser | undefined {
  purgeDeletedUsers(store);
  const wanted = email.toLowerCase();
  return store.data.users.find((user) => user.email.toLowerCase() === wanted);
}

/** What {@link createUser} takes: an email, and the other fields a user may be created with. */
export interface NewSimulatedUser {
  email: string;
  first_name?: string;
  last_name?: string;
  admin?: boolean;
  tenant_permissions?: string[];
  is_active?: boolean;
}

/** The email of the tenant owner the simulator makes when a tenant has none (see seed.ts). */
export const seededOwnerEmail = "owner@example.com";

/**
 * Creates a user and records the invitation email Tines sends (`sendInvitation: false` for a user
 * who arrives otherwise, e.g. through SCIM).
 */
export function createUser(store: TenantStore, fields: NewSimulatedUser, options: { sendInvitation?: boolean } = {}): SimulatedUser {
  if (findUserByEmail(store, fields.email)) {
    throw new SimulatorHttpError(422, { errors: [{ message: "Email has already been taken", details: fields.email }] });
  }
  const at = store.timestamp();
  const user: SimulatedUser = {
    id: store.data.nextUserId++,
    scim_uid: null,
    email: storedEmail(store, fields.email),
    first_name: fields.first_name ?? "",
    last_name: fields.last_name ?? "",
    admin: fields.admin ?? false,
    tenant_permissions: supportedPermissions(store, fields.tenant_permissions ?? []),
    is_active: fields.is_active ?? true,
    created_at: at,
    updated_at: at,
    last_seen: null,
    invitation_accepted: false,
    pending_deletion_at: null,
  };
  store.data.users.push(user);
  store.created(`user:${user.id}`);
  if (options.sendInvitation ?? true) store.data.outbox.push({ to: user.email, kind: "tenant", at });
  store.save();
  return user;
}

/** Changes the fields given. */
export function updateUser(store: TenantStore, id: number, fields: Partial<Omit<SimulatedUser, "id">>): SimulatedUser {
  const user = getUser(store, id);
  if (fields.email !== undefined && fields.email.toLowerCase() !== user.email.toLowerCase() && findUserByEmail(store, fields.email)) {
    throw new SimulatorHttpError(422, { errors: [{ message: "Email has already been taken", details: fields.email }] });
  }
  const stored = { ...fields };
  if (stored.email !== undefined) stored.email = storedEmail(store, stored.email);
  if (stored.tenant_permissions !== undefined) stored.tenant_permissions = supportedPermissions(store, stored.tenant_permissions);
  Object.assign(user, stored, { updated_at: store.timestamp() });
  store.save();
  return user;
}

function storedEmail(store: TenantStore, email: string): string {
  return store.settings.normalisation.lowerCaseEmails ? email.toLowerCase() : email;
}

/** The permissions this tenant keeps: an unsupported one is dropped silently (with `supportedTenantPermissions`). */
function supportedPermissions(store: TenantStore, permissions: string[]): string[] {
  const supported = store.settings.normalisation.supportedTenantPermissions;
  return supported ? permissions.filter((permission) => supported.includes(permission)) : permissions;
}

/** Deactivates the user at once and queues the deletion, as Tines does. */
export function deleteUser(store: TenantStore, id: number): void {
  const user = getUser(store, id);
  if (user.pending_deletion_at === null) user.updated_at = store.timestamp();
  user.is_active = false;
  user.pending_deletion_at ??= store.now() + store.settings.userDeletionDelayMs;
  store.save();
  purgeDeletedUsers(store);
}

/** Marks a user as having accepted their invitation and signed in (for tests and the demo). */
export function acceptInvitation(store: TenantStore, userId: number): void {
  const user = getUser(store, userId);
  user.invitation_accepted = true;
  user.last_seen = store.timestamp();
  for (const members of Object.values(store.data.memberships)) {
    const membership = members[String(userId)];
    if (membership) membership.invitation_accepted = true;
  }
  store.save();
}

/** Records a sign-in (for tests). */
export function recordSignIn(store: TenantStore, userId: number, ip: string, userAgent: string): SimulatedSignIn {
  getUser(store, userId);
  const signIn = { id: store.data.nextSignInId++, user_id: userId, ip, user_agent: userAgent, created_at: store.timestamp() };
  store.data.signIns.push(signIn);
  store.save();
  return signIn;
}

/** A user's sign-ins, newest first, within optional bounds. */
export function signInsOf(store: TenantStore, userId: number, before?: string, after?: string): SimulatedSignIn[] {
  getUser(store, userId);
  return store.data.signIns
    .filter((signIn) => signIn.user_id === userId)
    .filter((signIn) => (before ? signIn.created_at < before : true) && (after ? signIn.created_at > after : true))
    .reverse();
}

/** Resends the tenant invitation; answers Tines' message when it was accepted already. */
export function resendUserInvitation(store: TenantStore, userId: number): string | undefined {
  const user = getUser(store, userId);
  if (user.invitation_accepted) return "User already accepted invitation.";
  store.data.outbox.push({ to: user.email, kind: "tenant", at: store.timestamp() });
  store.save();
  return undefined;
}
