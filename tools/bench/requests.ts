/**
 * What one resource costs: the requests each operation makes (check, diff, create, read, update,
 * delete, adoption in a tenant of 2,000 users), the requests a preview makes with tenant checks on,
 * and the bytes a resource adds to the state.
 */
import { seedTenant, startTinesSimulator, type TinesSimulator } from "pulumi-tines/simulator";
import { repositoryRoot } from "./readme";
import type { DynamicProviderEngine, EngineResourceState } from "../runner/engine";
import { ProviderHost, withProvider } from "../runner/providerHost";
import type { TinesResourceKind } from "../internals";

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
  const declared: Array<[TinesResourceKind, Record<string, unknown>, Record<string, unknown>]> = [
    ["User", { email: "bench.user@example.com" }, { email: "bench.user@example.com", firstName: "Changed" }],
    ["TeamMembership", { teamId: 1, email: "bench.member@example.com", role: "VIEWER" }, { teamId: 1, email: "bench.member@example.com", role: "VIEWER", adoptExisting: true }],
    [
      "PrivateTemplate",
      { name: "Bench", vendor: "V", product: "P", agentType: "Agents::WebhookAgent", agentOptions: {} },
      { name: "Bench", vendor: "V", product: "P", agentType: "Agents::WebhookAgent", agentOptions: {}, description: "Changed" },
    ],
    ["Team", { name: "Bench team" }, { name: "Bench team renamed" }],
    ["CustomRole", { name: "BENCH_ROLE", permissions: ["STORY_READ"] }, { name: "BENCH_ROLE", permissions: ["STORY_READ"], description: "Changed" }],
  ];
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
  rows[0]!.adopt = await count(() => engine.up("User", "adopted", { email: "adopt.me@example.com", firstName: "Adopted", adoptExisting: true }));
  const adopted = simulator.state.findUserByEmail("adopt.me@example.com")!;
  simulator.state.seedMembership(2, adopted.id, "EDITOR");
  rows[1]!.adopt = await count(() => engine.up("TeamMembership", "adopted", { teamId: 2, userId: adopted.id, role: "EDITOR", adoptExisting: true }));
  rows[3]!.adopt = await count(() => engine.up("Team", "adopted", { name: "IT Operations", adoptExisting: true }));
  simulator.state.addCustomRole("ADOPT_ME", { permissions: ["STORY_READ"] });
  rows[4]!.adopt = await count(() => engine.up("CustomRole", "adopted", { name: "ADOPT_ME", permissions: ["STORY_READ", "STORY_COMMENT"], adoptExisting: true }));
  return { rows, tenantUsers, states };
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
