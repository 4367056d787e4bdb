/**
 * A private action template for a team: an HTTP request with three inputs, one of them the
 * credential. Changing teamId moves the template in place.
 */
import * as pulumi from "@pulumi/pulumi";
import { TinesPrivateTemplate, getTeam } from "pulumi-tines";

const secops = pulumi.output(getTeam({ name: "Security Operations" }));

const lookup = new TinesPrivateTemplate("virustotal-file-report", {
  name: "Get a VirusTotal file report",
  description: "Fetches VirusTotal's report for a file hash.",
  vendor: "VirusTotal",
  product: "Files",
  agentType: "Agents::HTTPRequestAgent",
  agentOptions: {
    url: "https://www.virustotal.com/api/v3/files/<<input.hash>>",
    method: "get",
    headers: { "x-apikey": "<<input.api_key>>" },
  },
  teamId: secops.id,
  readAccess: "TEAM",
  actionInputs: [
    { name: "hash", type: "TEXT", required: true, description: "MD5, SHA-1 or SHA-256" },
    { name: "relationships", type: "OPTION", data: { options: ["behaviours", "contacted_ips"], multi_select_enabled: true } },
    { name: "api_key", type: "CREDENTIAL", required: true },
  ],
});

export const templateId = lookup.templateId;
