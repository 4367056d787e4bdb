/**
 * What pulumi-tines writes to the Pulumi engine's log (`pulumi.log`: the warnings and information
 * `pulumi preview` and `pulumi up` show under a resource), each message prefixed `pulumi-tines: `.
 *
 * @pulumi/pulumi is loaded when the first message is written, not before: the modules that log are
 * also loaded by the `pulumi-tines` command line (`export`, `changes-since`, through the provider's
 * configuration), which runs outside any Pulumi process and never writes to the engine's log, and
 * there it spares about 0.4 s of CPU at every start. In a provider host or a program the SDK is
 * loaded already, so this changes nothing there.
 */
import type * as pulumi from "@pulumi/pulumi";

/** `pulumi.log`, from the copy of @pulumi/pulumi that Node resolves for this package (the program's, in a host). */
function pulumiLog(): typeof pulumi.log {
  return (require("@pulumi/pulumi") as typeof pulumi).log;
}

/** Messages to the Pulumi engine's log. Each resolves once the engine has the message; callers that need not wait write `void engineLog.warn(...)`. */
export const engineLog = {
  /** Writes `message` as a warning (`pulumi.log.warn`), prefixed `pulumi-tines: `. */
  warn(message: string): Promise<void> {
    return pulumiLog().warn(`pulumi-tines: ${message}`);
  },
  /** Writes `message` as information (`pulumi.log.info`), prefixed `pulumi-tines: `. */
  info(message: string): Promise<void> {
    return pulumiLog().info(`pulumi-tines: ${message}`);
  },
};
