import { describe, expect, it } from "vitest";
import { ConcurrencyLimit, runConcurrently } from "../../tools/runner/concurrency";
import { EngineDeployment } from "../../tools/runner/engine";
import { useProviderHost } from "../helpers/host";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Wraps `run` so the returned record says how many calls were in flight at most, and in which order they started. */
function tracked<A extends unknown[], R>(run: (...args: A) => Promise<R>) {
  const record = { inFlight: 0, most: 0, started: [] as A[] };
  const wrapped = async (...args: A): Promise<R> => {
    record.started.push(args);
    record.most = Math.max(record.most, ++record.inFlight);
    try {
      return await run(...args);
    } finally {
      record.inFlight -= 1;
    }
  };
  return { record, wrapped };
}

describe("ConcurrencyLimit", () => {
  it("runs at most `limit` tasks at once and starts the rest in the order they were submitted", async () => {
    const limit = new ConcurrencyLimit(3);
    const { record, wrapped } = tracked((index: number) => sleep(5 + (index % 4)).then(() => index));
    const results = await Promise.all(Array.from({ length: 20 }, (_, index) => limit.run(() => wrapped(index))));
    expect(results).toEqual(Array.from({ length: 20 }, (_, index) => index));
    expect(record.most).toBe(3);
    expect(record.started.map(([index]) => index)).toEqual(Array.from({ length: 20 }, (_, index) => index));
  });

  it("frees the place of a task that fails", async () => {
    const limit = new ConcurrencyLimit(1);
    await expect(limit.run(() => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    await expect(limit.run(async () => "next")).resolves.toBe("next");
  });

  it("refuses a limit that is not a positive integer", () => {
    expect(() => new ConcurrencyLimit(0)).toThrow(RangeError);
    expect(() => new ConcurrencyLimit(1.5)).toThrow(RangeError);
  });

  it("runConcurrently settles every item, failures included, in item order", async () => {
    const results = await runConcurrently([1, 2, 3, 4], 2, async (value) => {
      if (value === 3) throw new Error("three");
      return value * 10;
    });
    expect(results.map((result) => (result.status === "fulfilled" ? result.value : (result.reason as Error).message))).toEqual([10, 20, "three", 40]);
  });
});

describe("EngineDeployment schedules a deployment as the Pulumi engine does", () => {
  const tines = useProviderHost({ seedTeams: ["Security Operations"] });

  it("checks one resource at a time, in registration order, and runs at most `parallelism` creates at once", async () => {
    tines.simulator.setFaults({ latencyMs: 20 });
    const host = tines.host;
    const check = tracked(host.check.bind(host));
    const create = tracked(host.create.bind(host));
    Object.assign(host, { check: check.wrapped, create: create.wrapped });
    try {
      const deployment = new EngineDeployment(tines.engine, 3);
      const results = await Promise.all(Array.from({ length: 12 }, (_, index) => deployment.up("User", `user-${index}`, { email: `user${index}@example.com` })));

      expect(results.map((result) => result.operation)).toEqual(Array(12).fill("create"));
      expect(check.record.most).toBe(1);
      expect(check.record.started.map(([urn]) => urn)).toEqual(results.map((result) => result.state.urn));
      expect(create.record.most).toBe(3);
      expect(tines.simulator.countRequests("POST", "/api/v1/admin/users")).toBe(12);
    } finally {
      for (const method of ["check", "create"]) Reflect.deleteProperty(host, method);
    }
  });

  it("runs refresh reads in the step executor, at most `parallelism` at once", async () => {
    const deployment = new EngineDeployment(tines.engine, 2);
    const states = await Promise.all(Array.from({ length: 6 }, (_, index) => deployment.up("User", `read-${index}`, { email: `read${index}@example.com` })));
    tines.simulator.setFaults({ latencyMs: 20 });
    const host = tines.host;
    const read = tracked(host.read.bind(host));
    Object.assign(host, { read: read.wrapped });
    try {
      const refreshed = await Promise.all(states.map((result) => deployment.refresh(result.state)));
      expect(refreshed.map((state) => state?.id)).toEqual(states.map((result) => result.state.id));
      expect(read.record.most).toBe(2);
    } finally {
      Reflect.deleteProperty(host, "read");
    }
  });
});
