/**
 * The "docs" peer: the hand-written provider exactly as Pulumi's dynamic-provider guide shows it,
 * every request sent once with Node's global `fetch`. A 429 fails the operation.
 */
import { handWrittenProviders } from "./handWritten";

/** The docs peer's providers. */
export const docsProviders = handWrittenProviders((url, init) => fetch(url, init));
