/**
 * `npm run bench`, TinesTeamMembers: the requests each operation makes on a team of 500 members,
 * through the real dynamic-provider host against the simulator. Target: one paged read of the
 * member list (500 a page) plus one write per change (a re-role is two: remove, then invite), plus
 * one paged read back when anything changed (verified writes).
 */
import { startTinesSimulator, type TinesSimulator } from "pulumi-tines/simulator";
import { DynamicProviderEngine, type EngineResourceState } from "../runner/engine";
import { ProviderHost } from "../runner/providerHost";
import { repositoryRoot } from "./paths";

/** The size of the team measured. */
export const benchTeamSize = 500;

/** One measured operation. */
export interface TeamMembersRow {
  operation: string;
  /** Members added, re-roled and removed. */
  changes: number;
  /** Requests that read (GET). */
  reads: number;
  /** Requests that write. */
  writes: number;
  /** What the target allows: one paged read plus one write per change (two per re-role), plus the read back after changes. */
  target: string;
}

function measured(simulator: TinesSimulator, operation: string, changes: number, target: string): TeamMembersRow {
  const reads = simulator.log.filter((entry) => entry.method === "GET").length;
  return { operation, changes, reads, writes: simulator.log.length - reads, target };
}

/** Runs the TinesTeamMembers measurements on a team of {@link benchTeamSize} members. */
export async function teamMembersRequests(): Promise<TeamMembersRow[]> {
  const simulator = await startTinesSimulator({ userDeletionDelayMs: 0 });
  const team = simulator.state.createTeam("Security Operations");
  const ids: number[] = [];
  for (let index = 0; index < benchTeamSize; index += 1) ids.push(simulator.state.createUser({ email: `member${index}@example.com` }).id);
  for (const userId of ids) simulator.state.seedMembership(team.id, userId, "VIEWER");
  const declared = (from: number, to: number) => ids.slice(from, to).map((userId) => ({ userId }));
  const pages = Math.ceil(benchTeamSize / 500);
  const rows: TeamMembersRow[] = [];
  const hosts: ProviderHost[] = [];
  // A fresh host per role: a host's preview-check facts go stale once it changes the tenant.
  const startHost = async (previewChecks: boolean) => {
    const host = await ProviderHost.start({ programDirectory: repositoryRoot });
    hosts.push(host);
    await host.configure({ "tines:tenant": simulator.url, "tines:apiKey": simulator.apiKey, "tines:previewChecks": String(previewChecks) });
    return new DynamicProviderEngine(host);
  };
  try {
    // Adopting the team with its last 50 members undeclared (added by hand, say).
    const adopt = { teamId: team.id, members: declared(0, benchTeamSize - 50), adoptExisting: true };
    simulator.log.length = 0;
    await (await startHost(true)).preview("TeamMembers", "bench", adopt);
    rows.push({ ...measured(simulator, "preview with checks (teams, roles, member list)", 0, ""), target: `2 + ${pages} reads, 0 writes` });

    const engine = await startHost(false);
    simulator.log.length = 0;
    let state: EngineResourceState = (await engine.up("TeamMembers", "bench", adopt)).state;
    rows.push(measured(simulator, "create, adopting: 50 undeclared removed", 50, `${pages} + 50 + ${pages}`));

    // 50 added (those removed by the create), 10 re-roled, 50 removed.
    const changed = {
      ...adopt,
      members: [...declared(0, 10).map((member) => ({ ...member, role: "EDITOR" })), ...declared(10, benchTeamSize - 100), ...declared(benchTeamSize - 50, benchTeamSize)],
    };
    simulator.log.length = 0;
    state = (await engine.up("TeamMembers", "bench", changed, state)).state;
    rows.push(measured(simulator, "update: 50 added, 10 re-roled, 50 removed", 110, `${pages} + 50 + 2 x 10 + 50 + ${pages}`));

    simulator.log.length = 0;
    state = (await engine.refresh(state))!;
    rows.push(measured(simulator, "refresh", 0, `${pages} + 0`));

    simulator.log.length = 0;
    await engine.destroy(state);
    const kept = changed.members.length;
    rows.push(measured(simulator, `delete: ${kept - 1} removed, the last one kept (Tines refuses)`, kept, `1 read (to name the last) + ${kept}`));
    return rows;
  } finally {
    await Promise.all(hosts.map((host) => host.stop()));
    await simulator.stop();
  }
}

/** The Markdown section of the report. */
export function teamMembersReport(rows: readonly TeamMembersRow[]): string {
  const lines = [
    `### TinesTeamMembers on a team of ${benchTeamSize} members`,
    "",
    "| operation | changes | reads | writes | target (reads + writes) |",
    "|---|---|---|---|---|",
    ...rows.map((row) => `| ${row.operation} | ${row.changes} | ${row.reads} | ${row.writes} | ${row.target} |`),
    "",
    "Target: one paged read of the member list (500 a page) plus one write per change; a re-role is two writes (Tines has no role update); after any change, one paged read back checks that Tines holds what it answered (verified writes).",
  ];
  return lines.join("\n");
}
