/**
 * The demo's runner with the Pulumi CLI: the program is copied into the demo's temporary directory
 * (its node_modules linked to the repository's), so the stack's files land there and not in the
 * repository; a local file backend there too (no login, a throwaway passphrase); a `demo` stack
 * whose config points at the simulator; and the usual `pulumi up`, `pulumi preview` and
 * `pulumi destroy`. Steps are read from the CLI's JSON output so the demo can check them.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, symlinkSync } from "node:fs";
import { delimiter, join } from "node:path";
import { kindOfTypeToken } from "../internals";
import type { DemoRunner, DemoStep } from "./hostRunner";

/** The `pulumi` executable on the PATH, if any. */
export function findPulumiCli(): string | undefined {
  for (const directory of (process.env.PATH ?? "").split(delimiter)) {
    const candidate = join(directory, "pulumi");
    if (directory && existsSync(candidate)) return candidate;
  }
  return undefined;
}

/** The parts of `pulumi preview/up --json` the demo reads (Pulumi's PreviewDigest). */
interface PreviewDigest {
  steps?: Array<{ op: string; urn: string; replaceReasons?: string[] }>;
  diagnostics?: Array<{ message?: string; severity?: string }>;
}

/** Pulumi's step operations, as the demo names them; `delete-replaced` is the tail of a replace. */
const operations: Record<string, DemoStep["operation"] | undefined> = {
  create: "create",
  update: "update",
  replace: "replace",
  "create-replacement": "replace",
  delete: "delete",
  same: "same",
};

/** Runs the program with the Pulumi CLI. */
export class PulumiCliRunner implements DemoRunner {
  private readonly environment: NodeJS.ProcessEnv;
  private readonly programDirectory: string;
  private stackReady = false;

  constructor(
    private readonly pulumi: string,
    sourceProgramDirectory: string,
    repositoryRoot: string,
    workDirectory: string,
    private readonly config: Record<string, string>,
    /** Called with each warning the run reported. */
    private readonly onWarning: (warning: string) => void = () => {},
  ) {
    this.programDirectory = join(workDirectory, "program");
    cpSync(sourceProgramDirectory, this.programDirectory, { recursive: true });
    symlinkSync(join(repositoryRoot, "node_modules"), join(this.programDirectory, "node_modules"), "dir");
    const backend = join(workDirectory, "backend");
    mkdirSync(backend, { recursive: true });
    this.environment = {
      ...process.env,
      PULUMI_BACKEND_URL: `file://${backend}`,
      PULUMI_CONFIG_PASSPHRASE: "pulumi-tines-demo",
      PULUMI_SKIP_UPDATE_CHECK: "true",
    };
  }

  command(name: "up" | "preview" | "refresh" | "destroy"): string {
    return `pulumi ${name}`;
  }

  private pulumiCommand(args: string[]): string {
    return execFileSync(this.pulumi, [...args, "--cwd", this.programDirectory, "--non-interactive"], {
      env: this.environment,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "inherit"],
    });
  }

  private ensureStack(): void {
    if (this.stackReady) return;
    this.pulumiCommand(["stack", "init", "demo"]);
    for (const [key, value] of Object.entries(this.config)) {
      this.pulumiCommand(["config", "set", ...(key === "tines:apiKey" ? ["--secret"] : []), key, value, "--stack", "demo"]);
    }
    this.stackReady = true;
  }

  private run(command: string[], onStep: (step: DemoStep) => void): DemoStep[] {
    this.ensureStack();
    const result = spawnSync(
      this.pulumi,
      [...command, "--stack", "demo", "--cwd", this.programDirectory, "--non-interactive", "--json"],
      { env: this.environment, encoding: "utf8" },
    );
    const steps: DemoStep[] = [];
    let digest: PreviewDigest = {};
    try {
      digest = JSON.parse(result.stdout) as PreviewDigest;
    } catch {
      // Not JSON: the failure below says why.
    }
    for (const step of digest.steps ?? []) {
      // urn:pulumi:<stack>::<project>::<type>::<name>; only this package's resources count.
      const [, , type = "", name = ""] = step.urn.split("::");
      const operation = operations[step.op];
      const kind = kindOfTypeToken(type);
      if (kind === undefined || operation === undefined) continue;
      const demoStep: DemoStep = {
        kind,
        name,
        operation,
        ...(step.replaceReasons?.length ? { replaces: step.replaceReasons } : {}),
      };
      steps.push(demoStep);
      onStep(demoStep);
    }
    for (const diagnostic of digest.diagnostics ?? []) {
      if (diagnostic.severity === "warning" && diagnostic.message) this.onWarning(diagnostic.message.trim());
    }
    if (result.status !== 0) throw new Error(`pulumi ${command.join(" ")} failed:\n${result.stderr || result.stdout}`);
    return steps;
  }

  up(onStep: (step: DemoStep) => void): Promise<DemoStep[]> {
    return Promise.resolve(this.run(["up", "--yes", "--skip-preview"], onStep));
  }

  preview(onStep: (step: DemoStep) => void): Promise<DemoStep[]> {
    return Promise.resolve(this.run(["preview", "--diff"], onStep));
  }

  refresh(onStep: (step: DemoStep) => void): Promise<DemoStep[]> {
    return Promise.resolve(this.run(["refresh", "--yes", "--skip-preview"], onStep));
  }

  destroy(onStep: (step: DemoStep) => void): Promise<DemoStep[]> {
    return Promise.resolve(this.run(["destroy", "--yes", "--skip-preview"], onStep));
  }
}
