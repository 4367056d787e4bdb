/**
 * The demo's own lines: steps in columns, warnings, and what the tenant holds, each count matching
 * what is listed under it. Kept apart from the demo's flow so a test can hold them to that.
 */
import { TinesClient, isTinesCustomRole } from "pulumi-tines/client";
import { tinesResourceKinds } from "../internals";
import type { TinesSimulator } from "pulumi-tines/simulator";
import type { DemoStep } from "./hostRunner";

/** The widest kind's name, so every step's name starts in one column. */
const kindWidth = Math.max(...tinesResourceKinds.map((kind) => kind.length));

/** One step, in columns: symbol, operation, kind, name. */
export function describeStep(step: DemoStep): string {
  // Symbols and operations padded to the widest of each ("+-", "replace"), so the columns line up.
  const symbol = { create: "+ ", update: "~ ", replace: "+-", delete: "- ", same: "  " }[step.operation];
  const why = step.replaces?.length ? ` (replaced: ${step.replaces.join(", ")} changed)` : "";
  const changes = (step.changes ?? []).map((change) => `\n      ${change}`).join("");
  return `  ${symbol} ${step.operation.padEnd(7)} ${step.kind.padEnd(kindWidth)} ${step.name}${why}${changes}${step.error ? `\n      failed: ${step.error}` : ""}`;
}

/** A warning the run reported, under the steps. */
export function describeWarning(warning: string): string {
  return `     warning: ${warning}`;
}

/** Rows as columns as wide as their widest cell, separated by two spaces; the last column is not padded. */
export function columns(rows: string[][], alignRight: number[] = []): string[] {
  const widths = rows[0]?.map((_, index) => Math.max(...rows.map((row) => row[index]!.length))) ?? [];
  return rows.map((row) =>
    row
      .map((cell, index) => (index === row.length - 1 ? cell : alignRight.includes(index) ? cell.padStart(widths[index]!) : cell.padEnd(widths[index]!)))
      .join("  ")
      .trimEnd(),
  );
}

/** What the tenant holds, as the demo prints it: each count matches what is listed under it. */
export async function describeTenant(simulator: TinesSimulator): Promise<string[]> {
  const lines: string[] = [];
  const client = new TinesClient({ tenantUrl: simulator.url, apiKey: simulator.apiKey });
  try {
    const [users, teams, templates, roles] = await Promise.all([
      client.users.listAll({ includeTeamMemberships: true }),
      client.teams.list(),
      client.templates.list(),
      client.roles.list(),
    ]);
    lines.push(`\nThe tenant ${simulator.url} now holds:`);
    const customRoles = roles.filter(isTinesCustomRole);
    lines.push(`  Custom roles (${customRoles.length})`);
    for (const role of customRoles) lines.push(`    ${role.name} (role ${role.id}): ${(role.permissions ?? []).join(", ")}`);
    lines.push(`  Users (${users.length})`);
    const userRows = users.map((user) => {
      const flags = [user.admin ? "tenant owner" : undefined, user.is_active ? "active" : "deactivated", ...(user.tenant_permissions ?? [])];
      return [String(user.id), user.email, `${user.first_name ?? ""} ${user.last_name ?? ""}`.trim(), flags.filter(Boolean).join(", ")];
    });
    for (const line of columns(userRows, [0])) lines.push(`    ${line}`);
    const membersByTeam = await Promise.all(teams.map(async (team) => ({ team, members: await client.teams.listMembers(team.id) })));
    lines.push(`  Team memberships (${membersByTeam.reduce((count, { members }) => count + members.length, 0)})`);
    for (const { team, members } of membersByTeam) {
      lines.push(`    ${team.name} (team ${team.id}): ${members.map((member) => `${member.email} as ${member.role}`).join("; ")}`);
    }
    lines.push(`  Private templates (${templates.length})`);
    for (const template of templates) {
      const inputs = (template.action_inputs ?? []).map((input) => `${input.name}:${input.type}`).join(", ");
      lines.push(`    ${template.id}  "${template.name}", team ${template.team_id ?? "none"}, ${template.read_access} access, inputs ${inputs}`);
    }
    const outbox = simulator.state.snapshot().outbox;
    const shown = outbox.slice(-6);
    lines.push(`  Invitation emails sent so far: ${outbox.length}${shown.length < outbox.length ? `; the last ${shown.length}:` : ""}`);
    for (const mail of shown) lines.push(`    to ${mail.to} (${mail.kind === "team" ? `team ${mail.team_id}` : "tenant"})`);
  } finally {
    await client.close();
  }
  return lines;
}

