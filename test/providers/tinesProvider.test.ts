/**
 * TinesProvider as a program sees it: what it registers (under the SDK's real serializer, through
 * `pulumi.runtime.setMocks`), the inputs it refuses, lookups given `{ provider }` against two
 * simulators, and the load-time check of the program's @pulumi/pulumi.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TinesProvider, TinesTeam, getTeam, listRoles } from "../../src";
import { minimumPulumiVersion, pulumiVersionProblem } from "../../src/pulumiVersion";
import { startTinesSimulator, type TinesSimulator } from "../../src/simulator";
import { repositoryRoot } from "../helpers/host";

interface Registration {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
  provider?: string;
}

const registrations: Registration[] = [];
const secretSignature = { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270" };

let staging: TinesSimulator;
let production: TinesSimulator;

beforeAll(async () => {
  [staging, production] = await Promise.all([startTinesSimulator(), startTinesSimulator()]);
  staging.state.createTeam("Staging Only");
  production.state.createTeam("Production Only");
  production.state.addCustomRole("RESPONDER");
  await pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        registrations.push({ type: args.type, name: args.name, inputs: args.inputs, ...(args.provider ? { provider: args.provider } : {}) });
        return { id: `${args.name}-id`, state: args.inputs };
      },
      call: () => ({}),
    },
    "project",
    "stack",
    true,
  );
});
afterAll(async () => {
  await Promise.all([staging.stop(), production.stop()]);
});

/** Waits until the SDK has registered `name`. */
async function registered(name: string): Promise<Registration> {
  for (let attempt = 0; attempt < 200; attempt += 1) {
    const found = registrations.find((registration) => registration.name === name);
    if (found) return found;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`${name} was never registered`);
}

describe("TinesProvider", () => {
  it("registers a pulumi-nodejs provider whose inputs are the tines:* settings as strings, the key a secret even when given plain", async () => {
    new TinesProvider("production", { tenant: "https://acme.tines.com", apiKey: "plain-key-123", requestTimeoutSeconds: 12, previewChecks: false });
    const provider = await registered("production");
    expect(provider.type).toBe("pulumi:providers:pulumi-nodejs");
    expect(provider.inputs).toEqual({
      "tines:tenant": "https://acme.tines.com",
      "tines:apiKey": { ...secretSignature, value: "plain-key-123" },
      "tines:requestTimeoutSeconds": "12",
      "tines:previewChecks": "false",
      "tines:providerName": "production",
    });
  });

  it("is the provider of a resource given { provider }, whose inputs hold no key", async () => {
    const provider = new TinesProvider("staging", { tenant: "https://staging.tines.com", apiKey: pulumi.secret("staging-key-456") });
    new TinesTeam("staging-team", { name: "Security Operations" }, { provider });
    const team = await registered("staging-team");
    expect(team.provider).toBe("urn:pulumi:stack::project::pulumi:providers:pulumi-nodejs::staging::staging-id");
    expect(JSON.stringify(team.inputs)).not.toContain("staging-key-456");
    expect(Object.keys(team.inputs).some((key) => key.startsWith("tines:"))).toBe(false);
    new TinesTeam("default-team", { name: "IT Operations" });
    expect((await registered("default-team")).provider).toBeUndefined();
  });

  it("refuses a bad setting in the program, naming the provider and the input, before registering anything", () => {
    const before = registrations.length;
    expect(() => new TinesProvider("bad", { tenant: "acme.tines.com", apiKey: "k" })).toThrow(/^TinesProvider "bad": tenant: The Tines tenant "acme.tines.com" is not a URL/);
    expect(() => new TinesProvider("bad", { tenant: "http://acme.tines.com", apiKey: "k" })).toThrow('TinesProvider "bad": tenant: The Tines tenant URL http://acme.tines.com uses plain http://');
    expect(() => new TinesProvider("bad", { tenant: "https://acme.tines.com", apiKey: "k", requestTimeoutSeconds: -1 })).toThrow(
      'TinesProvider "bad": requestTimeoutSeconds must be a positive number (got -1)',
    );
    expect(() => new TinesProvider("bad", { tenant: "https://acme.tines.com", apiKey: "k", maxAttempts: 2.5 })).toThrow(
      'TinesProvider "bad": maxAttempts must be a positive whole number (got 2.5)',
    );
    expect(() => new TinesProvider("bad", { tenant: "https://acme.tines.com", apiKey: "k", previewChecks: "yes" as never })).toThrow(
      'TinesProvider "bad": previewChecks must be true or false (got "yes")',
    );
    expect(() => new TinesProvider("bad", { tenant: "https://acme.tines.com", apiKey: "  " })).toThrow('TinesProvider "bad": apiKey must not be empty (got a bad key)');
    expect(() => new TinesProvider("bad", { tenant: "https://acme.tines.com" } as never)).toThrow('TinesProvider "bad": apiKey is required');
    expect(registrations.length).toBe(before);
  });

  it("never quotes back a tenant that is not a domain: a key given as the tenant stays out of the error", () => {
    const key = "tines-key-5f0c1e2d3b4a69788796a5b4c3d2e1f0";
    let message = "";
    try {
      new TinesProvider("swapped", { tenant: key, apiKey: "https://acme.tines.com" });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/^TinesProvider "swapped": tenant: The Tines tenant is not a URL/);
    expect(message).not.toContain(key);
  });
});

describe("lookups given { provider }", () => {
  it("ask that provider's tenant with its key, and nothing of another tenant", async () => {
    const stagingProvider = new TinesProvider("lookup-staging", { tenant: staging.url, apiKey: pulumi.secret(staging.apiKey) });
    const productionProvider = new TinesProvider("lookup-production", { tenant: production.url, apiKey: production.apiKey });
    const stagingRequests = staging.log.length;
    const productionRequests = production.log.length;
    expect((await getTeam({ name: "Staging Only" }, { provider: stagingProvider })).name).toBe("Staging Only");
    await expect(getTeam({ name: "Staging Only" }, { provider: productionProvider })).rejects.toThrow(`no team named "Staging Only" in ${production.url}`);
    expect((await listRoles({ provider: productionProvider })).map((role) => role.name)).toContain("RESPONDER");
    expect((await listRoles({ provider: stagingProvider })).map((role) => role.name)).not.toContain("RESPONDER");
    // Two requests each, each made with that tenant's own key.
    expect(staging.log.slice(stagingRequests).map((entry) => `${entry.key} ${entry.path}`)).toEqual(["owner /api/v1/teams", "owner /api/v1/admin/roles"]);
    expect(production.log.slice(productionRequests).map((entry) => `${entry.key} ${entry.path}`)).toEqual(["owner /api/v1/teams", "owner /api/v1/admin/roles"]);
  });

  it("name the provider whose key Tines refused, and never the stack config", async () => {
    const wrongKey = new TinesProvider("lookup-wrong-key", { tenant: staging.url, apiKey: pulumi.secret("not-a-key-of-staging") });
    const refused = await getTeam({ name: "Staging Only" }, { provider: wrongKey }).then(
      () => undefined,
      (error: Error) => error.message,
    );
    expect(refused).toContain('the apiKey of TinesProvider "lookup-wrong-key"');
    expect(refused).not.toContain("tines:apiKey");
    expect(refused).not.toContain("not-a-key-of-staging");
  });

  it("refuse a provider together with a tenant or key", async () => {
    const provider = new TinesProvider("lookup-both", { tenant: staging.url, apiKey: staging.apiKey });
    await expect(getTeam({ name: "Staging Only" }, { provider, apiKey: "other" })).rejects.toThrow("either `provider` or `tenant` and `apiKey`, not both");
  });
});

describe("the @pulumi/pulumi a program needs", () => {
  it("is 3.139.0 or newer, and an older one is named in one sentence", () => {
    expect(minimumPulumiVersion).toBe("3.139.0");
    expect(pulumiVersionProblem("3.139.0")).toBeUndefined();
    expect(pulumiVersionProblem("3.270.0")).toBeUndefined();
    expect(pulumiVersionProblem("4.0.0")).toBeUndefined();
    expect(pulumiVersionProblem("3.138.2", "the program (/p)")).toBe(
      "pulumi-tines needs @pulumi/pulumi 3.139.0 or newer (the first release that hands a dynamic provider its configuration), " +
        "but the program (/p) uses @pulumi/pulumi 3.138.2: run `npm install @pulumi/pulumi@latest` and use a Pulumi CLI 3.139.0 or newer.",
    );
  });

  it("makes loading the package fail when the program's directory resolves an older @pulumi/pulumi", { timeout: 120_000 }, () => {
    const programDirectory = mkdtempSync(join(tmpdir(), "old-pulumi-"));
    try {
      mkdirSync(join(programDirectory, "node_modules", "@pulumi", "pulumi"), { recursive: true });
      writeFileSync(join(programDirectory, "node_modules", "@pulumi", "pulumi", "package.json"), JSON.stringify({ name: "@pulumi/pulumi", version: "3.120.0" }));
      // Both entry points: the program's (`pulumi-tines`) and the provider host's (`pulumi-tines/provider`).
      for (const entry of ["dist/index.js", "dist/provider/index.js"]) {
        const load = (cwd: string) => spawnSync(process.execPath, ["-e", `require(${JSON.stringify(join(repositoryRoot, entry))})`], { cwd, encoding: "utf8" });
        const old = load(programDirectory);
        expect(old.status, entry).not.toBe(0);
        expect(old.stderr).toContain("Error: pulumi-tines needs @pulumi/pulumi 3.139.0 or newer");
        expect(old.stderr).toContain("uses @pulumi/pulumi 3.120.0");
        expect(load(repositoryRoot).status, entry).toBe(0);
      }
    } finally {
      rmSync(programDirectory, { recursive: true, force: true });
    }
  });
});

describe("the TinesProvider page (docs/providers/TinesProvider.md, written by hand)", () => {
  it("shows the example that the docs tests type-check (docs/src/providers/TinesProvider.example.ts)", () => {
    const page = readFileSync(join(repositoryRoot, "docs", "providers", "TinesProvider.md"), "utf8");
    const shown = /## Example\n\n```ts\n([\s\S]*?)```/.exec(page)?.[1];
    const checked = readFileSync(join(repositoryRoot, "docs", "src", "providers", "TinesProvider.example.ts"), "utf8");
    expect(shown).toBeDefined();
    // Past its two lines of header comment.
    expect(checked.split("\n").slice(2).join("\n")).toBe(shown);
  });
});
