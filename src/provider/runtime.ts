/**
 * Turns a resource's implementation into the `dynamic.ResourceProvider` the host calls: one
 * {@link ProviderConfiguration} per provider instance, filled synchronously by `configure`, and the
 * checks every method needs (the tenant a resource lives in, plain-JSON results, clean errors).
 */
import type * as pulumi from "@pulumi/pulumi";
import { TinesApiError, TinesConfigurationError, TinesError, withOperationDeadline, type TinesClient } from "../client";
import { ProviderConfiguration } from "./configuration";
import { plainJson, type CheckFailure } from "./inputs";
import type { ObjectIdentity } from "./definition";
import type { KnownUsers } from "../deployment/claims";
import { resourceNameInput } from "./registration";
import { claimFailures } from "./claims";
import { deploymentFor } from "../deployment/registry";
import type { TenantCheckFindings, TenantDeployment } from "../deployment/tenantDeployment";
import type { ReadFreshness } from "../deployment/sharedReads";

/** What each method of a resource implementation is given besides the engine's arguments. */
export interface ProviderContext {
  /** The shared client for the configured tenant (throws a clear error when settings are missing). */
  client(): TinesClient;
  /** The configured tenant's origin (throws when missing). */
  tenantUrl(): string;
  /** The configured tenant's origin, or undefined when not set. Makes no request. */
  tenantUrlIfSet(): string | undefined;
  /** How long a user create may wait for a pending deletion of the same email (ms). */
  userDeletionWaitMs(): number;
  /**
   * When the object `id` of this provider's kind was last written, by this process or per the
   * `createdAt`/`updatedAt` in `recorded`: a read waits out Tines' lag after a recent write
   * (deployment/sharedReads.ts). Makes no request.
   */
  freshness(id: string, recorded: Record<string, unknown>): ReadFreshness;
  /** The name of the TinesProvider whose settings this process has, or undefined for the stack config. */
  explicitProviderName?(): string | undefined;
}

/** A resource's behaviour, in the engine's terms, with plain records for inputs and outputs. */
export interface ResourceImplementation {
  /** The exported class's name, for messages: `TinesUser` (set by `implementResource`). */
  className?: string;
  /** The last part of the type token (the kind), which keys what the deployment records (set by `implementResource`). */
  kind?: string;
  /** The Tines object the checked inputs name, by natural key (see `ResourceDefinition.identity`). */
  identity?(inputs: Record<string, unknown>, users?: KnownUsers): ObjectIdentity | undefined;
  check(olds: Record<string, unknown>, news: Record<string, unknown>): { inputs: Record<string, unknown>; failures: CheckFailure[] };
  /**
   * With preview checks on (the default when a key is set), after `check` passed: what the tenant says about the checked inputs
   * (values unknown in preview still hold the placeholder and must be skipped). `isNew` is true for
   * a resource not yet in the stack; `olds` are its recorded inputs, as the engine's check gets them
   * (CheckRequest.olds: the old inputs, not the outputs; empty when new).
   */
  checkAgainstTenant?(inputs: Record<string, unknown>, isNew: boolean, deployment: TenantDeployment, olds: Record<string, unknown>): Promise<TenantCheckFindings>;
  diff(id: string, olds: Record<string, unknown>, news: Record<string, unknown>, context: ProviderContext): pulumi.dynamic.DiffResult;
  create(inputs: Record<string, unknown>, context: ProviderContext): Promise<{ id: string; outs: Record<string, unknown> }>;
  read(
    id: string,
    props: Record<string, unknown>,
    context: ProviderContext,
  ): Promise<{ id: string; props: Record<string, unknown>; inputs: Record<string, unknown> } | undefined>;
  update(
    id: string,
    olds: Record<string, unknown>,
    news: Record<string, unknown>,
    context: ProviderContext,
  ): Promise<Record<string, unknown>>;
  delete(id: string, props: Record<string, unknown>, context: ProviderContext): Promise<void>;
}

/**
 * The tenant recorded for an existing object must be the configured one: otherwise its id would be
 * looked up, changed or deleted in the wrong tenant. (A change of tenant in `diff` replaces the
 * resource; this guards refresh and delete, which run without a diff.)
 */
export function assertSameTenant(recorded: unknown, context: ProviderContext, what: string): void {
  const configured = context.tenantUrl();
  if (typeof recorded === "string" && recorded !== configured) {
    const provider = context.explicitProviderName?.();
    const settings = provider === undefined ? "tines:tenant (and tines:apiKey)" : `the tenant (and apiKey) of TinesProvider "${provider}"`;
    throw new TinesError(
      `${what} lives in the Tines tenant ${recorded}, but ${provider === undefined ? "the stack" : `TinesProvider "${provider}"`} is configured for ${configured}. ` +
        `Point ${settings} back at ${recorded} to manage it, or remove it from the stack's state with \`pulumi state delete\`.`,
    );
  }
}

/**
 * Whether the tenant recorded in old outputs differs from the configured one, which replaces the
 * resource. Unknown when no tenant is configured yet: then nothing is claimed.
 */
export function tenantChanged(olds: Record<string, unknown>, context: ProviderContext): boolean {
  const configured = context.tenantUrlIfSet();
  return configured !== undefined && typeof olds.tenant === "string" && olds.tenant !== configured;
}

/**
 * The result of `operation`, or undefined when Tines answers 404: for a read, the object is gone
 * (refresh drops it); for a delete, the goal is already met.
 */
export async function unlessGone<T>(operation: Promise<T>): Promise<T | undefined> {
  try {
    return await operation;
  } catch (error) {
    if (error instanceof TinesApiError && error.isNotFound) return undefined;
    throw error;
  }
}

/** How long a read that found nothing waits before it asks again. */
export const confirmGonePauseMs = 250;

/**
 * What `read` finds, or undefined once Tines has answered 404 twice, a moment apart: a refresh
 * drops an object only when two reads agree that it is gone, so one stray 404 (a proxy's error
 * page, a replica behind) never loses a resource from the stack.
 */
export async function unlessConfirmedGone<T>(read: () => Promise<T>): Promise<T | undefined> {
  const first = await unlessGone(read());
  if (first !== undefined) return first;
  await new Promise((resolve) => setTimeout(resolve, confirmGonePauseMs));
  return unlessGone(read());
}

/**
 * Builds the provider object the host caches for one `__provider` text.
 *
 * @param kind The resource kind (`User`, ...): this process's writes are recorded under it, so its
 *   reads wait out Tines' lag after them.
 */
export function createResourceProvider(implementation: ResourceImplementation, kind: string): pulumi.dynamic.ResourceProvider {
  const configuration = new ProviderConfiguration();
  const deployment = () => deploymentFor(configuration.client());
  /** The deployment, or undefined without settings. */
  const configuredDeployment = (): TenantDeployment | undefined => {
    try {
      return deployment();
    } catch (error) {
      if (error instanceof TinesConfigurationError) return undefined;
      throw error;
    }
  };
  /**
   * A create, update or delete: the tenant facts that checks read are stale once this process
   * changes the tenant, lists that reads share are not used across it, and the object written is
   * remembered so reads wait out Tines' lag after it.
   */
  const writing = async <T>(write: () => Promise<T>, idOf: (result: T) => string | undefined): Promise<T> => {
    // Without settings the operation itself reports that.
    const current = configuredDeployment();
    current?.recordTenantChanged();
    const ended = current?.reads.beginWrite() ?? (() => {});
    const recorded = (id: string | undefined) => id !== undefined && deployment().reads.recordWrite(kind, id);
    try {
      const result = await write();
      recorded(idOf(result));
      return result;
    } catch (error) {
      // A partial write changed the object all the same.
      if (error instanceof PartialWriteError) recorded(error.id);
      throw error;
    } finally {
      ended();
    }
  };
  const context: ProviderContext = {
    client: () => configuration.client(),
    tenantUrl: () => configuration.tenantUrl(),
    tenantUrlIfSet: () => configuration.tenantUrlIfSet(),
    userDeletionWaitMs: () => configuration.userDeletionWaitMs(),
    freshness: (id, recorded) => deployment().reads.freshness(kind, id, recorded),
    explicitProviderName: () => configuration.explicitProviderName(),
  };
  // Each engine call is one operation: every request and retry it makes shares one deadline
  // (tines:operationTimeoutSeconds), so a hanging tenant fails it in bounded time.
  // A refused key is reported with the provider it belongs to (the default one or a TinesProvider)
  // and, for a refresh's read and a delete, with why a rotated key is not seen yet.
  const bounded = <T>(operation: () => Promise<T>, step: "read" | "delete" | "write" = "write"): Promise<T> =>
    withOperationDeadline(configuration.operationTimeoutMs(), operation, "tines:operationTimeoutSeconds").catch((error: unknown) => {
      throw configuration.adviseOnRefusedKey(error, step);
    });
  return {
    async configure(request) {
      configuration.configure(request);
    },
    async check(olds, news) {
      const { [resourceNameInput]: resourceName, ...declared } = news ?? {};
      const result = implementation.check(olds ?? {}, declared);
      if (result.failures.length > 0) return result;
      // Without settings the deploy will say so; the checks below only add to a preview that can run.
      let client: TinesClient;
      try {
        client = configuration.client();
      } catch (error) {
        if (error instanceof TinesConfigurationError) return result;
        throw error;
      }
      // One object, one resource: offline, so with preview checks off too.
      const claimed = claimFailures(implementation, result.inputs, resourceName, deploymentFor(client), olds ?? {});
      if (claimed.length > 0) return { inputs: result.inputs, failures: claimed };
      // An input that fails offline fails without a request; tenant checks are on unless turned off.
      if (!implementation.checkAgainstTenant || !configuration.previewChecksEnabled()) return result;
      const isNew = Object.keys(olds ?? {}).filter((key) => key !== "__provider").length === 0;
      const failures = await bounded(() =>
        deploymentFor(client).runTenantCheck((deployment) =>
          // A refused key fails the preview (an answer, not an outage), naming whose key it is.
          implementation.checkAgainstTenant!(result.inputs, isNew, deployment, olds ?? {}).catch((error: unknown) => {
            throw configuration.adviseOnRefusedKey(error, "write");
          }),
        ),
      );
      // Claimed again with what the tenant check learnt (who a membership's user id or email is).
      if (failures.length === 0) failures.push(...claimFailures(implementation, result.inputs, resourceName, deploymentFor(client), olds ?? {}));
      return { inputs: result.inputs, failures };
    },
    async diff(id, olds, news) {
      const result = implementation.diff(id, olds ?? {}, news ?? {}, context);
      // A warning of this resource's check whose words depend on this diff (deployment/warningsAfterDiff.ts);
      // without settings no check ran.
      configuredDeployment()?.afterDiff.diffed(implementation.className ?? kind, id, olds ?? {}, news ?? {});
      return result;
    },
    async create(inputs) {
      const { id, outs } = await writing(() => bounded(() => implementation.create(inputs, context)), (result) => result.id);
      return { id, outs: plainJson(outs) };
    },
    async read(id, props) {
      const result = await bounded(() => implementation.read(id, props ?? {}, context), "read");
      // An empty id tells the engine the object is gone, so refresh drops it from the stack.
      if (result === undefined) return { id: "", props: {} };
      return { id: result.id, props: plainJson(result.props), inputs: plainJson(result.inputs) } as pulumi.dynamic.ReadResult;
    },
    async update(id, olds, news) {
      return { outs: plainJson(await writing(() => bounded(() => implementation.update(id, olds ?? {}, news ?? {}, context)), () => id)) };
    },
    async delete(id, props) {
      // A deleted object is not waited for: only the generation moves on.
      await writing(() => bounded(() => implementation.delete(id, props ?? {}, context), "delete"), () => undefined);
    },
  };
}

/**
 * A failed operation whose object the stack must still record: the dynamic-provider host reports
 * an error carrying `id`, `properties` and `reasons` as ErrorResourceInitFailed, and the engine
 * records `properties` as the object's outputs.
 */
abstract class PartialWriteError extends TinesError {
  /** Read by the dynamic-provider host. */
  readonly id: string;
  /** Read by the dynamic-provider host: what Tines now holds. */
  readonly properties: Record<string, unknown>;
  /** Read by the dynamic-provider host. */
  readonly reasons: string[];

  constructor(message: string, id: string, properties: object, cause: Error) {
    super(message, { cause });
    this.id = id;
    this.properties = plainJson(properties) as Record<string, unknown>;
    this.reasons = [cause.message];
  }
}

/**
 * An error for a create that made an object in Tines but could not finish: the host records the
 * object in state under `id` with these outputs (pulumi's ErrorResourceInitFailed), so it is
 * neither lost nor made twice by the next `pulumi up`.
 */
export class PartialCreateError extends PartialWriteError {
  override name = "PartialCreateError";

  constructor(id: string, properties: object, cause: Error) {
    super(`${cause.message} (the object was created in Tines with id ${id} and is recorded in the stack)`, id, properties, cause);
  }
}

/**
 * An error for an update that changed the object in Tines only in part, or that Tines answered
 * without applying all of it (see `unappliedWrite` in inputs.ts). For an update the engine records
 * the reported `properties` as the resource's new outputs (pkg/resource/deploy/step.go,
 * `UpdateStep.Apply`: on a partial failure `s.new.Outputs = outs`) instead of keeping the old ones,
 * which no longer match Tines; the next `pulumi up` diffs the declared inputs against what Tines
 * holds and finishes the job.
 */
export class PartialUpdateError extends PartialWriteError {
  override name = "PartialUpdateError";

  constructor(id: string, properties: object, cause: Error) {
    super(cause.message, id, properties, cause);
  }
}
