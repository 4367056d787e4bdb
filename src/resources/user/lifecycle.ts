/**
 * What `TinesUser` does in Tines (`/api/v1/admin/users`, tenant-owner key): its tenant checks,
 * create (or adoption), read, update and delete. Everything else is its definition.
 */
import { didYouMean } from "../../provider/suggestions";
import { TinesApiError, TinesError, tinesKnownTenantPermissions, type CreateTinesUserRequest, type TinesClient, type TinesUserObject } from "../../client";
import type { TinesOutputsOf } from "../../provider/definition";
import { changedProperties, containsUnknown } from "../../provider/inputs";
import { changedInputs, implementResource, type ResourceLifecycle } from "../../provider/lifecycle";
import { deploymentFor, mayBePendingDeletion, waitForPendingDeletion, type TenantCheckFindings, type TenantDeployment } from "../../deployment";
import { createReconciled } from "../../provider/reconcile";
import { PartialCreateError, unlessGone, type ProviderContext } from "../../provider/runtime";
import { TinesScimManagedError, explainScimRefusal, scimManagedWarning } from "../../scim";
import { tinesUserDefinition, type TinesUserInputs, type TinesUserOutputs } from "./definition";
import { guardOwnerChange, isActiveOwner, lastOwnerRefusal, ownerAccessWarning, ownerChangeOf, propertyOf } from "./ownerGuard";

/** What this resource's own code records; the engine adds `deletionMode`, `adoptExisting` and `tenant`. */
type UserOutputs = TinesOutputsOf<typeof tinesUserDefinition>;

/** Inputs that change the user in Tines. */
const updatableProperties = ["email", "firstName", "lastName", "admin", "tenantPermissions", "isActive"] as const;

// Tenant check -------------------------------------------------------------------------------------

/** Why a new user cannot be created: the same words in a preview check and in a failed create. */
function emailTakenReason(email: string, tenant: string, userId: number): string {
  return `a Tines user with the email ${email} already exists in ${tenant} (user id ${userId}); set adoptExisting: true to manage that user`;
}

/**
 * With preview checks on: a new user's email must be free (unless adopting); no change may leave
 * the tenant without an active owner (ownerGuard.ts); unknown permissions are flagged; a write a
 * SCIM-managed tenant would refuse is said first (see scim/tenant.ts).
 */
async function checkAgainstTenant(inputs: TinesUserInputs, isNew: boolean, facts: TenantDeployment, olds: Record<string, unknown>): Promise<TenantCheckFindings> {
  const findings: TenantCheckFindings = { failures: [], warnings: [] };
  const write = containsUnknown(inputs.email) ? undefined : writeDescription(inputs, isNew, olds, isNew ? await facts.userByEmail(inputs.email) : undefined);
  const scimWarning = write === undefined ? undefined : await scimManagedWarning(facts, write);
  if (scimWarning !== undefined) findings.warnings.push(scimWarning);
  await checkOwnerAccess(inputs, isNew, facts, olds, findings);
  if (isNew && !containsUnknown(inputs.email)) {
    const existing = await facts.userByEmail(inputs.email);
    if (existing && mayBePendingDeletion(facts, existing)) {
      // Maybe a user Tines is deleting (deactivated moments ago): the create waits for it to go.
      findings.warnings.push(
        `user ${inputs.email} exists in ${facts.tenantUrl} (user id ${existing.id}) but is deactivated and was changed recently: if Tines is deleting it, the create waits for the deletion to finish`,
      );
    } else if (existing && inputs.adoptExisting === true) {
      const changes = containsUnknown(inputs) ? undefined : declaredChanges(existing, inputs);
      findings.warnings.push(
        `user ${inputs.email} already exists in ${facts.tenantUrl} (user id ${existing.id}): it will be adopted` +
          (changes === undefined ? " and brought to the declared inputs" : changes.length === 0 ? ", no change" : ` and its ${changes.join(", ")} changed to the declared value`),
      );
    } else if (existing && inputs.adoptExisting === false) {
      findings.failures.push({
        property: "email",
        reason: emailTakenReason(inputs.email, facts.tenantUrl, existing.id),
      });
    } else if (!existing) {
      findings.warnings.push(`creating user ${inputs.email} makes Tines email them an invitation`);
    }
  }
  if (!containsUnknown(inputs.tenantPermissions)) {
    const known: readonly string[] = tinesKnownTenantPermissions;
    for (const permission of inputs.tenantPermissions.filter((each) => !known.includes(each))) {
      findings.warnings.push(
        `tenantPermissions of ${inputs.email}: ${permission} is not one of the permissions Tines documents (${known.join(", ")}); Tines may refuse it${didYouMean(permission, known)}`,
      );
    }
  }
  return findings;
}

/**
 * The owner rule in preview: the user this resource manages (an existing one, or the one it will
 * adopt) must not be the tenant's last active owner if the inputs deactivate or demote them; a
 * change that removes another owner's access is a warning (the key may be theirs), and adopting
 * the only owner says what a destroy will meet.
 */
async function checkOwnerAccess(inputs: TinesUserInputs, isNew: boolean, facts: TenantDeployment, olds: Record<string, unknown>, findings: TenantCheckFindings) {
  if (containsUnknown(inputs.admin) || containsUnknown(inputs.isActive)) return;
  const email = isNew ? (inputs.adoptExisting === true ? inputs.email : undefined) : typeof olds.email === "string" ? olds.email : inputs.email;
  if (email === undefined || containsUnknown(email)) return;
  const user = await facts.userByEmail(email);
  if (!user || !isActiveOwner(user)) return;
  const owners = await facts.allUsers();
  const change = ownerChangeOf(user, inputs);
  if (change !== undefined) {
    const refusal = lastOwnerRefusal(user, change, owners, facts.tenantUrl);
    if (refusal) findings.failures.push({ property: propertyOf(change)!, reason: refusal });
    else findings.warnings.push(ownerAccessWarning(user, change));
  } else if (lastOwnerRefusal(user, "delete", owners, facts.tenantUrl)) {
    findings.warnings.push(
      `${user.email} (user id ${user.id}) is the only active tenant owner of ${facts.tenantUrl}: destroying this resource (or removing it from the program) ` +
        `will be refused, without ${inputs.deletionMode === "delete" ? "deleting" : "deactivating"} them, until another user is a tenant owner ` +
        "(or the resource has the option `retainOnDelete: true`, with which a destroy leaves the user as it is)",
    );
  }
}

/**
 * What an `up` of these inputs writes to the user, as messages say it (`create user ...`), or
 * undefined when it writes nothing: an adoption of a user who already matches, or an update that
 * changes only what the provider does.
 */
function writeDescription(inputs: TinesUserInputs, isNew: boolean, olds: Record<string, unknown>, existing: TinesUserObject | undefined): string | undefined {
  if (isNew && existing === undefined) return `creating user ${inputs.email}`;
  if (isNew) return inputs.adoptExisting && differsFromDeclared(existing!, inputs) ? `updating user ${inputs.email} (adopted)` : undefined;
  return changedInputs(tinesUserDefinition, olds, inputs, updatableProperties).length > 0 ? `updating user ${inputs.email}` : undefined;
}

// Create -------------------------------------------------------------------------------------------

/** How long before our create a user found afterwards may have been created and still be ours. */
const clockSkewAllowanceMs = 5 * 60_000;

async function create(inputs: TinesUserInputs, context: ProviderContext) {
  const client = context.client();
  const tenant = context.tenantUrl();
  const body = requestBody(inputs);

  if (inputs.adoptExisting) {
    // A user Tines is deleting is never adopted: wait for it to go, then create a new one. The lookup
    // shares one read of the directory per deployment, not a page walk per adopted user.
    const existing = await userByEmailUnlessBeingDeleted(client, inputs.email, context.userDeletionWaitMs());
    if (existing) {
      // A user who already matches is adopted without a write: taking over a tenant changes nothing in it.
      if (!differsFromDeclared(existing, inputs)) return created(existing, client);
      try {
        // Adopting the last owner must not demote or deactivate them either.
        const adopted = await guardOwnerChange(deploymentFor(client), existing.id, (user) => ownerChangeOf(user, inputs), () => client.users.update(existing.id, body));
        return created(adopted, client);
      } catch (error) {
        // Refused by a SCIM-managed tenant: nothing changed, so nothing is recorded.
        const explained = await explainScimRefusal(deploymentFor(client), error, `update user ${inputs.email} (adopted)`);
        if (explained instanceof TinesScimManagedError) throw explained;
        throw new PartialCreateError(String(existing.id), outputsOf(existing), error as Error);
      }
    }
  }

  const startedAt = Date.now();
  let user: TinesUserObject | undefined;
  // Twice at most: a create refused because a user Tines was deleting still held the email is
  // made again once the deletion is over.
  for (let attempt = 1; user === undefined; attempt += 1) {
    try {
      user = await createReconciled(
        () => client.users.create(body),
        async () => {
          // A user with this email created around our attempt is the one our lost request made;
          // never one being deleted (deleted by us, or inactive while ours would be active).
          const found = await client.users.findByEmail(inputs.email);
          if (!found || deploymentFor(client).deletedByThisProcess(found) || (inputs.isActive && !found.is_active)) return undefined;
          const createdAt = found.created_at ? Date.parse(found.created_at) : Number.NaN;
          return createdAt < startedAt - clockSkewAllowanceMs ? undefined : found;
        },
      );
    } catch (error) {
      if (!(error instanceof TinesApiError && error.isConflictOrValidation)) throw await explainScimRefusal(deploymentFor(client), error, `create user ${inputs.email}`);
      let existing = await client.users.findByEmail(inputs.email);
      if (existing && attempt === 1 && mayBePendingDeletion(deploymentFor(client), existing)) {
        const outcome = await waitForPendingDeletion(deploymentFor(client), existing, context.userDeletionWaitMs());
        if (outcome.type === "gone") continue;
        existing = outcome.user;
      }
      if (existing) {
        const inactive = existing.is_active
          ? ""
          : " (it is deactivated; if it was deleted moments ago, Tines is still deleting it, so run `pulumi up` again shortly)";
        throw new TinesError(`email: ${emailTakenReason(inputs.email, tenant, existing.id)}${inactive}`);
      }
      throw error;
    }
  }
  // A reconciled create may have found the user made by a request whose answer was lost; make
  // sure it carries every declared field.
  if (differsFromDeclared(user, inputs)) {
    try {
      user = await client.users.update(user.id, body);
    } catch (error) {
      throw new PartialCreateError(String(user.id), outputsOf(user), error as Error);
    }
  }
  // The engine then checks that Tines holds every declared value (a tenant permission the tenant
  // does not support fails the create, with the user recorded as Tines holds it).
  return created(user, client);
}

/** A create's result; the user is one the deployment knows (a membership may name them by id or by email). */
function created(user: TinesUserObject, client: TinesClient) {
  deploymentFor(client).known(user);
  return { id: String(user.id), outputs: outputsOf(user) };
}

/** The request body of a create or full update: `admin` and `is_active` always explicit. */
function requestBody(inputs: TinesUserInputs): CreateTinesUserRequest & { admin: boolean; is_active: boolean } {
  return {
    email: inputs.email,
    ...(inputs.firstName === undefined ? {} : { first_name: inputs.firstName }),
    ...(inputs.lastName === undefined ? {} : { last_name: inputs.lastName }),
    admin: inputs.admin,
    tenant_permissions: inputs.tenantPermissions,
    is_active: inputs.isActive,
  };
}

/** The inputs whose declared value differs, by meaning, from what Tines holds (an omitted name is not declared). */
function declaredChanges(user: TinesUserObject, inputs: TinesUserInputs): string[] {
  // An omitted name is left as Tines has it, so only a declared one can differ.
  const compared = updatableProperties.filter((key) => !((key === "firstName" || key === "lastName") && inputs[key] === undefined));
  return changedProperties(outputsOf(user), inputs, compared, { caseInsensitive: ["email"] });
}

/** Whether what Tines holds differs, by meaning, from what is declared. */
function differsFromDeclared(user: TinesUserObject, inputs: TinesUserInputs): boolean {
  return declaredChanges(user, inputs).length > 0;
}

/** The user as the stack records it. */
function outputsOf(user: TinesUserObject): UserOutputs {
  return {
    email: user.email,
    firstName: user.first_name ?? "",
    lastName: user.last_name ?? "",
    admin: user.admin,
    tenantPermissions: [...(user.tenant_permissions ?? [])].sort(),
    isActive: user.is_active,
    userId: user.id,
    scimUid: user.scim_uid ?? null,
    createdAt: user.created_at ?? null,
    updatedAt: user.updated_at ?? null,
    lastSeen: user.last_seen ?? null,
  };
}

// Read ---------------------------------------------------------------------------------------------

async function read(id: string, recorded: Record<string, unknown>, context: ProviderContext) {
  // Shared with the other reads in flight when a list is cheaper (deployment/sharedReads.ts).
  const user = deploymentFor(context.client()).known(await deploymentFor(context.client()).reads.user(Number(id), context.freshness(id, recorded)));
  return user === undefined ? undefined : { id: String(user.id), outputs: outputsOf(user) };
}

// Update -------------------------------------------------------------------------------------------

async function update(id: string, _recorded: TinesUserOutputs, inputs: TinesUserInputs, context: ProviderContext) {
  const client = context.client();
  const write = () => client.users.update(Number(id), requestBody(inputs));
  // A write that declares `admin: false` or `isActive: false` is first checked against the owners
  // Tines holds now, whatever the stack recorded: the user may have become an owner outside it.
  const mayRemoveOwnerAccess = !inputs.admin || !inputs.isActive;
  try {
    // Tines answered: the answer is the user as it now holds it (the engine verifies it).
    return outputsOf(mayRemoveOwnerAccess ? await guardOwnerChange(deploymentFor(client), Number(id), (user) => ownerChangeOf(user, inputs), write) : await write());
  } catch (error) {
    throw await explainScimRefusal(deploymentFor(client), error, `update user ${inputs.email}`);
  }
}

/**
 * The user with this email, unless Tines is deleting it: then, after waiting (bounded) for the
 * deletion to finish, undefined (see deployment/pendingDeletions.ts for how it is recognised).
 */
async function userByEmailUnlessBeingDeleted(client: TinesClient, email: string, waitMs: number): Promise<TinesUserObject | undefined> {
  const deployment = deploymentFor(client);
  const found = await deployment.directory.findByEmail(email);
  if (!found || !mayBePendingDeletion(deployment, found)) return found;
  const outcome = await waitForPendingDeletion(deployment, found, waitMs);
  return outcome.type === "gone" ? undefined : outcome.user;
}

// Delete -------------------------------------------------------------------------------------------

async function deleteUser(id: string, recorded: TinesUserOutputs, context: ProviderContext) {
  const client = context.client();
  const identity = { id: Number(id), created_at: typeof recorded.createdAt === "string" ? recorded.createdAt : null };
  // Never the tenant's last active owner (ownerGuard.ts), read fresh: a destroy fails instead.
  const change = recorded.deletionMode === "deactivate" ? "deactivate" : "delete";
  // Whatever the stack recorded (`admin: false` may be stale): the user is checked by id, as Tines holds them now.
  const guarded = <T>(write: () => Promise<T>) =>
    guardOwnerChange(deploymentFor(client), Number(id), (user) => (isActiveOwner(user) ? change : undefined), write, "destroy");
  if (recorded.deletionMode === "deactivate") {
    await guarded(() => unlessGone(client.users.update(Number(id), { admin: recorded.admin === true, is_active: false }))).catch(async (error: unknown) => {
      throw await explainScimRefusal(deploymentFor(client), error, `deactivate user ${recorded.email}`);
    });
    // Deactivated, not deleted: adopting it again in this deployment needs no wait.
    deploymentFor(client).recordUserDeactivated(identity);
  } else {
    // Tines deletes asynchronously: the user is deactivated at once and removed shortly after.
    // Remembered, so a create of the same email in this deployment waits for it to go.
    await guarded(() => unlessGone(client.users.delete(Number(id))));
    deploymentFor(client).recordUserDeleted(identity);
  }
}

/** The Tines calls of {@link TinesUser}. */
export const tinesUserLifecycle: ResourceLifecycle<typeof tinesUserDefinition> = {
  checkAgainstTenant,
  create,
  read,
  update,
  delete: deleteUser,
};

/** {@link TinesUser} as the engine runs it. */
export const tinesUserResource = implementResource(tinesUserDefinition, tinesUserLifecycle);
