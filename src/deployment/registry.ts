/**
 * The one registry of this process: for each (tenant, key, options) one client, so one connection
 * pool and one rate limiter, and one {@link TenantDeployment} per client. One host process serves a
 * deployment (pulumi-dynamic-providers.md, "Runtime facts"), and every provider of it configured
 * for the same tenant and key gets the same client, so what the deployment shares is found from
 * any resource's client. This is the only mutable module-level state of the provider; the client
 * library keeps one of its own, the rate-limit budget per tenant and key that every client of a key
 * shares (client/rateLimitPacing.ts: Tines counts requests per IP address and key).
 */
import { createHash } from "node:crypto";
import { TinesClient, type TransportOptions } from "../client";
import { TenantDeployment } from "./tenantDeployment";

/** Clients by (tenant, hashed key, options), and the deployment of each client. */
class DeploymentRegistry {
  private readonly clients = new Map<string, TinesClient>();
  private readonly deployments = new WeakMap<TinesClient, TenantDeployment>();

  client(tenantUrl: string, apiKey: string, options: TransportOptions): TinesClient {
    // The key is hashed for the map, so the map never holds it.
    const digest = createHash("sha256").update(apiKey).digest("hex");
    const mapKey = `${tenantUrl} ${digest} ${JSON.stringify(options)}`;
    let client = this.clients.get(mapKey);
    if (!client) {
      client = new TinesClient({ tenantUrl, apiKey }, options);
      this.clients.set(mapKey, client);
    }
    return client;
  }

  deployment(client: TinesClient): TenantDeployment {
    let deployment = this.deployments.get(client);
    if (!deployment) {
      deployment = new TenantDeployment(client);
      this.deployments.set(client, deployment);
    }
    return deployment;
  }
}

const registry = new DeploymentRegistry();

/**
 * One client, so one connection pool and one rate limiter, per (tenant, key, options) in this
 * process: every resource of a deployment shares them.
 */
export function sharedTinesClient(tenantUrl: string, apiKey: string, options: TransportOptions = {}): TinesClient {
  return registry.client(tenantUrl, apiKey, options);
}

/** What this process shares about the tenant of `client`: one {@link TenantDeployment} per client. */
export function deploymentFor(client: TinesClient): TenantDeployment {
  return registry.deployment(client);
}
