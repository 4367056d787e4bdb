import { resourceClass } from "../../provider/resourceClass";
import { tinesPrivateTemplateDefinition, type TinesPrivateTemplateArgs, type TinesPrivateTemplateOutputs } from "./definition";

export type {
  TinesActionInput,
  TinesActionInputType,
  TinesActionInputValue,
  TinesAgentType,
  TinesPrivateTemplateArgs,
  TinesPrivateTemplateInputs,
  TinesPrivateTemplateOutputs,
  TinesReadAccess,
} from "./definition";

/**
 * A private action template of a Tines tenant, offered to story builders in the action library.
 * Needs a tenant-owner API key.
 *
 * @example
 * ```ts
 * new TinesPrivateTemplate("ip-lookup", {
 *   name: "Look up an IP", vendor: "Acme", product: "Intel", agentType: "Agents::HTTPRequestAgent",
 *   agentOptions: { url: "https://intel.example.com/ip/<<input.ip>>", method: "get" },
 *   actionInputs: [{ name: "ip", type: "TEXT", required: true }],
 * });
 * ```
 */
export class TinesPrivateTemplate extends resourceClass<TinesPrivateTemplateArgs, TinesPrivateTemplateOutputs>(tinesPrivateTemplateDefinition) {}
