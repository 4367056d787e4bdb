/**
 * `TinesProvider`: one Tines tenant, with its own key and settings, that resources and lookups
 * are pointed at with `{ provider }`, so one program manages several tenants (what Terraform users
 * do with provider aliases).
 *
 * Pulumi runs dynamic resources given an explicit provider of package `pulumi-nodejs` in a provider
 * process of their own, whose `configure` receives that provider resource's inputs instead of the
 * stack config (pulumi-dynamic-providers.md, "Explicit providers"; pulumi/pulumi
 * `tests/integration/explicit_provider`). The inputs are registered under the stack-config keys
 * (`tines:tenant`, `tines:apiKey`, ...), which the host's `config.get` returns unchanged because they
 * hold a colon (`cmd/dynamic-provider/config.js`), so one code path, {@link ProviderConfiguration},
 * reads both. Every value is sent as a string, as stack config is. (The engine hands the inputs
 * over as `ConfigureRequest.args`, secrets kept, `version` left out, and leaves a provider whose
 * inputs are unknown in a preview unconfigured, checking its resources without calling it:
 * pulumi/pulumi `sdk/go/common/resource/plugin/provider_plugin.go`, `Configure` and `Check`.)
 */
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { TinesConfigurationError, normalizeTenantUrl } from "../client";
import { configurationSources, providerNameKey } from "./configuration";

/** The settings of a {@link TinesProvider}. Each means what the stack-config key of the same name means. */
export interface TinesProviderArgs {
  /** The tenant URL, e.g. `https://acme-shark-1234.tines.com` (`tines:tenant`). https://, or http:// for localhost only. */
  tenant: pulumi.Input<string>;
  /**
   * The API key (`tines:apiKey`): a tenant-owner key for users and custom roles. Stored in the
   * state as a secret even when given as a plain string; never part of a resource's inputs or outputs.
   * Read it from secret config: `new pulumi.Config().requireSecret("prodApiKey")`.
   */
  apiKey: pulumi.Input<string>;
  /** Seconds one HTTP request may take before it is retried (`tines:requestTimeoutSeconds`). */
  requestTimeoutSeconds?: pulumi.Input<number>;
  /** The bound, in seconds, of one operation (a create, update, delete or refresh of one resource), retries included (`tines:operationTimeoutSeconds`). */
  operationTimeoutSeconds?: pulumi.Input<number>;
  /** Seconds a user create waits for Tines to finish deleting a user with the same email; 60 by default (`tines:userDeletionWaitSeconds`). */
  userDeletionWaitSeconds?: pulumi.Input<number>;
  /** Attempts per request, the first included (`tines:maxAttempts`). */
  maxAttempts?: pulumi.Input<number>;
  /** Whether `pulumi preview` checks inputs against this tenant (`tines:previewChecks`); true by default. */
  previewChecks?: pulumi.Input<boolean>;
  /** Requests per minute to this tenant; Tines' documented default limit unless set (`tines:requestsPerMinute`). */
  requestsPerMinute?: pulumi.Input<number>;
  /** Requests per minute to the admin users API of this tenant (`tines:userRequestsPerMinute`). */
  userRequestsPerMinute?: pulumi.Input<number>;
  /** For tests against a time-scaled simulator: a rate-limit "minute" lasts 60 s / scale (`tines:rateLimitTimeScale`). */
  rateLimitTimeScale?: pulumi.Input<number>;
}

type SettingName = keyof TinesProviderArgs;

const positiveNumber = z.number({ error: "must be a positive number" }).finite("must be a positive number").positive("must be a positive number");
const text = z.string({ error: "must be a string" }).trim().min(1, "must not be empty");

/**
 * Each setting's rule, applied to the value once it is known. The number rules are those
 * {@link ProviderConfiguration} applies to stack config, checked here so a mistake is named in the
 * program, before anything is sent.
 */
const settingSchemas: Record<SettingName, z.ZodType> = {
  tenant: text,
  apiKey: text,
  requestTimeoutSeconds: positiveNumber,
  operationTimeoutSeconds: positiveNumber,
  userDeletionWaitSeconds: positiveNumber,
  maxAttempts: z.number({ error: "must be a positive whole number" }).int("must be a positive whole number").positive("must be a positive whole number"),
  previewChecks: z.boolean({ error: "must be true or false" }),
  requestsPerMinute: positiveNumber,
  userRequestsPerMinute: positiveNumber,
  rateLimitTimeScale: positiveNumber,
};

/** A provider's settings as `configure` receives them: config keys to string values. */
export type TinesProviderSettings = Record<string, pulumi.Output<string>>;

/** What lookups read from a provider: its name and its settings (held in the program, never serialized). */
const settingsOfProviders = new WeakMap<object, { name: string; settings: TinesProviderSettings }>();

/**
 * The settings a {@link TinesProvider} was given, as config keys, for lookups that run in the
 * program. Throws when `provider` is not a TinesProvider.
 */
export function tinesProviderSettings(provider: unknown): { name: string; settings: TinesProviderSettings } {
  const held = typeof provider === "object" && provider !== null ? settingsOfProviders.get(provider) : undefined;
  if (held === undefined) throw new TinesConfigurationError("`provider` must be a TinesProvider (from pulumi-tines)");
  return held;
}

/** The text of a setting's value, or throws naming the provider and the property. */
function settingText(providerName: string, setting: SettingName, value: unknown): string {
  const parsed = settingSchemas[setting].safeParse(value);
  if (!parsed.success) {
    const reason = parsed.error.issues[0]?.message ?? "is invalid";
    // The key is never quoted back, not even a wrong one.
    throw new TinesConfigurationError(`TinesProvider "${providerName}": ${setting} ${reason} (got ${setting === "apiKey" ? "a bad key" : JSON.stringify(value)})`);
  }
  if (setting === "tenant") {
    try {
      // Validated now so a mistake fails the program in preview; the provider normalises it again.
      normalizeTenantUrl(parsed.data as string);
    } catch (error) {
      throw new TinesConfigurationError(`TinesProvider "${providerName}": tenant: ${(error as Error).message}`);
    }
  }
  return String(parsed.data);
}

/**
 * A Tines tenant with its own key and settings. Pass it as `{ provider }` to any pulumi-tines
 * resource or lookup to manage that tenant; resources without one use the stack config
 * (`tines:tenant`, `tines:apiKey`) or the environment, and both kinds can be mixed in one program.
 * Each provider has its own client, rate limiter and preview-check facts: nothing learned about
 * one tenant is used for another. Moving a resource to another provider replaces it.
 *
 * Needs `@pulumi/pulumi` 3.139 or newer (and a Pulumi CLI as new), the first release that hands a
 * dynamic provider its configuration.
 *
 * Refresh and destroy use the settings recorded in the stack at the last `pulumi up`, not the
 * program's: after rotating a key, run `pulumi up` first, or pass `--run-program`.
 *
 * @example
 * ```ts
 * const config = new pulumi.Config();
 * const production = new TinesProvider("production", {
 *   tenant: "https://acme.tines.com",
 *   apiKey: config.requireSecret("productionApiKey"),
 * });
 * new TinesTeam("secops", { name: "Security Operations" }, { provider: production });
 * ```
 */
export class TinesProvider extends pulumi.ProviderResource {
  /**
   * @param name The provider's Pulumi name; errors about its key name it.
   * @param args The tenant, its key and settings. Invalid values fail the program, naming the property.
   * @param opts Resource options.
   */
  constructor(name: string, args: TinesProviderArgs, opts?: pulumi.CustomResourceOptions) {
    for (const required of ["tenant", "apiKey"] as const) {
      if (args[required] === undefined) throw new TinesConfigurationError(`TinesProvider "${name}": ${required} is required`);
    }
    const settings: TinesProviderSettings = {};
    for (const [setting, value] of Object.entries(args) as Array<[SettingName, unknown]>) {
      if (value === undefined || !(setting in settingSchemas)) continue;
      // A plain value is checked now, so the program fails before registering anything.
      if (!pulumi.Output.isInstance(value)) settingText(name, setting, value);
      const text = (pulumi.output(value) as pulumi.Output<unknown>).apply((known) => settingText(name, setting, known));
      settings[configurationSources[setting].config] = setting === "apiKey" ? pulumi.secret(text) : text;
    }
    super(
      "pulumi-nodejs",
      name,
      { ...settings, [providerNameKey]: name },
      // The key is stored encrypted even if an output derived from it were not already secret.
      // (ProviderResource's options type omits it; the SDK reads it for every custom resource, providers included.)
      { ...opts, additionalSecretOutputs: [...(opts?.additionalSecretOutputs ?? []), configurationSources.apiKey.config] } as pulumi.ResourceOptions,
    );
    settingsOfProviders.set(this, { name, settings });
  }
}
