/**
 * The `__provider` text a Pulumi program stores for a hand-written provider, obtained the ordinary
 * way: `new pulumi.dynamic.Resource(provider, ...)` serializes its provider object with
 * `serializeFunction(() => provider, { allowSecrets: true })` (@pulumi/pulumi, dynamic/index.js),
 * and so does this, through the SDK's public `pulumi.runtime.serializeFunction`. What the host
 * loads, and what the state holds twice per resource, is this text. (test/bench/peers.test.ts
 * checks it equals what a resource registers under Pulumi's mocks.)
 */
import * as pulumi from "@pulumi/pulumi";
import type { HandWrittenProviders } from "./handWritten";

/** The `__provider` text of each provider of a hand-written program. */
export interface SerializedProviders {
  user: string;
  membership: string;
}

/** The text `pulumi.dynamic.Resource` stores for `provider`. */
export async function serializedProvider(provider: pulumi.dynamic.ResourceProvider): Promise<string> {
  return (await pulumi.runtime.serializeFunction(() => provider, { allowSecrets: true })).text;
}

/** The text of each provider of a hand-written program. */
export async function serializedProviders(providers: HandWrittenProviders): Promise<SerializedProviders> {
  return { user: await serializedProvider(providers.user), membership: await serializedProvider(providers.membership) };
}
