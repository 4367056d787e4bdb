/**
 * One team whose provider the config chooses: `target` is `staging`, `production` or `default`
 * (the stack config's tenant). Moving it is a change of provider, which replaces it.
 */
import * as pulumi from "@pulumi/pulumi";
import { TinesProvider, TinesTeam } from "pulumi-tines";

const config = new pulumi.Config();
const providers = {
  staging: new TinesProvider("staging", { tenant: config.require("stagingTenant"), apiKey: config.requireSecret("stagingApiKey") }),
  production: new TinesProvider("production", { tenant: config.require("productionTenant"), apiKey: config.requireSecret("productionApiKey") }),
};
const target = config.require("target") as keyof typeof providers | "default";
const team = new TinesTeam("moved", { name: "Moved Team" }, target === "default" ? {} : { provider: providers[target] });

export const tenant = team.tenant;
