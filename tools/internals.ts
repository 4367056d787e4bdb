/**
 * The package's internals that the tools use, taken from its build (`dist/`) in this one file.
 *
 * The tools (the CLI-free runner, the benchmark, the demo, packaging) are not shipped and build
 * after the package (tools/tsconfig.json). What the package exports to users they import by its
 * name, as a program does (`pulumi-tines/simulator`, `pulumi-tines/client`); what it does not
 * export comes from here, so that a move inside `src/` changes one line of the tools. Both ways
 * load the very files the dynamic-provider host loads through `require("pulumi-tines/provider")`,
 * so the runner and the provider never hold two copies of the package.
 */
export {
  kindOfTypeToken,
  providerStubText,
  tinesResourceKinds,
  tinesTypeToken,
  type TinesResourceKind,
} from "../dist/provider/registration";
export { unknownValue } from "../dist/provider/inputs";
export { describeSummary, exportRoster, formatRoster } from "../dist/cli/export";
export { tinesResourceRegistry } from "../dist/resources/registry";
export { takeoverDirectoryVariable } from "../dist/deployment/takeovers";
export { readAfterWriteLagMs } from "../dist/deployment/sharedReads";
export { comparisonOf, defaultValueOf, onChangeOf, type AnyResourceDefinition } from "../dist/provider/definition";
