/**
 * What the published types say about a resource's or a lookup's properties: each property's type
 * as TypeScript prints it, whether a program may omit it, and its TSDoc, read with the TypeScript
 * compiler from the package's own sources. The reference pages show what users' editors show,
 * because both come from the same declarations.
 */
import { join } from "node:path";
import ts from "typescript";

/** One property as the types declare it. */
export interface PropertyFacts {
  name: string;
  /** The type as TypeScript prints it (`string[]`, `"delete" | "deactivate"`). */
  type: string;
  /** Whether a program may leave it out. */
  optional: boolean;
  /** The TSDoc text, on one line. */
  description: string;
  /** The TSDoc `@defaultValue` tag's text, if the property has one (what an editor's hover shows as the default). */
  defaultTag?: string;
}

/** Reads types from the package's sources; one compiler program serves every page. */
export class TypeFacts {
  private readonly program: ts.Program;
  private readonly checker: ts.TypeChecker;

  constructor(repositoryRoot: string, files: readonly string[]) {
    const config = ts.getParsedCommandLineOfConfigFile(join(repositoryRoot, "tsconfig.json"), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined });
    if (!config) throw new Error("tsconfig.json could not be read");
    this.program = ts.createProgram({ rootNames: files.map((file) => join(repositoryRoot, file)), options: { ...config.options, noEmit: true } });
    this.checker = this.program.getTypeChecker();
  }

  /**
   * The properties of the exported type (alias or interface) `typeName` of `file`. With `unwrap`,
   * a property typed `unwrap<T>` (the `InputValue<T>` of an `Args` type) shows `T`: what a program
   * passes, without the promise-or-output wrapper.
   */
  propertiesOfType(file: string, typeName: string, unwrap?: string): PropertyFacts[] {
    const symbol = this.exported(file, typeName);
    const type = this.checker.getDeclaredTypeOfSymbol(symbol);
    return this.properties(type, symbol.declarations![0]!, unwrap);
  }

  /** The properties of parameter `index` (`{ id } | { name }` gives both sides) and of the awaited return type of function `functionName`. */
  signatureOf(file: string, functionName: string): { parameters: PropertyFacts[][]; returns: PropertyFacts[]; returnType: string } {
    const symbol = this.exported(file, functionName);
    const declaration = symbol.declarations![0]!;
    const signature = this.checker.getSignaturesOfType(this.checker.getTypeOfSymbolAtLocation(symbol, declaration), ts.SignatureKind.Call)[0]!;
    const parameters = signature.getParameters().map((parameter) => {
      const type = this.checker.getTypeOfSymbolAtLocation(parameter, declaration);
      const sides = type.isUnion() ? type.types.filter((each) => each.getProperties().length > 0) : [type];
      return sides.flatMap((side) => this.properties(side, declaration));
    });
    let returned = signature.getReturnType();
    returned = this.checker.getAwaitedType(returned) ?? returned;
    const element = this.checker.isArrayType(returned) ? this.checker.getTypeArguments(returned as ts.TypeReference)[0]! : returned;
    return { parameters, returns: this.properties(element, declaration), returnType: this.print(returned, declaration) };
  }

  private exported(file: string, name: string): ts.Symbol {
    const source = this.program.getSourceFiles().find((each) => each.fileName.endsWith(file));
    if (!source) throw new Error(`${file} is not part of the program`);
    const moduleSymbol = this.checker.getSymbolAtLocation(source);
    let symbol = moduleSymbol && this.checker.getExportsOfModule(moduleSymbol).find((each) => each.name === name);
    if (!symbol) throw new Error(`${file} exports no ${name}`);
    if (symbol.flags & ts.SymbolFlags.Alias) symbol = this.checker.getAliasedSymbol(symbol);
    return symbol;
  }

  private properties(type: ts.Type, location: ts.Node, unwrap?: string): PropertyFacts[] {
    return this.checker.getPropertiesOfType(type).map((property) => {
      const propertyType = this.checker.getTypeOfSymbolAtLocation(property, location);
      const optional = (property.flags & ts.SymbolFlags.Optional) !== 0;
      let shown = optional ? this.checker.getNonNullableType(propertyType) : propertyType;
      if (unwrap !== undefined && shown.aliasSymbol?.name === unwrap && shown.aliasTypeArguments?.length) shown = shown.aliasTypeArguments[0]!;
      return {
        name: property.name,
        type: this.print(shown, location),
        optional,
        description: ts.displayPartsToString(property.getDocumentationComment(this.checker)).replace(/\s*\n\s*/g, " ").trim(),
        defaultTag: property
          .getJsDocTags(this.checker)
          .filter((tag) => tag.name === "defaultValue")
          .map((tag) => ts.displayPartsToString(tag.text).trim())[0],
      };
    });
  }

  private print(type: ts.Type, location: ts.Node): string {
    // A type named outside the file prints as `import("/abs/path").Name`: the page shows `Name`,
    // and no checkout's path.
    return this.checker.typeToString(type, location, ts.TypeFormatFlags.NoTruncation).replace(/import\("[^"]*"\)\./g, "");
  }
}
