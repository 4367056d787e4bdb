import { describe, expect, it } from "vitest";
import { EngineDeployment } from "../../tools/runner/engine";
import { useProviderHost } from "../helpers/host";
import { tracked } from "../helpers/tracked";

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
