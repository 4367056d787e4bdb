/**
 * The rule that no change made by a stack leaves the tenant without an active tenant owner.
 *
 * Tenant owners (`admin: true`) are the only users who can manage users, templates and roles
 * (tines-api.md, "Conventions": the admin endpoints need tenant-owner rights), so a tenant whose
 * last active owner is deleted, deactivated or demoted is locked out of its own administration,
 * and so is every stack managing it. Google Workspace, GitHub and Okta refuse the equivalent
 * ("cannot remove the last owner"); so does this provider, in the preview (with preview checks on)
 * and again at deploy, where the count is read fresh and changes to owners run one at a time
 * ({@link TenantDeployment.oneOwnerChangeAtATime}), so two parallel deletes of two owners cannot
 * each count the other as the one that remains.
 *
 * Which user an API key belongs to is nowhere in the API (tines-api.md documents no "who am I"
 * call), so a key's own user cannot be protected by id: only a Personal key stops working when its
 * user is deactivated or deleted (tines-api.md, "Conventions"); the preview warns when a change
 * removes an owner's access, which is the case where the key may be theirs.
 */
import { TinesError, type TinesUserObject } from "../../client";
import type { TenantDeployment } from "../../deployment";

/** What a change does to one user's tenant-owner access. */
export type OwnerChange = "delete" | "deactivate" | "demote";

/** Whether the user is an active tenant owner, as Tines holds them. */
export function isActiveOwner(user: Pick<TinesUserObject, "admin" | "is_active">): boolean {
  return user.admin && user.is_active;
}

/**
 * What a change from `before` to the declared `admin`/`isActive` does to an owner's access, or
 * undefined when the user is no active owner or stays one.
 */
export function ownerChangeOf(before: Pick<TinesUserObject, "admin" | "is_active">, after: { admin: boolean; isActive: boolean }): OwnerChange | undefined {
  if (!isActiveOwner(before)) return undefined;
  if (!after.isActive) return "deactivate";
  return after.admin ? undefined : "demote";
}

/** The property a change is declared by, for check failures: none for a delete (a destroy or a removed resource). */
export function propertyOf(change: OwnerChange): "admin" | "isActive" | undefined {
  return change === "demote" ? "admin" : change === "deactivate" ? "isActive" : undefined;
}

/** Which step makes a change: a destroy (or a resource removed from the program), or a create or update. */
export type OwnerChangeStep = "destroy" | "write";

/**
 * Why `change` of `user` is refused: it is the tenant's last active owner among `owners` (the
 * tenant's users, or at least its owners, as Tines holds them now). Undefined when another active
 * owner remains. A destroy's refusal also says how to leave the user be: `retainOnDelete` (the
 * engine then calls no delete, pkg/resource/deploy/step.go `DeleteStep.Apply`) or `pulumi state delete`.
 */
export function lastOwnerRefusal(
  user: Pick<TinesUserObject, "id" | "email" | "admin" | "is_active">,
  change: OwnerChange,
  owners: readonly TinesUserObject[],
  tenant: string,
  step: OwnerChangeStep = "write",
): string | undefined {
  if (!isActiveOwner(user)) return undefined;
  if (owners.some((other) => other.id !== user.id && isActiveOwner(other))) return undefined;
  const doing = change === "delete" ? "deleting" : change === "deactivate" ? "deactivating" : "taking admin away from";
  return (
    `${user.email} (user id ${user.id}) is the only active tenant owner of ${tenant}: ${doing} them would leave the tenant ` +
    "without an owner, and nobody (this stack included) could manage its users, templates or roles again. " +
    "To do it on purpose, make another user a tenant owner first (admin: true on another TinesUser, applied by an earlier `pulumi up`), then run this again" +
    (step === "destroy"
      ? "; to keep the user and stop managing it, set the resource option `retainOnDelete: true` and run `pulumi up` before destroying, " +
        "or remove it from the stack's state (`pulumi state delete <urn>`)"
      : "")
  );
}

/**
 * The warning for a change that removes an active owner's access when other owners remain: if the
 * stack's API key is that user's Personal key, the stack loses its access (tines-api.md: a
 * Personal key answers 401 once its user is deactivated or deleted; demotion removes the rights
 * the admin endpoints need).
 */
export function ownerAccessWarning(user: Pick<TinesUserObject, "id" | "email">, change: OwnerChange): string {
  const doing = change === "delete" ? "deletes" : change === "deactivate" ? "deactivates" : "takes admin away from";
  return (
    `this ${doing} tenant owner ${user.email} (user id ${user.id}): if tines:apiKey is their Personal API key, ` +
    "the stack loses its access to the tenant afterwards; use a Tenant-owner or Service key, which keeps working (see the troubleshooting guide)"
  );
}

/**
 * At deploy: refuses `change` of user `userId` when it would leave the tenant without an active
 * owner, reading the tenant's owners fresh. Runs `write` only when allowed, one owner change at a
 * time in the deployment. A destroy's refusal names no input (a destroy declares none).
 *
 * Whether the user is an owner is what Tines holds now, never what the stack recorded: a user
 * made a tenant owner outside the stack (and perhaps its last one) is recorded as `admin: false`
 * until a refresh, and a delete or a full update trusting that record would remove the last
 * owner unchecked. A user who is no active owner now cannot be the one whose change removes the
 * last owner, so their write runs at once, outside the one-at-a-time queue.
 */
export async function guardOwnerChange<T>(
  deployment: TenantDeployment,
  userId: number,
  change: (user: TinesUserObject) => OwnerChange | undefined,
  write: () => Promise<T>,
  step: OwnerChangeStep = "write",
): Promise<T> {
  // Only owners matter; the filter is documented (tines-api.md, "Users": `filter=TENANT_OWNER`).
  const activeOwner = async () => {
    const owners = await deployment.client.users.listAll({ filter: "TENANT_OWNER" });
    const user = owners.find((each) => each.id === userId && isActiveOwner(each));
    return { owners, user, what: user === undefined ? undefined : change(user) };
  };
  if ((await activeOwner()).what === undefined) return write();
  return deployment.oneOwnerChangeAtATime(async () => {
    // Read again in the queue: an owner change that ran before this one may have removed another owner.
    const { owners, user, what } = await activeOwner();
    if (user !== undefined && what !== undefined) {
      const refusal = lastOwnerRefusal(user, what, owners, deployment.tenantUrl, step);
      const property = step === "destroy" ? undefined : propertyOf(what);
      if (refusal) throw new TinesError(property === undefined ? refusal : `${property}: ${refusal}`);
    }
    return write();
  });
}
