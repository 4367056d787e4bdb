import { getTeam, TinesPrivateTemplate } from "pulumi-tines";

const intel = getTeam({ name: "Threat Intel" });

// An action template the tenant's builders can drop into stories.
new TinesPrivateTemplate("ip-lookup", {
  name: "Look up an IP",
  vendor: "Acme",
  product: "Intel",
  agentType: "Agents::HTTPRequestAgent",
  agentOptions: { url: "https://intel.example.com/ip/<<input.ip>>", method: "get" },
  actionInputs: [{ name: "ip", type: "TEXT", required: true }],
  teamId: intel.then((team) => team.id),
});
