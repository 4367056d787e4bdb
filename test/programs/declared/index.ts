/**
 * A test program that declares the resources listed in its config (`declared:resources`, a JSON
 * list of `{ "class": "TinesUser", "name": "frank", "args": {...} }`, in declaration order), so one
 * program can state each guard-rail example.
 */
import * as pulumi from "@pulumi/pulumi";
import * as tines from "pulumi-tines";

interface Declared {
  class: "TinesUser" | "TinesCustomRole" | "TinesPrivateTemplate" | "TinesTeam" | "TinesTeamMembership" | "TinesTeamMembers" | "TinesScimGroupMapping";
  name: string;
  args: Record<string, unknown>;
}

const classes = tines as unknown as Record<Declared["class"], new (name: string, args: Record<string, unknown>) => pulumi.CustomResource>;
for (const each of new pulumi.Config().requireObject<Declared[]>("resources")) {
  new classes[each.class](each.name, each.args);
}
