/**
 * What one provider process shares for one configured tenant: a {@link TenantDeployment}, found
 * with {@link deploymentFor} from the client every resource operation already has.
 */
export { deploymentFor, sharedTinesClient } from "./registry";
export { TenantDeployment, type TenantCheckFindings, type UserIdentity } from "./tenantDeployment";
export { SharedDirectory, type DirectoryMembership } from "./sharedDirectory";
export { SharedReads, readAfterWriteLagMs, writtenAtOutput, type ReadFreshness } from "./sharedReads";
export { mayBePendingDeletion, recentChangeMs, waitForPendingDeletion, waitedForDeletionOfEmail, type PendingDeletionOutcome } from "./pendingDeletions";
export { DriftAttribution, type DriftAttributionOptions, type DriftReport } from "./driftAttribution";
