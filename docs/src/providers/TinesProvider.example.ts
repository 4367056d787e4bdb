// The example of docs/providers/TinesProvider.md (a page written by hand), kept here so the docs
// tests type-check it against the package's public API. Keep the two the same.
import * as pulumi from "@pulumi/pulumi";
import { TinesProvider, TinesTeam, TinesUser, getRole } from "pulumi-tines";

const config = new pulumi.Config();

const staging = new TinesProvider("staging", {
  tenant: "https://acme-staging.tines.com",
  apiKey: config.requireSecret("stagingApiKey"),   // pulumi config set --secret stagingApiKey …
});
const production = new TinesProvider("production", {
  tenant: "https://acme.tines.com",
  apiKey: config.requireSecret("productionApiKey"),
  requestsPerMinute: 1000,                          // this tenant's own limit
});

for (const [name, provider] of [["staging", staging], ["production", production]] as const) {
  const ada = new TinesUser(`${name}-ada`, { email: "ada@example.com" }, { provider });
  new TinesTeam(`${name}-secops`, {
    name: "Security Operations",
    members: [{ userId: ada.userId, role: "TEAM_ADMIN" }],
  }, { provider });
}

// A lookup asks the provider's tenant with the provider's key.
export const productionRoles = getRole({ name: "TEAM_ADMIN" }, { provider: production });
