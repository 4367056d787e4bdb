import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";

interface Registered {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
}

const registered: Registered[] = [];
const secretKey = `serialization-test-key-${Math.random().toString(36).slice(2)}`;

beforeAll(() => {
  // A key in the environment of the program must never reach the serialized provider.
  process.env.TINES_API_KEY = secretKey;
  process.env.TINES_TENANT = "https://acme-shark-1234.tines.com";
  pulumi.runtime.setMocks(
    {
      newResource(args) {
        registered.push({ type: args.type, name: args.name, inputs: args.inputs });
        return { id: `${args.name}-id`, state: args.inputs };
      },
      call: () => ({}),
    },
    "pulumi-tines-test",
    "dev",
    true,
  );
});

async function registeredAfter(create: () => void, count: number): Promise<Registered[]> {
  const before = registered.length;
  create();
  for (let waited = 0; registered.length < before + count && waited < 5_000; waited += 10) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return registered.slice(before);
}

describe("resources as a Pulumi program registers them", () => {
  it("use the documented type tokens and a __provider stub of under 1 KB with no key and no path", async () => {
    const { TinesUser, TinesTeamMembership, TinesPrivateTemplate } = await import("../../src");
    const resources = await registeredAfter(() => {
      const user = new TinesUser("ada", { email: "ada@example.com" });
      new TinesTeamMembership("ada-secops", { teamId: 1, userId: user.userId, role: "EDITOR" });
      new TinesPrivateTemplate("ip", {
        name: "Look up an IP",
        vendor: "Acme",
        product: "Intel",
        agentType: "Agents::HTTPRequestAgent",
        agentOptions: { url: "https://intel.example.com" },
      });
    }, 3);
    // The membership registers last: it waits for the user's id.
    expect(resources.map((resource) => resource.type).sort()).toEqual([
      "pulumi-nodejs:dynamic/tines:PrivateTemplate",
      "pulumi-nodejs:dynamic/tines:TeamMembership",
      "pulumi-nodejs:dynamic/tines:User",
    ]);
    for (const resource of resources) {
      const provider = resource.inputs.__provider as string;
      expect(typeof provider).toBe("string");
      expect(Buffer.byteLength(provider)).toBeLessThanOrEqual(1024);
      expect(provider).toContain('require("pulumi-tines/provider")');
      expect(provider).not.toContain(secretKey);
      expect(provider).not.toContain(process.cwd());
      expect(provider).not.toMatch(/\/(home|root|work|tmp|Users)\//);
      expect(JSON.stringify(resource.inputs)).not.toContain(secretKey);
    }
  });

  it("TinesTeamMembers: its type token, the members as given, and every output on the resource even when its input is omitted", async () => {
    const { TinesTeamMembers } = await import("../../src");
    let team: InstanceType<typeof TinesTeamMembers> | undefined;
    const [resource] = await registeredAfter(() => {
      team = new TinesTeamMembers("secops", { teamId: 1, members: [{ email: "ada@example.com", role: "EDITOR" }] });
    }, 1);
    expect(resource!.type).toBe("pulumi-nodejs:dynamic/tines:TeamMembers");
    expect(resource!.inputs.members).toEqual([{ email: "ada@example.com", role: "EDITOR" }]);
    for (const key of ["teamId", "members", "ignoredMembers", "adoptExisting", "resolvedMembers", "unmanagedMembers", "tenant"] as const) {
      expect(pulumi.Output.isInstance(team![key])).toBe(true);
    }
  });

  it("lets one args object build several resources", async () => {
    const { TinesUser } = await import("../../src");
    const args = { email: "shared@example.com" };
    const resources = await registeredAfter(() => {
      new TinesUser("one", args);
      new TinesUser("two", args);
    }, 2);
    expect(resources.map((resource) => resource.inputs.email)).toEqual(["shared@example.com", "shared@example.com"]);
    expect(Object.keys(args)).toEqual(["email"]);
  });

  it("keeps the stub text stable: state written by this release is refreshed and deleted by later ones", async () => {
    const { providerStubText } = await import("../../src/provider");
    // Changing this text changes every stack's state; later releases must keep this entry point.
    expect(providerStubText("User")).toBe(
      'exports.handler = function () { return require("pulumi-tines/provider").resourceProvider("User"); };\n',
    );
    expect(require("../../package.json").exports["./provider"]).toBeDefined();
  });

  it("evaluates the stub to the provider of its kind", async () => {
    const { providerStubText } = await import("../../src/provider");
    const module = { exports: {} as { handler?: () => pulumi.dynamic.ResourceProvider } };
    // What the host does: requireFromString(__provider).handler()
    new Function("exports", "require", "module", providerStubText("User"))(module.exports, require, module);
    const provider = module.exports.handler!();
    expect(typeof provider.check).toBe("function");
    expect(typeof provider.configure).toBe("function");
    const { failures } = await provider.check!({}, { email: "nope" });
    expect(failures).toEqual([{ property: "email", reason: "not an email address" }]);
  });
});
