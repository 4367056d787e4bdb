/**
 * Which create last made or took over each Tines object, so that a delete never removes an object
 * another resource of the stack has taken over ({@link TakeoverLedger.takenOverByAnother}).
 *
 * A replacement creates the new resource before it deletes the old one, and a new resource with
 * `adoptExisting` takes over the very object the old one recorded. Within one provider process a
 * map is enough. But Pulumi runs each `TinesProvider` in a process of its own
 * (pulumi-dynamic-providers.md, "Explicit providers"), and a resource moved to another provider is
 * replaced (pkg/resource/deploy/step_generator.go, `providerChanged`: any change to or from an
 * explicit provider): renaming a TinesProvider, moving resources from the stack config to a
 * TinesProvider of the same tenant, or to a provider with another key of the same tenant, creates
 * each resource through the new provider's process (which adopts the object) and then deletes the
 * old one through the old provider's process, which never saw the adoption. So each takeover is
 * also written to a small file per object, in a directory every provider process of the machine
 * shares, and a delete consults it.
 *
 * The files hold a random token and a time, nothing of the key. They matter only within the
 * deployment of the takeover (the replaced resource is deleted in the same `pulumi up`), so an
 * entry older than {@link takeoverMemoryMs} is ignored. Where the directory cannot be written, the
 * ledger keeps to this process, as before.
 */
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { z } from "zod";

/** How long a takeover is remembered across processes, in ms: longer than any one deployment. */
export const takeoverMemoryMs = 12 * 60 * 60 * 1000;

/**
 * The environment variable that names the shared directory; by default `pulumi-tines-takeovers` in
 * the system's temporary directory. The CLI-free runner gives each run a directory of its own.
 */
export const takeoverDirectoryVariable = "PULUMI_TINES_TAKEOVER_DIRECTORY";

const entrySchema = z.object({ token: z.string(), at: z.number() });

/** The takeovers of one tenant: this process's in memory, and every process's in the shared directory. */
export class TakeoverLedger {
  private readonly tokens = new Map<string, string>();
  private readonly directory: string;

  /** @param tenantUrl The tenant's origin: objects of different tenants never meet. */
  constructor(private readonly tenantUrl: string) {
    this.directory = process.env[takeoverDirectoryVariable]?.trim() || join(tmpdir(), "pulumi-tines-takeovers");
  }

  /** Records that a create made, or took over, object `id` of `kind`, under `token`. */
  record(kind: string, id: string, token: string): void {
    this.tokens.set(`${kind} ${id}`, token);
    try {
      if (this.tokens.size === 1) this.forgetExpired();
      mkdirSync(this.directory, { recursive: true, mode: 0o700 });
      writeFileSync(this.fileOf(kind, id), JSON.stringify({ token, at: Date.now() }), { mode: 0o600 });
    } catch {
      // No shared directory: this process still knows (the ledger of one process, as before).
    }
  }

  /**
   * Whether object `id` of `kind` was last taken over by a create other than the one whose token is
   * `token` (a resource from an earlier deployment, or an older state, has none): in this process,
   * or in another provider process of this machine within {@link takeoverMemoryMs}.
   */
  takenOverByAnother(kind: string, id: string, token: unknown): boolean {
    const holder = this.tokens.get(`${kind} ${id}`) ?? this.sharedHolder(kind, id);
    return holder !== undefined && holder !== token;
  }

  /** Forgets object `id` of `kind` (deleted: an id Tines may give again). */
  forget(kind: string, id: string): void {
    this.tokens.delete(`${kind} ${id}`);
    rmSync(this.fileOf(kind, id), { force: true });
  }

  /** Removes the files no delete will read any more (older than {@link takeoverMemoryMs}): once per process and tenant, at its first takeover. */
  private forgetExpired(): void {
    const before = Date.now() - takeoverMemoryMs;
    let names: string[];
    try {
      names = readdirSync(this.directory);
    } catch {
      return;
    }
    for (const name of names) {
      const file = join(this.directory, name);
      try {
        if (statSync(file).mtimeMs < before) rmSync(file, { force: true });
      } catch {
        // Removed meanwhile by another process.
      }
    }
  }

  private sharedHolder(kind: string, id: string): string | undefined {
    let text: string;
    try {
      text = readFileSync(this.fileOf(kind, id), "utf8");
    } catch {
      return undefined;
    }
    let parsed: ReturnType<typeof entrySchema.safeParse>;
    try {
      parsed = entrySchema.safeParse(JSON.parse(text));
    } catch {
      return undefined;
    }
    if (!parsed.success || Date.now() - parsed.data.at > takeoverMemoryMs) return undefined;
    return parsed.data.token;
  }

  /** The object's file: a hash of tenant, kind and id, so no name says which tenant it is. */
  private fileOf(kind: string, id: string): string {
    return join(this.directory, createHash("sha256").update(`${this.tenantUrl}\n${kind}\n${id}`).digest("hex"));
  }
}
