/**
 * The demo's refresh: someone changes the tenant outside Pulumi (in the Tines UI, say), then
 * `pulumi refresh` reads every resource of the stack and records what Tines now holds. The changes
 * are made through the simulator's state, as a person in the UI would make them, on objects the
 * stack's last `up` did not write (and the refresh attributes them from the audit logs, in
 * requests of their own, counted apart): a refresh waits out Tines' read-after-write lag only for what
 * was written in the last seconds (docs/guides/refresh.md; the state records when each object was
 * written, so a refresh in a process of its own waits too), and the demo shows the plain case: its
 * refresh starts once that lag has passed since the last write of the stack, as a refresh after a
 * person's edits in the UI would.
 */
import type { TinesSimulator } from "pulumi-tines/simulator";
import { readAfterWriteLagMs } from "../internals";
import type { DemoRunner, DemoStep } from "./hostRunner";

/** One change made outside Pulumi, and the step a refresh should show for it. */
export interface OutOfBandChange {
  /** What was done, as the demo says it. */
  description: string;
  /** The kind of the resource whose refresh shows it. */
  kind: DemoStep["kind"];
  /** The output property the refresh should see change. */
  property: string;
}

/**
 * Changes the bootstrap stack's tenant outside Pulumi: Ada's last name, Grace's place on Detection
 * Engineering, the template's description. Each is a change a refresh must record.
 */
export function changeOutsidePulumi(simulator: TinesSimulator): OutOfBandChange[] {
  const { state } = simulator;
  const ada = state.findUserByEmail("ada.lovelace@example.com");
  const grace = state.findUserByEmail("grace.hopper@example.com");
  const detection = state.listTeams("all").find((team) => team.name === "Detection Engineering");
  const template = state.listTemplates()[0];
  if (!ada || !grace || !detection || !template) throw new Error("the bootstrap stack should hold Ada, Grace, Detection Engineering and a template");
  state.updateUser(ada.id, { last_name: "King" });
  state.removeMember(detection.id, grace.id);
  state.updateTemplate(template.id, { description: "Asks AbuseIPDB about an IP address (edited in the Tines UI)." });
  return [
    { description: "Ada's last name changed to King", kind: "User", property: "lastName" },
    { description: "Grace removed from Detection Engineering", kind: "Team", property: "members" },
    { description: "the template's description edited", kind: "PrivateTemplate", property: "description" },
  ];
}

/** What the demo's refresh did. */
export interface DemoRefresh {
  steps: DemoStep[];
  /** Requests the refresh sent to read the stack's resources. */
  requests: number;
  /** Requests to the audit logs, which attribute the changes found (`GET /audit_logs`), counted apart. */
  auditLogRequests: number;
  /** The changes no refresh step showed (empty when the refresh saw them all). */
  missed: OutOfBandChange[];
}

/** Runs `pulumi refresh` through `runner`, counting its requests, and matches its steps with `changes`. */
export async function refreshAfter(runner: DemoRunner, simulator: TinesSimulator, changes: OutOfBandChange[], onStep: (step: DemoStep) => void): Promise<DemoRefresh> {
  await pastTheLagOfTheLastWrite(simulator);
  const before = simulator.log.length;
  const steps = await runner.refresh(onStep);
  const sent = simulator.log.slice(before);
  const auditLogRequests = sent.filter((entry) => entry.path.startsWith("/api/v1/audit_logs")).length;
  // A change is seen when an update of its kind records its property (the Pulumi CLI's steps say
  // only that a resource changed, not what: there, the update is enough).
  const recorded = (step: DemoStep, change: OutOfBandChange) => step.changes === undefined || step.changes.some((line) => line.startsWith(`${change.property}:`));
  const missed = changes.filter((change) => !steps.some((step) => step.kind === change.kind && step.operation === "update" && recorded(step, change)));
  return { steps, requests: sent.length - auditLogRequests, auditLogRequests, missed };
}

/** Waits until Tines' read-after-write lag has passed since the last write pulumi-tines sent (its User-Agent, in the request log). */
async function pastTheLagOfTheLastWrite(simulator: TinesSimulator): Promise<void> {
  const writes = simulator.log.filter((entry) => entry.method !== "GET" && entry.userAgent.startsWith("pulumi-tines/"));
  const lastWriteEnded = Math.max(0, ...writes.map((entry) => entry.startedAt + entry.durationMs));
  const waitMs = lastWriteEnded + readAfterWriteLagMs - Date.now();
  if (waitMs > 0) await new Promise((resolve) => setTimeout(resolve, waitMs));
}
