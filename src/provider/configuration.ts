/**
 * Where the provider finds its tenant and key: stack config (`tines:tenant`, secret
 * `tines:apiKey`) as received by `configure`, then the environment (`TINES_TENANT`,
 * `TINES_API_KEY`, the names Tines' own Terraform provider uses). Read when an operation first
 * needs the API, never at load time and never serialized: the key lives only in this process.
 */
import {
  TinesApiError,
  TinesConfigurationError,
  refusedKeyAdvice,
  type TinesClient,
  defaultOperationTimeoutMs,
  normalizeTenantUrl,
  tinesRateLimits,
  type TransportOptions,
} from "../client";
import { sharedTinesClient } from "../deployment/registry";

/** How long a user create waits, by default, for Tines to finish deleting a user with the same email. */
export const defaultUserDeletionWaitMs = 60_000;

/** The config keys and environment variables the provider reads. */
export const configurationSources = {
  tenant: { config: "tines:tenant", environment: "TINES_TENANT" },
  apiKey: { config: "tines:apiKey", environment: "TINES_API_KEY" },
  requestTimeoutSeconds: { config: "tines:requestTimeoutSeconds", environment: "TINES_REQUEST_TIMEOUT_SECONDS" },
  maxAttempts: { config: "tines:maxAttempts", environment: "TINES_MAX_ATTEMPTS" },
  requestsPerMinute: { config: "tines:requestsPerMinute", environment: "TINES_REQUESTS_PER_MINUTE" },
  userRequestsPerMinute: { config: "tines:userRequestsPerMinute", environment: "TINES_USER_REQUESTS_PER_MINUTE" },
  previewChecks: { config: "tines:previewChecks", environment: "TINES_PREVIEW_CHECKS" },
  /** The bound of one operation (a create, update, delete or refresh of one resource), retries included. */
  operationTimeoutSeconds: { config: "tines:operationTimeoutSeconds", environment: "TINES_OPERATION_TIMEOUT_SECONDS" },
  /** How long a user create waits for Tines to finish deleting a user with the same email. */
  userDeletionWaitSeconds: { config: "tines:userDeletionWaitSeconds", environment: "TINES_USER_DELETION_WAIT_SECONDS" },
  /** For tests and benchmarks against a time-scaled simulator: a "minute" lasts 60 s / scale. */
  rateLimitTimeScale: { config: "tines:rateLimitTimeScale", environment: "TINES_RATE_LIMIT_TIME_SCALE" },
} as const;

/**
 * The key under which a {@link TinesProvider} registers its own name among its settings. Present
 * only in the configuration of an explicit provider's process (the engine hands it that provider's
 * inputs, not the stack config: pulumi-dynamic-providers.md, "Explicit providers"), so it also tells
 * the two apart.
 */
export const providerNameKey = "tines:providerName";

/** What `configure` receives from the dynamic-provider host: the stack config, values as strings. */
export interface ConfigureRequestLike {
  config: { get(key: string): string | undefined };
}

/** The settings of one provider instance. */
export class ProviderConfiguration {
  private stackConfig: Record<string, string | undefined> = {};
  /**
   * The client {@link client} built from the current settings. Every operation asks for it (a
   * create twice), and deriving it parses the tenant URL, hashes the key and serializes the options
   * (about 20 µs): so it is derived once, and again after `configure`.
   */
  private configuredClient: TinesClient | undefined;
  /** The last tenant setting and its normalised origin, so the URL is parsed once per value. */
  private normalisedTenant: { given: string; url: string } | undefined;

  /**
   * @param overrides Values that win over stack config and environment (lookup functions take them
   * as arguments).
   */
  constructor(private readonly overrides: { tenant?: string; apiKey?: string } = {}) {}

  /**
   * Takes the stack config. Synchronous on purpose: the host caches the provider before it awaits
   * `configure`, so calls that race the first one must already find the settings in place.
   */
  configure(request: ConfigureRequestLike): void {
    const values: Record<string, string | undefined> = {};
    for (const key of [...Object.values(configurationSources).map((source) => source.config), providerNameKey]) {
      let value: unknown;
      try {
        value = request.config.get(key);
      } catch {
        // The host reads a configuration the engine never sent (a provider whose inputs are unknown in
        // a preview is left unconfigured) as missing: the operation then reports the missing settings.
        value = undefined;
      }
      // Stack config arrives as strings; a provider's inputs as registered (TinesProvider sends strings).
      values[key] = value === undefined || value === null ? undefined : String(value);
    }
    this.stackConfig = values;
    this.configuredClient = undefined;
  }

  /**
   * The name of the TinesProvider this process was configured by, or undefined for the default
   * provider (stack config and environment).
   */
  explicitProviderName(): string | undefined {
    return this.stackConfig[providerNameKey]?.trim() || undefined;
  }

  /** How messages name where this provider's settings come from: `TinesProvider "production"`, or the stack config. */
  describeProvider(): string {
    const name = this.explicitProviderName();
    return name === undefined ? "the default provider (stack config and environment)" : `TinesProvider "${name}"`;
  }

  /**
   * What to do about a key Tines refused during `operation`, naming the provider whose key it is.
   * A refresh's reads and a destroy's deletes run with the provider settings recorded in the stack at
   * the last `pulumi up`, not the program's (pulumi-dynamic-providers.md, "Refresh and destroy use
   * the provider configuration recorded in the state"), so a rotated key is not seen there yet.
   */
  refusedKeyAdvice(operation: "read" | "delete" | "write"): string {
    const name = this.explicitProviderName();
    const where = name === undefined ? undefined : `the apiKey of TinesProvider "${name}" (tenant ${this.tenantUrlIfSet() ?? "not set"})`;
    const advice = refusedKeyAdvice(where);
    if (operation === "write") return advice;
    const recorded =
      name === undefined
        ? "`pulumi refresh` and `pulumi destroy` use the stack config recorded at the last `pulumi up` (TINES_API_KEY is read every time)"
        : `\`pulumi refresh\` and \`pulumi destroy\` use the settings of TinesProvider "${name}" recorded at the last \`pulumi up\`, not the program's`;
    return `${advice} Note that ${recorded}: if the key was rotated, run \`pulumi up\` first so the stack records the new key, or pass --run-program to \`pulumi refresh\` or \`pulumi destroy\`.`;
  }

  /**
   * `error` as the caller should throw it: a key Tines refused (401) carries
   * {@link refusedKeyAdvice} for `operation`; any other error is returned as it is.
   */
  adviseOnRefusedKey(error: unknown, operation: "read" | "delete" | "write"): unknown {
    return error instanceof TinesApiError && error.isUnauthorized ? error.withAdvice(this.refusedKeyAdvice(operation)) : error;
  }

  private value(source: { config: string; environment: string }): string | undefined {
    const override =
      source === configurationSources.tenant ? this.overrides.tenant : source === configurationSources.apiKey ? this.overrides.apiKey : undefined;
    if (override?.trim()) return override.trim();
    const fromConfig = this.stackConfig[source.config]?.trim();
    if (fromConfig) return fromConfig;
    const fromEnvironment = process.env[source.environment]?.trim();
    return fromEnvironment || undefined;
  }

  /** The tenant origin if one is set (validated), else undefined. Makes no request. */
  tenantUrlIfSet(): string | undefined {
    const tenant = this.value(configurationSources.tenant);
    if (tenant === undefined) return undefined;
    if (this.normalisedTenant?.given !== tenant) this.normalisedTenant = { given: tenant, url: normalizeTenantUrl(tenant) };
    return this.normalisedTenant.url;
  }

  /** The tenant origin; throws a message naming both ways to set it when missing. */
  tenantUrl(): string {
    const tenant = this.tenantUrlIfSet();
    if (tenant === undefined) {
      throw new TinesConfigurationError(
        "The Tines tenant is not set: run `pulumi config set tines:tenant https://<your-tenant>.tines.com`, or set the TINES_TENANT environment variable.",
      );
    }
    return tenant;
  }

  /**
   * Whether checks may read the tenant (`tines:previewChecks` / `TINES_PREVIEW_CHECKS`): on unless
   * set to "false" (or "0", "no", "off"), so a preview catches what would fail the deploy. Whether
   * they can run at all (a tenant and a key are set) is the caller's question.
   */
  previewChecksEnabled(): boolean {
    const text = this.value(configurationSources.previewChecks);
    if (text === undefined || /^(true|1|yes|on)$/i.test(text)) return true;
    if (/^(false|0|no|off)$/i.test(text)) return false;
    throw new TinesConfigurationError(
      `${configurationSources.previewChecks.config} (or ${configurationSources.previewChecks.environment}) must be true or false, got "${text}"`,
    );
  }

  /** The bound of one operation in ms (`tines:operationTimeoutSeconds`), {@link defaultOperationTimeoutMs} by default. */
  operationTimeoutMs(): number {
    const seconds = this.number(configurationSources.operationTimeoutSeconds);
    return seconds === undefined ? defaultOperationTimeoutMs : seconds * 1000;
  }

  /**
   * How long a user create waits for a pending deletion of the same email to finish, in ms
   * (`tines:userDeletionWaitSeconds`), 60 s by default, never beyond the operation's own bound.
   */
  userDeletionWaitMs(): number {
    const seconds = this.number(configurationSources.userDeletionWaitSeconds);
    return seconds === undefined ? defaultUserDeletionWaitMs : seconds * 1000;
  }

  /**
   * The client for the configured tenant and key, shared by every resource of this process. Derived
   * on the first call after `configure` (the environment is read then: the host's does not change
   * during a deployment).
   */
  client(): TinesClient {
    return (this.configuredClient ??= this.newClient());
  }

  private newClient(): TinesClient {
    const tenantUrl = this.tenantUrl();
    const apiKey = this.value(configurationSources.apiKey);
    if (apiKey === undefined) {
      throw new TinesConfigurationError(
        "The Tines API key is not set: run `pulumi config set --secret tines:apiKey <key>`, or set the TINES_API_KEY environment variable.",
      );
    }
    const options: TransportOptions = {};
    const timeout = this.number(configurationSources.requestTimeoutSeconds);
    if (timeout !== undefined) options.timeoutMs = timeout * 1000;
    const attempts = this.number(configurationSources.maxAttempts);
    if (attempts !== undefined) options.retry = { maxAttempts: Math.max(1, Math.floor(attempts)) };
    // Tines' documented limits unless the tenant has others (tines-api.md, "Rate limits").
    const windowMs = 60_000 / (this.number(configurationSources.rateLimitTimeScale) ?? 1);
    options.rateLimits = {
      default: { requests: this.number(configurationSources.requestsPerMinute) ?? tinesRateLimits.default.requests, windowMs },
      adminUsers: {
        requests: this.number(configurationSources.userRequestsPerMinute) ?? tinesRateLimits.adminUsers.requests,
        windowMs,
      },
    };
    return sharedTinesClient(tenantUrl, apiKey, options);
  }

  private number(source: { config: string; environment: string }): number | undefined {
    const text = this.value(source);
    if (text === undefined) return undefined;
    const value = Number(text);
    if (!Number.isFinite(value) || value <= 0) {
      throw new TinesConfigurationError(`${source.config} (or ${source.environment}) must be a positive number, got "${text}"`);
    }
    return value;
  }
}

/** One client per (tenant, key, options) in this process: kept in the deployment registry (deployment/registry.ts). */
export { sharedTinesClient };
