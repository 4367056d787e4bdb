/**
 * The simulator's request log: every request to the Tines API it receives, in order, in memory (at
 * `GET /_simulator/requests` and {@link TinesSimulator.log}), and, with `logPath`, appended to a
 * file as NDJSON, one {@link SimulatorRequestLogLine} per request.
 */
import { createWriteStream, type WriteStream } from "node:fs";
import type { TinesSimulator } from "./server";

/** One line of the request log. */
export interface SimulatorRequestLogEntry {
  /** HTTP method. */
  method: string;
  /** Path without the query. */
  path: string;
  /** The query string, without `?`. */
  query: string;
  /** Status sent, or what happened instead. */
  status: number | "reset" | "hang";
  /** Which key made it: `owner`, `team:<id>`, or `none`/`invalid` (never the key itself). */
  key: string;
  /** The `User-Agent` header. */
  userAgent: string;
  /** When it arrived (ms since epoch). */
  startedAt: number;
  /** How long it took to answer, in ms. */
  durationMs: number;
}

/** One line of the request log as `--log` writes it and `GET /_simulator/requests` answers it. */
export interface SimulatorRequestLogLine {
  /** When it arrived, ISO 8601. */
  time: string;
  method: string;
  path: string;
  query: string;
  status: number | "reset" | "hang";
  /** The `User-Agent` header. */
  userAgent: string;
  /** Which key made it (never the key itself). */
  key: string;
  durationMs: number;
}

/** A request log entry as a line. */
export function requestLogLine(entry: SimulatorRequestLogEntry): SimulatorRequestLogLine {
  return {
    time: new Date(entry.startedAt).toISOString(),
    method: entry.method,
    path: entry.path,
    query: entry.query,
    status: entry.status,
    userAgent: entry.userAgent,
    key: entry.key,
    durationMs: entry.durationMs,
  };
}

/** The log in memory, and the file it is appended to, if any. */
export class RequestLog {
  /** Every request received, in order; an entry is added on arrival and completed once answered. */
  readonly entries: SimulatorRequestLogEntry[] = [];
  private readonly file: WriteStream | undefined;

  /** @param logPath A file to append each finished request to, opened now. */
  constructor(logPath: string | undefined) {
    this.file = logPath ? createWriteStream(logPath, { flags: "a" }) : undefined;
  }

  /** Adds a request on arrival; its status and duration are filled in once it is answered, then {@link written}. */
  add(entry: SimulatorRequestLogEntry): void {
    this.entries.push(entry);
  }

  /** Appends a finished request to the file. */
  written(entry: SimulatorRequestLogEntry): void {
    this.file?.write(`${JSON.stringify(requestLogLine(entry))}\n`);
  }

  /** Requests in the log matching a method and a path prefix or pattern. */
  count(method?: string, path?: string | RegExp): number {
    return this.entries.filter(
      (entry) =>
        (method === undefined || entry.method === method) &&
        (path === undefined || (typeof path === "string" ? entry.path.startsWith(path) : path.test(entry.path))),
    ).length;
  }

  /** Empties the log in memory (the file keeps what it has). */
  clear(): void {
    this.entries.length = 0;
  }

  /** Closes the file, once what was written is flushed. */
  async close(): Promise<void> {
    const file = this.file;
    if (file) await new Promise<void>((resolve) => file.end(() => resolve()));
  }
}
