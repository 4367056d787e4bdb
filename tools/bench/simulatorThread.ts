/**
 * The simulator on a thread of its own, for the bulk runs. A real tenant does its work on Tines'
 * machines; run on the driver's event loop, the simulator's request handling would sit in the queue
 * with the gRPC calls of the process standing in for the Pulumi engine and be charged to the
 * provider's wall time (measured: about 0.03 of the ratio at 300 users). The thread is
 * driven by messages: set faults, take the request log.
 */
import { Worker, isMainThread, parentPort, workerData } from "node:worker_threads";
import { seedTenant, startTinesSimulator, type SimulatorFaults, type TinesSimulatorOptions } from "pulumi-tines/simulator";

/** What the bench reads of each request. */
export interface LoggedRequest {
  method: string;
  path: string;
  status: number;
}

type Request = { type: "setFaults"; faults: SimulatorFaults } | { type: "takeLog" } | { type: "stop" };
type Message = Request & { id: number };

/** A simulator running on its own thread. */
export interface SimulatorThread {
  url: string;
  apiKey: string;
  /** Replaces the injected faults. */
  setFaults(faults: SimulatorFaults): Promise<void>;
  /** The requests logged since the last call, oldest first; empties the log. */
  takeLog(): Promise<LoggedRequest[]>;
  /** Stops the simulator and the thread. */
  stop(): Promise<void>;
}

interface ThreadData {
  role: "pulumi-tines-bench-simulator";
  options: TinesSimulatorOptions;
  seedTeams: string[];
}

/** Starts a simulator, seeded with `seedTeams`, on a new thread. */
export async function startSimulatorThread(options: TinesSimulatorOptions, seedTeams: string[]): Promise<SimulatorThread> {
  const data: ThreadData = { role: "pulumi-tines-bench-simulator", options, seedTeams };
  const worker = new Worker(__filename, { workerData: data });
  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  let nextId = 0;
  const started = new Promise<{ url: string; apiKey: string }>((resolve, reject) => {
    worker.once("error", reject);
    worker.once("message", resolve);
  });
  const { url, apiKey } = await started;
  worker.on("message", (reply: { id: number; value: unknown }) => {
    pending.get(reply.id)?.resolve(reply.value);
    pending.delete(reply.id);
  });
  // A thread that dies fails whatever is waiting on it, rather than leaving the bench hanging.
  worker.on("error", (error) => {
    for (const waiter of pending.values()) waiter.reject(error);
    pending.clear();
  });
  const ask = <Value>(message: Request) =>
    new Promise<Value>((resolve, reject) => {
      nextId += 1;
      pending.set(nextId, { resolve: resolve as (value: unknown) => void, reject });
      worker.postMessage({ ...message, id: nextId });
    });
  return {
    url,
    apiKey,
    setFaults: (faults) => ask({ type: "setFaults", faults }),
    takeLog: () => ask({ type: "takeLog" }),
    stop: async () => {
      await ask({ type: "stop" });
      await worker.terminate();
    },
  };
}

async function serveInThisThread(data: ThreadData): Promise<void> {
  const simulator = await startTinesSimulator(data.options);
  seedTenant(simulator.state, data.seedTeams);
  parentPort!.on("message", async (message: Message) => {
    let value: unknown;
    if (message.type === "setFaults") simulator.setFaults(message.faults);
    if (message.type === "takeLog") value = simulator.log.splice(0).map(({ method, path, status }) => ({ method, path, status }));
    if (message.type === "stop") await simulator.stop();
    parentPort!.postMessage({ id: message.id, value });
  });
  parentPort!.postMessage({ url: simulator.url, apiKey: simulator.apiKey });
}

if (!isMainThread && (workerData as ThreadData | undefined)?.role === "pulumi-tines-bench-simulator") {
  void serveInThisThread(workerData as ThreadData);
}
