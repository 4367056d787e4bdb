/**
 * Drives the real `@pulumi/pulumi` dynamic-provider host over gRPC, as the Pulumi engine does,
 * without the Pulumi CLI: the host is started as a child process in a program directory, prints
 * its port, and serves `pulumirpc.ResourceProvider`. Properties are sent as
 * `Struct.fromJavaScript(...)`, exactly like the engine. Used by the tests, the benchmark and the
 * demo's CLI-free runner.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { providerStubText, takeoverDirectoryVariable, tinesTypeToken, type TinesResourceKind } from "../internals";

/** Options of {@link startProviderHost}. */
export interface ProviderHostOptions {
  /** The Pulumi program's directory: the host resolves `pulumi-tines` from its node_modules. */
  programDirectory: string;
  /**
   * Extra environment for the host (e.g. TINES_TENANT). The parent's environment is not passed on
   * except PATH, HOME, NODE_COMPILE_CACHE and GLIBC_TUNABLES. Without a takeover directory (src/deployment/takeovers.ts)
   * the host gets one of its own, so no other host's takeovers reach it: hosts of one deployment share one.
   */
  environment?: Record<string, string>;
  /** The Pulumi project name (config keys without a namespace resolve against it). */
  projectName?: string;
  /** Directory of the `@pulumi/pulumi` package to run; the program's own by default. */
  pulumiPackageDirectory?: string;
}

/** The answer of Check. */
export interface CheckResponse {
  inputs: Record<string, unknown>;
  failures: Array<{ property: string; reason: string }>;
}

/** The answer of Diff. */
export interface DiffResponse {
  changes: "none" | "some" | "unknown";
  replaces: string[];
  deleteBeforeReplace: boolean;
}

/** A gRPC error from the host, with the provider's message. */
export class ProviderHostError extends Error {
  override name = "ProviderHostError";
  constructor(
    readonly method: string,
    message: string,
    /** The id of a partially created object (ErrorResourceInitFailed), if the host reported one. */
    readonly partialId?: string,
    /** The outputs of that object, which the engine records in state (for a create or an update). */
    readonly partialProperties?: Record<string, unknown>,
  ) {
    super(message);
  }
}

/* eslint-disable @typescript-eslint/no-explicit-any */
type Grpc = any;

/** The gRPC client and messages of the `@pulumi/pulumi` package in `pulumiDirectory`. */
function loadGrpcStubs(pulumiDirectory: string) {
  const fromPulumi = (request: string) => require(require.resolve(request, { paths: [pulumiDirectory] }));
  const grpc: Grpc = fromPulumi("@grpc/grpc-js");
  const providerGrpc: Grpc = require(join(pulumiDirectory, "proto", "provider_grpc_pb.js"));
  const protos: { provider: Grpc; struct: Grpc; status: Grpc; grpc: Grpc } = {
    provider: require(join(pulumiDirectory, "proto", "provider_pb.js")),
    struct: fromPulumi("google-protobuf/google/protobuf/struct_pb.js"),
    status: require(join(pulumiDirectory, "proto", "status_pb.js")),
    grpc,
  };
  return { providerGrpc, protos };
}

/** A running dynamic-provider host. */
export class ProviderHost {
  private stdoutText = "";
  private stderrText = "";
  private exited = false;

  private constructor(
    private readonly child: ChildProcess,
    private readonly client: Grpc,
    private readonly protos: { provider: Grpc; struct: Grpc; status: Grpc; grpc: Grpc },
  ) {
    child.stdout!.on("data", (chunk: Buffer) => (this.stdoutText += chunk.toString()));
    child.stderr!.on("data", (chunk: Buffer) => (this.stderrText += chunk.toString()));
    child.once("exit", () => (this.exited = true));
  }

  /** Everything the host printed on stdout (the port first). */
  get stdout(): string {
    return this.stdoutText;
  }

  /** Everything the host printed on stderr (the host prints errors of check, diff, read, delete). */
  get stderr(): string {
    return this.stderrText;
  }

  /** The host's process id. */
  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Starts a host and connects to it. */
  static async start(options: ProviderHostOptions): Promise<ProviderHost> {
    const pulumiDirectory =
      options.pulumiPackageDirectory ??
      dirname(require.resolve("@pulumi/pulumi/package.json", { paths: [options.programDirectory] }));
    const ownTakeovers = options.environment?.[takeoverDirectoryVariable] === undefined ? mkdtempSync(join(tmpdir(), "pulumi-tines-takeovers-")) : undefined;
    // The host is started first: it loads @pulumi/pulumi while this process loads the gRPC stubs.
    const child = spawn(process.execPath, [join(pulumiDirectory, "cmd", "dynamic-provider", "index.js"), "127.0.0.1:0"], {
      cwd: options.programDirectory,
      env: {
        PATH: process.env.PATH ?? "",
        HOME: process.env.HOME ?? "",
        // Node's on-disk cache of compiled code and glibc's allocator settings, when the caller
        // sets them (the tests do, vitest.config.mts): they change no behaviour, they only make
        // loading @pulumi/pulumi cheaper.
        ...(process.env.NODE_COMPILE_CACHE ? { NODE_COMPILE_CACHE: process.env.NODE_COMPILE_CACHE } : {}),
        ...(process.env.GLIBC_TUNABLES ? { GLIBC_TUNABLES: process.env.GLIBC_TUNABLES } : {}),
        PULUMI_NODEJS_PROJECT: options.projectName ?? "pulumi-tines-test",
        [takeoverDirectoryVariable]: ownTakeovers ?? "",
        ...options.environment,
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    if (ownTakeovers !== undefined) child.once("exit", () => rmSync(ownTakeovers, { recursive: true, force: true }));
    let stubs: ReturnType<typeof loadGrpcStubs>;
    try {
      stubs = loadGrpcStubs(pulumiDirectory);
    } catch (error) {
      child.kill("SIGTERM");
      throw error;
    }
    const port = await new Promise<number>((resolve, reject) => {
      let text = "";
      let errors = "";
      child.stderr!.on("data", (chunk: Buffer) => (errors += chunk.toString()));
      const onData = (chunk: Buffer) => {
        text += chunk.toString();
        const line = text.split("\n")[0]!;
        if (text.includes("\n") && /^\d+$/.test(line.trim())) {
          child.stdout!.off("data", onData);
          resolve(Number(line.trim()));
        }
      };
      child.stdout!.on("data", onData);
      child.once("exit", (code) => reject(new Error(`the provider host exited with ${code}: ${errors}`)));
    });
    const client = new stubs.providerGrpc.ResourceProviderClient(`127.0.0.1:${port}`, stubs.protos.grpc.credentials.createInsecure());
    return new ProviderHost(child, client, stubs.protos);
  }

  /**
   * Starts a host and configures it with `config` (namespaced keys, string values), as the engine
   * starts a provider process; a host whose configure fails is stopped before the error is thrown.
   */
  static async startConfigured(options: ProviderHostOptions, config: Record<string, string>): Promise<ProviderHost> {
    const host = await ProviderHost.start(options);
    try {
      await host.configure(config);
    } catch (error) {
      await host.stop();
      throw error;
    }
    return host;
  }

  private struct(value: Record<string, unknown>): Grpc {
    return this.protos.struct.Struct.fromJavaScript(value);
  }

  private call<Response>(method: string, request: Grpc): Promise<Response> {
    return new Promise((resolve, reject) => {
      this.client[method](request, (error: Grpc, response: Response) => {
        if (!error) return resolve(response);
        let partialId: string | undefined;
        let partialProperties: Record<string, unknown> | undefined;
        const details = error.metadata?.get?.("grpc-status-details-bin")?.[0];
        if (details) {
          const status = this.protos.status.Status.deserializeBinary(details);
          for (const any of status.getDetailsList()) {
            const init = this.protos.provider.ErrorResourceInitFailed.deserializeBinary(any.getValue());
            partialId = init.getId();
            partialProperties = init.getProperties()?.toJavaScript();
          }
        }
        reject(new ProviderHostError(method, String(error.details ?? error.message), partialId, partialProperties));
      });
    });
  }

  /** Configure, with the stack config as the engine sends it (namespaced keys, string values). */
  async configure(config: Record<string, string>): Promise<void> {
    const request = new this.protos.provider.ConfigureRequest();
    request.setArgs(this.struct(config));
    await this.call("configure", request);
  }

  /** Check: validates and normalises `news`. */
  async check(urn: string, olds: Record<string, unknown>, news: Record<string, unknown>): Promise<CheckResponse> {
    const request = new this.protos.provider.CheckRequest();
    request.setUrn(urn);
    request.setOlds(this.struct(olds));
    request.setNews(this.struct(news));
    const response = await this.call<Grpc>("check", request);
    return {
      inputs: response.getInputs()?.toJavaScript() ?? {},
      failures: response.getFailuresList().map((failure: Grpc) => ({ property: failure.getProperty(), reason: failure.getReason() })),
    };
  }

  /** Diff: `olds` are the old outputs, `news` the checked new inputs. */
  async diff(urn: string, id: string, olds: Record<string, unknown>, news: Record<string, unknown>): Promise<DiffResponse> {
    const request = new this.protos.provider.DiffRequest();
    request.setUrn(urn);
    request.setId(id);
    request.setOlds(this.struct(olds));
    request.setNews(this.struct(news));
    const response = await this.call<Grpc>("diff", request);
    const changes = response.getChanges();
    const DiffChanges = this.protos.provider.DiffResponse.DiffChanges;
    return {
      changes: changes === DiffChanges.DIFF_SOME ? "some" : changes === DiffChanges.DIFF_NONE ? "none" : "unknown",
      replaces: response.getReplacesList(),
      deleteBeforeReplace: response.getDeletebeforereplace(),
    };
  }

  /** Create: returns the id and outputs. */
  async create(urn: string, properties: Record<string, unknown>): Promise<{ id: string; outputs: Record<string, unknown> }> {
    const request = new this.protos.provider.CreateRequest();
    request.setUrn(urn);
    request.setProperties(this.struct(properties));
    const response = await this.call<Grpc>("create", request);
    return { id: response.getId(), outputs: response.getProperties().toJavaScript() };
  }

  /** Read (refresh): an empty id means the object is gone. */
  async read(
    urn: string,
    id: string,
    properties: Record<string, unknown>,
    inputs: Record<string, unknown>,
  ): Promise<{ id: string; outputs: Record<string, unknown>; inputs: Record<string, unknown> | undefined }> {
    const request = new this.protos.provider.ReadRequest();
    request.setUrn(urn);
    request.setId(id);
    request.setProperties(this.struct(properties));
    request.setInputs(this.struct(inputs));
    const response = await this.call<Grpc>("read", request);
    return {
      id: response.getId(),
      outputs: response.getProperties()?.toJavaScript() ?? {},
      inputs: response.getInputs()?.toJavaScript(),
    };
  }

  /** Update: returns the new outputs. */
  async update(
    urn: string,
    id: string,
    olds: Record<string, unknown>,
    news: Record<string, unknown>,
  ): Promise<Record<string, unknown>> {
    const request = new this.protos.provider.UpdateRequest();
    request.setUrn(urn);
    request.setId(id);
    request.setOlds(this.struct(olds));
    request.setNews(this.struct(news));
    const response = await this.call<Grpc>("update", request);
    return response.getProperties().toJavaScript();
  }

  /** Delete. */
  async delete(urn: string, id: string, properties: Record<string, unknown>): Promise<void> {
    const request = new this.protos.provider.DeleteRequest();
    request.setUrn(urn);
    request.setId(id);
    request.setProperties(this.struct(properties));
    await this.call("delete", request);
  }

  /** Stops the host. */
  async stop(): Promise<void> {
    this.client.close();
    if (this.exited) return;
    await new Promise<void>((resolve) => {
      this.child.once("exit", () => resolve());
      this.child.kill("SIGTERM");
    });
  }
}

/** The URN the engine would give a resource of this kind and name. */
export function resourceUrn(kind: TinesResourceKind, name: string, stack = "dev", project = "pulumi-tines-test"): string {
  return `urn:pulumi:${stack}::${project}::${tinesTypeToken(kind)}::${name}`;
}

/**
 * The inputs the engine sends for a resource: the declared properties plus `__provider` (the stub
 * a program of this release would register, unless the inputs carry one already).
 */
export function withProvider(kind: TinesResourceKind, inputs: Record<string, unknown>): Record<string, unknown> {
  return { __provider: providerStubText(kind), ...inputs };
}
