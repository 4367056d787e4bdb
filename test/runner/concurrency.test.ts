import { describe, expect, it } from "vitest";
import { ConcurrencyLimit, runConcurrently } from "../../tools/runner/concurrency";
import { tracked } from "../helpers/tracked";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

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
});

describe("runConcurrently", () => {
  it("settles every item, failures included, in item order", async () => {
    const results = await runConcurrently([1, 2, 3, 4], 2, async (value) => {
      if (value === 3) throw new Error("three");
      return value * 10;
    });
    expect(results.map((result) => (result.status === "fulfilled" ? result.value : (result.reason as Error).message))).toEqual([10, 20, "three", 40]);
  });
});
