/**
 * A team and a user whose TinesProvider's name the config chooses, on one tenant: renaming the
 * provider moves every resource to a new provider of the same tenant, which the engine replaces.
 */
import * as pulumi from "@pulumi/pulumi";
import { TinesProvider, TinesTeam, TinesUser } from "pulumi-tines";

const config = new pulumi.Config();
const provider = new TinesProvider(config.require("providerName"), { tenant: config.require("tenant"), apiKey: config.requireSecret("apiKey") });
const team = new TinesTeam("team", { name: "Renamed Provider Team", adoptExisting: true }, { provider });
const user = new TinesUser("user", { email: "moved@example.com", adoptExisting: true }, { provider });

export const teamId = team.id;
export const userId = user.id;
