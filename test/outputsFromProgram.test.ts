import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTinesSimulator, type TinesSimulator } from "../src/simulator";
// The built runner: it starts its compiled child-process entry beside itself.
import { runProgramInChildProcess } from "../dist-tools/runner/programRunner";
import { repositoryRoot } from "./helpers/host";

let simulator: TinesSimulator;
let workDirectory: string;

beforeAll(async () => {
  simulator = await startTinesSimulator({ userDeletionDelayMs: 0, seedTeams: ["Security Operations"] });
  workDirectory = mkdtempSync(join(tmpdir(), "omitted-inputs-"));
});
afterAll(async () => {
  await simulator.stop();
  rmSync(workDirectory, { recursive: true, force: true });
});

describe("a program that omits every optional input", () => {
  it("finds every declared output registered, resolving to what Tines holds (its default when omitted)", async () => {
    const result = await runProgramInChildProcess({
      programDirectory: join(repositoryRoot, "test", "programs", "omittedInputs"),
      statePath: join(workDirectory, "state.json"),
      projectName: "omitted-inputs",
      config: {
        "tines:tenant": simulator.url,
        "tines:apiKey": simulator.apiKey,
        "omitted-inputs:email": "ada@example.com",
        "omitted-inputs:teamId": "1",
      },
      secretKeys: ["tines:apiKey"],
    });
    expect(result.errors).toEqual([]);
    const user = simulator.state.findUserByEmail("ada@example.com")!;
    expect(result.outputs.userOutputs).toEqual({
      email: "ada@example.com",
      firstName: "",
      lastName: "",
      admin: false,
      tenantPermissions: [],
      isActive: true,
      deletionMode: "delete",
      adoptExisting: false,
      userId: user.id,
      scimUid: null,
      tenant: simulator.url,
    });
    expect(result.outputs.isActive).toBe(true);
    expect(result.outputs.tenantPermissions).toEqual([]);
    expect(result.outputs.membershipOutputs).toEqual({
      teamId: 1,
      userId: user.id,
      email: "ada@example.com",
      role: "VIEWER",
      adoptExisting: false,
      invitationAccepted: false,
    });
    expect(result.outputs.templateOutputs).toEqual({
      description: "",
      teamId: null,
      folderId: null,
      readAccess: "GLOBAL",
      sharedTeamSlugs: [],
      actionInputs: [],
      templateId: simulator.state.listTemplates()[0]!.id,
    });
  });
});
