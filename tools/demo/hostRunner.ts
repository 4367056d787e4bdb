/**
 * The demo's runner without the Pulumi CLI: each `pulumi up`, `preview`, `refresh` and `destroy` is one run of
 * the program in a child process through the real dynamic-provider host (tools/runner/programRunner).
 */
import { runProgramInChildProcess, type ProgramStep } from "../runner/programRunner";

/** A step as the demo prints it. */
export type DemoStep = Pick<ProgramStep, "kind" | "name" | "operation" | "replaces" | "changes" | "error">;

/** What the demo needs from a way of running the program. */
export interface DemoRunner {
  /** How this runner carries out a Pulumi command (`up`, `preview`, `refresh`, `destroy`), as the demo's headings name it. */
  command(name: "up" | "preview" | "refresh" | "destroy"): string;
  up(onStep: (step: DemoStep) => void): Promise<DemoStep[]>;
  preview(onStep: (step: DemoStep) => void): Promise<DemoStep[]>;
  /** `pulumi refresh`: the state takes what Tines holds; the provider's warnings say what changed and who changed it. */
  refresh(onStep: (step: DemoStep) => void): Promise<DemoStep[]>;
  destroy(onStep: (step: DemoStep) => void): Promise<DemoStep[]>;
}

/** Runs the program through the real provider host, state in a JSON file. */
export class HostRunner implements DemoRunner {
  constructor(
    private readonly programDirectory: string,
    private readonly statePath: string,
    private readonly config: Record<string, string>,
    private readonly projectName: string,
    /** Called with each warning the provider logged. */
    private readonly onWarning: (warning: string) => void = () => {},
  ) {}

  command(name: "up" | "preview" | "refresh" | "destroy"): string {
    return `${name} (CLI-free runner, no Pulumi CLI)`;
  }

  private async run(mode: { preview?: boolean; refresh?: boolean; destroy?: boolean }, onStep: (step: DemoStep) => void): Promise<DemoStep[]> {
    const result = await runProgramInChildProcess(
      {
        programDirectory: this.programDirectory,
        statePath: this.statePath,
        config: this.config,
        secretKeys: ["tines:apiKey"],
        projectName: this.projectName,
        ...mode,
      },
      onStep,
    );
    for (const warning of result.warnings) this.onWarning(warning);
    if (result.errors.length > 0) throw new Error(result.errors.join("\n"));
    return result.steps;
  }

  up(onStep: (step: DemoStep) => void): Promise<DemoStep[]> {
    return this.run({}, onStep);
  }

  preview(onStep: (step: DemoStep) => void): Promise<DemoStep[]> {
    return this.run({ preview: true }, onStep);
  }

  refresh(onStep: (step: DemoStep) => void): Promise<DemoStep[]> {
    return this.run({ refresh: true }, onStep);
  }

  destroy(onStep: (step: DemoStep) => void): Promise<DemoStep[]> {
    return this.run({ destroy: true }, onStep);
  }
}
