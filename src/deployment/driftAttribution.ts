/**
 * Drift attributed from Tines' audit logs, once per refresh (issue 23). A refresh's reads run
 * concurrently in one provider process ("Scheduling" in pulumi-dynamic-providers.md) and nothing
 * tells the provider when the refresh ends, so the reads that find drift wait together:
 *
 * - every refresh read is counted while it runs ({@link DriftAttribution.readStarted});
 * - a read that found drift (or its object gone) reports it and waits until every read still
 *   running is waiting too and no read has started or ended for a moment (or, at the latest,
 *   {@link DriftAttributionOptions.maxWaitMs}): then ONE paged read of the audit logs, from the
 *   oldest time any of them was last written to now, serves them all;
 * - what was read stays for the process: a later report is served from it, with a read only of
 *   what it does not cover (older than its start, or newer than its end while the read that found
 *   the drift started after it). A refresh with no drift reads nothing.
 *
 * Each finding becomes one warning line (audit/attribution.ts). A key that may not read the audit
 * logs (a 403: it needs `AUDIT_LOG_READ` or a tenant owner, tines-api.md) gives ONE warning for
 * the process, and the lines then say only what changed; nothing here ever fails a read.
 */
import { engineLog } from "../engineLog";
import { TinesApiError, TinesError, defaultOperationTimeoutMs, withOperationDeadline, type TinesAuditLogEntryObject, type TinesClient, type TinesTeamObject } from "../client";
import { causeOf, driftLine, type AuditSubject, type DriftCause, type DriftFinding } from "../audit/attribution";
import type { AuditedObject } from "../audit/entries";

/** Tunables; the defaults suit a real refresh. */
export interface DriftAttributionOptions {
  /** How long no read may start or end before the waiting reports are served (ms). Default 200. */
  settleMs?: number;
  /** The longest a report waits for other reads before the audit logs are read anyway (ms). Default 15 000. */
  maxWaitMs?: number;
  /**
   * How far back to look for an object whose state records no time of its last write (every
   * resource records `__writtenAt` when written, users and custom roles also `updatedAt`; a state
   * written by an older release may have neither). Default 30 days.
   */
  lookbackMs?: number;
}

/** One refresh finding to attribute. */
export interface DriftReport {
  /** The Tines objects the resource is; a team without a name is named from the team list. */
  objects: AuditedObject[];
  finding: DriftFinding;
  /** When the object was last written as the state records it (its `updatedAt`), if it records one. */
  lastWrittenAt?: number;
  /** When the read that found it started (ms). */
  readStartedAt: number;
}

/** Clocks differ: Tines stamps entries with its own, in whole seconds. */
const clockSkewMs = 60_000;

/** The audit-log entries read so far: every entry made from `from` to `to` (ms). */
interface ReadWindow {
  from: number;
  to: number;
  entries: Map<number, TinesAuditLogEntryObject>;
}

interface Waiting {
  report: DriftReport;
  since: number;
  resolve: () => void;
}

/** The drift attribution of one deployment (one per {@link TenantDeployment}); see the file comment. */
export class DriftAttribution {
  private readonly settleMs: number;
  private readonly maxWaitMs: number;
  private readonly lookbackMs: number;
  private readsInFlight = 0;
  private lastActivity = 0;
  private waiting: Waiting[] = [];
  private timer: NodeJS.Timeout | undefined;
  private window: ReadWindow | undefined;
  /** Reads of the audit logs, one after another. */
  private reading: Promise<void> = Promise.resolve();
  /** Why the audit logs cannot be read (said once), once they could not be. */
  private unavailable: string | undefined;

  constructor(
    private readonly client: TinesClient,
    /** The tenant's teams, read at most once by the deployment: names for messages. */
    private readonly teams: () => Promise<TinesTeamObject[]>,
    options: DriftAttributionOptions = {},
  ) {
    this.settleMs = options.settleMs ?? 200;
    this.maxWaitMs = options.maxWaitMs ?? 15_000;
    this.lookbackMs = options.lookbackMs ?? 30 * 24 * 60 * 60 * 1000;
  }

  /** Counts a refresh read until the returned function is called; returns it with the read's start time. */
  readStarted(): { startedAt: number; done: () => void } {
    this.readsInFlight += 1;
    this.lastActivity = Date.now();
    let finished = false;
    return {
      startedAt: this.lastActivity,
      done: () => {
        if (finished) return;
        finished = true;
        this.readsInFlight -= 1;
        this.lastActivity = Date.now();
        this.schedule();
      },
    };
  }

  /** Logs the finding's line, with who changed it when the audit logs say; never throws. */
  async report(report: DriftReport): Promise<void> {
    try {
      const subject = await this.subjectOf(report.objects);
      let cause: DriftCause = { found: "unknown" };
      if (this.unavailable === undefined) {
        const since = report.lastWrittenAt !== undefined ? report.lastWrittenAt - clockSkewMs : report.readStartedAt - this.lookbackMs;
        await new Promise<void>((resolve) => {
          this.waiting.push({ report, since, resolve });
          this.schedule();
        });
        if (this.unavailable === undefined && this.window) cause = causeOf(subject, report.finding, [...this.window.entries.values()], this.window.from);
      }
      void engineLog.warn(driftLine(subject, report.finding, cause));
    } catch {
      // Attribution only adds to a refresh: whatever went wrong here, the read's result stands.
    }
  }

  private schedule(): void {
    if (this.waiting.length === 0) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.serveIfSettled(), this.settleMs);
  }

  /** Serves the waiting reports once every read in flight is one of them and the reads have settled (or one waited too long). */
  private serveIfSettled(): void {
    if (this.waiting.length === 0) return;
    const settled = this.readsInFlight <= this.waiting.length && Date.now() - this.lastActivity >= this.settleMs;
    const overdue = Date.now() - Math.min(...this.waiting.map((each) => each.report.readStartedAt)) >= this.maxWaitMs;
    if (!settled && !overdue) return this.schedule();
    const batch = this.waiting;
    this.waiting = [];
    const since = Math.min(...batch.map((each) => each.since));
    const startedAt = Math.max(...batch.map((each) => each.report.readStartedAt));
    this.reading = this.reading
      .then(() => this.cover(since, startedAt))
      .finally(() => batch.forEach((each) => each.resolve()));
  }

  /** Reads what the window lacks for drift found since `since` by a read that started at `startedAt`. */
  private async cover(since: number, startedAt: number): Promise<void> {
    if (this.unavailable !== undefined) return;
    try {
      // A read of its own, bounded as any operation, not by one resource's remaining time.
      await withOperationDeadline(defaultOperationTimeoutMs, async () => {
        if (!this.window) {
          const to = Date.now();
          this.window = { from: since, to, entries: await this.entries(since, to) };
          return;
        }
        if (since < this.window.from) {
          for (const [id, entry] of await this.entries(since, this.window.from)) this.window.entries.set(id, entry);
          this.window.from = since;
        }
        if (this.window.to < startedAt) {
          const to = Date.now();
          for (const [id, entry] of await this.entries(this.window.to - clockSkewMs, to)) this.window.entries.set(id, entry);
          this.window.to = to;
        }
      }, "the audit-log read's own bound");
    } catch (error) {
      if (!(error instanceof TinesError)) throw error;
      this.unavailable = error.message;
      const forbidden = error instanceof TinesApiError && error.isForbidden;
      void engineLog.warn(
        forbidden
          ? `the API key may not read ${this.client.tenantUrl}'s audit logs (it needs the AUDIT_LOG_READ permission or a tenant owner's key), ` +
              `so this refresh does not say who changed what it found changed; the refresh goes on`
          : `the audit logs of ${this.client.tenantUrl} could not be read, so this refresh does not say who changed what it found changed; the refresh goes on: ${error.message}`,
      );
    }
  }

  /** The entries from `since` to `until`, paged (the client paces them within the audit-log rate limit). */
  private async entries(since: number, until: number): Promise<Map<number, TinesAuditLogEntryObject>> {
    const entries = await this.client.auditLogs.listAll({ since: new Date(since), until: new Date(until + clockSkewMs) });
    return new Map(entries.map((entry) => [entry.id, entry] as const));
  }

  /** The subject with its teams named: `bob@acme.com on team Detection`. */
  private async subjectOf(objects: AuditedObject[]): Promise<AuditSubject> {
    let named = objects;
    if (objects.some((object) => object.kind === "team" && object.name === undefined)) {
      const teams = await this.teams().catch(() => [] as TinesTeamObject[]);
      named = objects.map((object) =>
        object.kind === "team" && object.name === undefined ? { ...object, name: teams.find((team) => object.ids.includes(String(team.id)))?.name } : object,
      );
    }
    return { label: labelOf(named), objects: named };
  }
}

const kindWords: Record<AuditedObject["kind"], string> = {
  user: "user",
  team: "team",
  template: "private template",
  role: "custom role",
  scimGroupMapping: "SCIM group mapping",
};

/** `user bob@acme.com`, `team Detection`; several objects: `bob@acme.com on team Detection`. */
function labelOf(objects: AuditedObject[]): string {
  const shown = (object: AuditedObject) => object.emails?.[0] ?? object.name ?? object.ids[0] ?? "";
  if (objects.length === 1) return `${kindWords[objects[0]!.kind]} ${shown(objects[0]!)}`.trim();
  const [first, ...rest] = objects;
  return [shown(first!), ...rest.map((object) => `${kindWords[object.kind]} ${shown(object)}`)].join(" on ");
}
