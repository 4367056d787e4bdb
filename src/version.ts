/**
 * The version of this package, read from its own package.json so the `User-Agent` header always
 * names the release that is really running (delete and refresh run the installed package).
 */
export const packageVersion: string = (require("../package.json") as { version: string }).version;
