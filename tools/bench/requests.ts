/**
 * What one resource costs: the requests each operation makes (check, diff, create, read, update,
 * delete, adoption in a tenant of 2,000 users), the requests a preview makes with tenant checks on,
 * and the bytes a resource adds to the state.
 */
import { seedTenant, startTinesSimulator, type TinesSimulator } from "pulumi-tines/simulator";
import { repositoryRoot } from "./paths";
import type { DynamicProviderEngine, EngineResourceState } from "../runner/engine";
import { ProviderHost, withProvider } from "../runner/providerHost";
import { getRole, getTeam, getUser, listRoles, listTeams, listUsers } from "pulumi-tines";
import { tinesResourceRegistry, type TinesResourceKind } from "../internals";

// Requests per operation ---------------------------------------------------------------------------

/** The requests of each operation on one resource kind. */
export interface OperationCounts {
  resource: TinesResourceKind;
  check: number;
  diff: number;
  create: number;
  read: number;
  update: number;
  delete: number;
  adopt?: number;
}

/** Counts the requests of each operation, per resource kind, and of adoption in a tenant of 2,000 users. */
export async function requestsPerOperation(simulator: TinesSimulator, engine: DynamicProviderEngine) {
  const count = async (action: () => Promise<unknown>) => {
    simulator.log.length = 0;
    await action();
    return simulator.log.length;
  };
  // Every kind of the registry, with the inputs its definition gives as a sample.
  const declared = Object.entries(tinesResourceRegistry).map(([kind, load]) => {
    const { sample } = load().definition;
    return [kind as TinesResourceKind, sample.create, sample.update] as const;
  });
  const rows: OperationCounts[] = [];
  const states: Partial<Record<TinesResourceKind, EngineResourceState>> = {};
  for (const [kind, args, changed] of declared) {
    const urn = engine.urn(kind, "bench");
    let state: EngineResourceState | undefined;
    const row: OperationCounts = {
      resource: kind,
      check: await count(() => engine.host.check(urn, {}, withProvider(kind, args))),
      diff: 0,
      create: await count(async () => (state = (await engine.up(kind, "bench", args)).state)),
      read: 0,
      update: 0,
      delete: 0,
    };
    row.diff = await count(() => engine.host.diff(urn, state!.id, state!.outputs, withProvider(kind, changed)));
    row.read = await count(() => engine.refresh(state!));
    row.update = await count(async () => (state = (await engine.up(kind, "bench", changed, state)).state));
    states[kind] = state;
    row.delete = await count(() => engine.destroy(state!));
    rows.push(row);
  }

  // Adoption in a tenant of 2,000 users, the adopted one listed last: the worst case.
  const tenantUsers = 2000;
  for (let index = simulator.state.listUsers().length; index < tenantUsers - 1; index += 1) {
    simulator.state.createUser({ email: `existing${index}@example.com` });
  }
  simulator.state.createUser({ email: "adopt.me@example.com" });
  const row = (kind: TinesResourceKind) => rows.find((each) => each.resource === kind)!;
  row("User").adopt = await count(() => engine.up("User", "adopted", { email: "adopt.me@example.com", firstName: "Adopted", adoptExisting: true }));
  const adopted = simulator.state.findUserByEmail("adopt.me@example.com")!;
  simulator.state.seedMembership(2, adopted.id, "EDITOR");
  row("TeamMembership").adopt = await count(() => engine.up("TeamMembership", "adopted", { teamId: 2, userId: adopted.id, role: "EDITOR", adoptExisting: true }));
  row("Team").adopt = await count(() => engine.up("Team", "adopted", { name: "IT Operations", adoptExisting: true }));
  simulator.state.addCustomRole("ADOPT_ME", { permissions: ["STORY_READ"] });
  row("CustomRole").adopt = await count(() => engine.up("CustomRole", "adopted", { name: "ADOPT_ME", permissions: ["STORY_READ", "STORY_COMMENT"], adoptExisting: true }));
  return { rows, tenantUsers, states, lookups: await lookupRequests(simulator, count, tenantUsers) };
}

/** The requests of one call of each lookup, in the same tenant (of `tenantUsers` users). */
async function lookupRequests(simulator: TinesSimulator, count: (action: () => Promise<unknown>) => Promise<number>, tenantUsers: number) {
  const options = { tenant: simulator.url, apiKey: simulator.apiKey };
  const calls: Array<[string, () => Promise<unknown>, string?]> = [
    ["getTeam", () => getTeam({ name: "IT Operations" }, options), "by name; by id the same"],
    ["getRole", () => getRole({ name: "EDITOR" }, options)],
    ["getUser", () => getUser({ email: "adopt.me@example.com" }, options), "by email, the user listed last; by id, 1"],
    ["listUsers", () => listUsers({}, options), "500 users a page"],
    ["listTeams", () => listTeams(options)],
    ["listRoles", () => listRoles(options)],
  ];
  const rows: Array<{ lookup: string; requests: number; tenantUsers?: number; note?: string }> = [];
  for (const [lookup, call, note] of calls) {
    const requests = await count(call);
    rows.push({ lookup, requests, ...(lookup.endsWith("User") || lookup === "listUsers" ? { tenantUsers } : {}), ...(note ? { note } : {}) });
  }
  return rows;
}

// Preview checks -----------------------------------------------------------------------------------

/** Requests a preview of `resources` users and as many memberships makes with tenant checks on. */
export async function previewCheckRequests(resources: number, tenantUsers: number) {
  const simulator = await startTinesSimulator({ userDeletionDelayMs: 0 });
  seedTenant(simulator.state, ["Security Operations", "IT Operations"]);
  for (let index = simulator.state.listUsers().length; index < tenantUsers; index += 1) simulator.state.createUser({ email: `existing${index}@example.com` });
  const host = await ProviderHost.start({ programDirectory: repositoryRoot });
  try {
    // Tenant checks are on by default with a tenant and a key.
    await host.configure({ "tines:tenant": simulator.url, "tines:apiKey": simulator.apiKey });
    simulator.log.length = 0;
    const started = Date.now();
    const checks: Array<Promise<unknown>> = [];
    for (let index = 0; index < resources; index += 1) {
      checks.push(host.check(`urn:user:${index}`, {}, withProvider("User", { email: `preview${index}@example.com` })));
      checks.push(host.check(`urn:member:${index}`, {}, withProvider("TeamMembership", { teamId: 1, email: `preview${index}@example.com`, role: "EDITOR" })));
    }
    await Promise.all(checks);
    return { resources: resources * 2, tenantUsers, requests: simulator.log.length, seconds: (Date.now() - started) / 1000 };
  } finally {
    await host.stop();
    await simulator.stop();
  }
}

// State cost ---------------------------------------------------------------------------------------

/** Bytes of `__provider`, and of inputs plus outputs, of one resource of each kind. */
export function stateCost(states: Partial<Record<TinesResourceKind, EngineResourceState>>) {
  return Object.entries(states).map(([kind, state]) => ({
    resource: kind,
    providerBytes: Buffer.byteLength(String(state!.outputs.__provider)),
    inputsPlusOutputsBytes: Buffer.byteLength(JSON.stringify(state!.inputs)) + Buffer.byteLength(JSON.stringify(state!.outputs)),
  }));
}
