/**
 * A test program that declares the resources listed in its config (`declared:resources`, a JSON
 * list of `{ "class": "TinesUser", "name": "frank", "args": {...} }`, in declaration order), so one
 * program can state each guard-rail example. An argument `{ "outputOf": "ada", "property": "id" }`
 * is that output of the resource declared earlier as "ada". `options` are resource options
 * (`retainOnDelete`).
 */
import * as pulumi from "@pulumi/pulumi";
import * as tines from "pulumi-tines";

interface Declared {
  class: "TinesUser" | "TinesCustomRole" | "TinesPrivateTemplate" | "TinesTeam" | "TinesTeamMembership" | "TinesTeamMembers" | "TinesScimGroupMapping";
  name: string;
  args: Record<string, unknown>;
  options?: pulumi.CustomResourceOptions;
}

const classes = tines as unknown as Record<Declared["class"], new (name: string, args: Record<string, unknown>, options?: pulumi.CustomResourceOptions) => pulumi.CustomResource>;
const declared = new Map<string, pulumi.CustomResource>();
const resolved = (value: unknown): unknown => {
  if (value === null || typeof value !== "object" || Array.isArray(value) || !("outputOf" in value)) return value;
  const { outputOf, property } = value as { outputOf: string; property: string };
  return (declared.get(outputOf) as unknown as Record<string, pulumi.Output<unknown>>)[property];
};
for (const each of new pulumi.Config().requireObject<Declared[]>("resources")) {
  const args = Object.fromEntries(Object.entries(each.args).map(([key, value]) => [key, resolved(value)]));
  declared.set(each.name, new classes[each.class](each.name, args, each.options));
}
