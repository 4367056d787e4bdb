/**
 * Users that Tines is deleting. Tines deletes a user asynchronously (tines-api.md, "Users"): the
 * user is deactivated at once and removed later, and its email stays taken until then. The API has
 * no "pending deletion" flag, so such a user looks exactly like a deactivated one. It must never be
 * adopted or counted as existing (the state would name a user that vanishes seconds later), and a
 * create of the same email must wait for it to go. How a pending deletion is recognised, most
 * certain first:
 *
 * 1. This process deleted it (a destroy followed by an up in one deployment, or a replacement
 *    that deletes first): recorded in the {@link TenantDeployment} by user id, so it is certain.
 * 2. Otherwise (a `pulumi destroy`, then a `pulumi up` in a new process), a user that is inactive
 *    and was changed recently may be one: Tines deactivates a user the moment it is deleted, which
 *    is a change, and removes it "shortly" after. Whether it is one only shows by watching it: if it
 *    disappears, it was; if it is still there after the wait, it is a deactivated user. An inactive
 *    user unchanged for longer than {@link recentChangeMs} is taken as deactivated at once (any
 *    deletion would long be over), so adopting an old deactivated user costs no wait.
 * 3. While waiting, a user that disappears (404) was being deleted: the wait is over.
 *
 * A user this process deactivated (deletionMode "deactivate") is known not to be being deleted.
 *
 * The wait is bounded (tines:userDeletionWaitSeconds, 60 s by default, and never beyond the
 * operation's own deadline) and said in the log, so a user who sees `pulumi up` pause knows why.
 */
import { engineLog } from "../engineLog";
import { TinesError, operationDeadline, type TinesUserObject } from "../client";
import { unlessGone } from "../provider/runtime";
import type { TenantDeployment } from "./tenantDeployment";

/** How recently an inactive user must have changed to be possibly pending deletion. */
export const recentChangeMs = 15 * 60_000;

/** Time kept free of the operation's deadline for the create that follows the wait. */
const afterWaitAllowanceMs = 5_000;

/** Whether a user found in Tines may be one that Tines is deleting (see the file comment). */
export function mayBePendingDeletion(deployment: TenantDeployment, user: TinesUserObject, now = Date.now()): boolean {
  if (deployment.deletedByThisProcess(user)) return true;
  if (user.is_active || deployment.deactivatedByThisProcess(user)) return false;
  const changedAt = user.updated_at ? Date.parse(user.updated_at) : Number.NaN;
  return Number.isNaN(changedAt) || now - changedAt < recentChangeMs;
}

/** What a wait for a pending deletion found. */
export type PendingDeletionOutcome =
  /** The user is gone: its email is free. */
  | { type: "gone" }
  /** The user is still there: deactivated, not being deleted (never for a user this process deleted). */
  | { type: "deactivated"; user: TinesUserObject };

/**
 * Waits, bounded, for a user that may be pending deletion to disappear. A user this process
 * deleted that is still there when the wait ends fails the operation with a message that names the
 * pending deletion; any other user still there is a deactivated user.
 *
 * @param property The input named in the failure (`email`).
 */
export async function waitForPendingDeletion(
  deployment: TenantDeployment,
  user: TinesUserObject,
  waitMs: number,
  property = "email",
): Promise<PendingDeletionOutcome> {
  const { client, tenantUrl: tenant } = deployment;
  const certain = deployment.deletedByThisProcess(user);
  const remaining = operationDeadline()?.remainingMs();
  const boundMs = Math.max(0, Math.min(waitMs, remaining === undefined ? waitMs : remaining - afterWaitAllowanceMs));
  const seconds = Math.round(boundMs / 1000);
  // A warning, not an info line: users see warnings, and a silent pause of up to a minute per user
  // looks like a hang. It says what is waited for, how long at most, and how to avoid it.
  void engineLog.warn(
    certain
      ? `waiting up to ${seconds} s for Tines to finish deleting user ${user.email} (id ${user.id}) in ${tenant}: Tines deletes users asynchronously, and the email stays taken until then ` +
          "(to avoid the wait, keep the user with deletionMode: \"deactivate\" instead of deleting and re-creating it; tines:userDeletionWaitSeconds bounds it)"
      : `user ${user.email} (id ${user.id}) in ${tenant} is deactivated and was changed recently, so Tines may be deleting it (deletion is asynchronous); waiting up to ${seconds} s to see whether it disappears ` +
          "(a user deactivated more than 15 minutes ago is adopted at once; tines:userDeletionWaitSeconds bounds the wait)",
  );
  const started = Date.now();
  let current: TinesUserObject | undefined = user;
  for (let pauseMs = 250; Date.now() - started < boundMs; pauseMs = Math.min(pauseMs * 2, 2_000)) {
    await new Promise((resolve) => setTimeout(resolve, Math.min(pauseMs, Math.max(0, boundMs - (Date.now() - started)))));
    current = await unlessGone(client.users.get(user.id));
    if (current === undefined) {
      void engineLog.info(`Tines finished deleting user ${user.email} (id ${user.id}) after ${((Date.now() - started) / 1000).toFixed(1)} s`);
      return { type: "gone" };
    }
    // Reactivated meanwhile: whoever did that keeps it; it is not being deleted.
    if (current.is_active && !certain) return { type: "deactivated", user: current };
  }
  if (certain) {
    throw new TinesError(
      `${property}: Tines is still deleting the user ${user.email} (id ${user.id}) in ${tenant}, deleted earlier in this deployment: ` +
        `Tines deletes users asynchronously and the email stays taken until the deletion finishes. Waited ${seconds} s. ` +
        "Run `pulumi up` again once Tines has finished (usually within a minute), or raise tines:userDeletionWaitSeconds.",
    );
  }
  return { type: "deactivated", user: current ?? user };
}

/**
 * Whether the user with this email was one Tines was deleting, now gone after a bounded wait (so an
 * invitation of the email, refused while that user held it, can be sent again). False when there is
 * no such user, it is not being deleted, or the key may not read users (a Team key: then Tines' own
 * answer stands).
 */
export async function waitedForDeletionOfEmail(deployment: TenantDeployment, email: string, waitMs: number): Promise<boolean> {
  // Through the deployment's shared directory, as adoption looks users up: one request, not a page walk.
  const user = await deployment.directory.findByEmail(email).catch(() => undefined);
  if (!user || !mayBePendingDeletion(deployment, user)) return false;
  return (await waitForPendingDeletion(deployment, user, waitMs)).type === "gone";
}
