/**
 * Where the tenant is and how to authenticate against it, checked before any request is sent.
 */
import { TinesConfigurationError } from "./errors";

/** The tenant and the key every request is made with. */
export interface TinesConnectionSettings {
  /** The tenant's origin, e.g. `https://acme-shark-1234.tines.com` (no trailing slash, no path). */
  tenantUrl: string;
  /** The Tines API key, sent as `Authorization: Bearer <key>`. */
  apiKey: string;
}

const loopbackHosts = new Set(["localhost", "127.0.0.1", "[::1]", "::1"]);

/** True for the loopback host names and the whole 127.0.0.0/8 range. */
export function isLoopbackHost(hostname: string): boolean {
  return loopbackHosts.has(hostname) || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname);
}

/**
 * Validates a tenant URL and reduces it to its origin. `https://` is required, because the API
 * key travels in a header; plain `http://` is accepted only for loopback hosts (the local Tines
 * simulator). A bare domain (`acme.tines.com`) is refused with a hint rather than guessed at.
 */
export function normalizeTenantUrl(raw: string): string {
  const value = raw.trim();
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    // Quoted back only when it looks like a domain: a tenant and a key are both strings, and a key
    // passed as the tenant (the two swapped, or a secret config value) must not reach the console.
    const domain = /^[a-z0-9-]+(\.[a-z0-9-]+)+(:\d+)?\/?$/i.test(value);
    throw new TinesConfigurationError(
      domain
        ? `The Tines tenant "${value}" is not a URL: write it with its scheme, e.g. https://${value}`
        : "The Tines tenant is not a URL: write it with its scheme, e.g. https://acme.tines.com (the value is not shown, in case it is an API key: the key goes in tines:apiKey)",
    );
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new TinesConfigurationError(`The Tines tenant URL must start with https:// (got ${url.protocol}//)`);
  }
  if (url.protocol === "http:" && !isLoopbackHost(url.hostname)) {
    throw new TinesConfigurationError(
      `The Tines tenant URL ${url.origin} uses plain http://, which would send the API key unencrypted: use https:// (http:// is only accepted for localhost)`,
    );
  }
  if (url.username || url.password) {
    throw new TinesConfigurationError("The Tines tenant URL must not contain credentials: set the API key separately");
  }
  return url.origin;
}
