import { resourceClass } from "../../provider/resourceClass";
import { tinesUserDefinition, type TinesUserArgs, type TinesUserOutputs } from "./definition";

export type { TinesUserArgs, TinesUserInputs, TinesUserOutputs } from "./definition";

/**
 * A user of a Tines tenant. Creating one makes Tines email them an invitation. Needs a
 * tenant-owner API key (`tines:apiKey`).
 *
 * @example
 * ```ts
 * const ada = new TinesUser("ada", { email: "ada@example.com", firstName: "Ada", lastName: "Lovelace" });
 * ```
 */
export class TinesUser extends resourceClass<TinesUserArgs, TinesUserOutputs>(tinesUserDefinition) {}
