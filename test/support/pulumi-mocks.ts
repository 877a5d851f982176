import * as pulumi from "@pulumi/pulumi";

/**
 * Pulumi mocks that record every registered resource (type, name, inputs, provider, parent and
 * dependencies) so tests assert the exact resource graph. Unknown invokes throw: a program that
 * calls a provider function the test did not expect fails loudly instead of getting `{}`.
 *
 * Usage: `const mocks = await installMocks({...})`, THEN import the module under test, build the
 * resources, `await settle()`, and inspect `mocks.resources`.
 */

const SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

export interface RecordedResource {
  /** Type token, e.g. `kubernetes:apps/v1:Deployment` or `logclaw:tenant:TenantStack`. */
  type: string;
  /** Pulumi logical name. */
  name: string;
  urn: string;
  custom: boolean;
  /** Inputs with secrets unwrapped to their plain values. */
  inputs: Record<string, unknown>;
  /** Dotted paths of inputs that were marked secret. */
  secretPaths: string[];
  /** Provider reference (`urn::id`), empty for component resources. */
  provider: string;
  /** URN of the parent ("" for the stack's direct children). */
  parent: string;
  /** URNs this resource depends on: explicit `dependsOn` and dependencies through inputs. */
  dependencies: string[];
}

export interface MockOptions {
  project?: string;
  stack?: string;
  /** Stack configuration, full keys (`logclaw:tenant`). */
  config?: Record<string, string>;
  /** Keys of `config` that are secret. */
  secretConfigKeys?: string[];
  /** Outputs of stack references by fully qualified stack name. */
  stackReferences?: Record<string, Record<string, unknown>>;
  /** Provider functions the program may call, by token. */
  invokes?: Record<string, (inputs: Record<string, unknown>) => Record<string, unknown>>;
}

export interface MockRecorder {
  resources: RecordedResource[];
  /** Resources of one type token. */
  ofType(type: string): RecordedResource[];
  /** The one resource with this type and logical name (throws when absent). */
  get(type: string, name: string): RecordedResource;
}

/** Replaces secret envelopes by their values and collects the paths that were secret. */
function unwrapSecrets(value: unknown, at: string, secretPaths: string[]): unknown {
  if (Array.isArray(value)) return value.map((v, i) => unwrapSecrets(v, `${at}[${i}]`, secretPaths));
  if (value === null || typeof value !== "object") return value;
  const obj = value as Record<string, unknown>;
  if (obj[SIG_KEY] === SECRET_SIG) {
    secretPaths.push(at);
    return unwrapSecrets(obj.value, at, []);
  }
  return Object.fromEntries(
    Object.entries(obj)
      .filter(([k]) => k !== SIG_KEY)
      .map(([k, v]) => [k, unwrapSecrets(v, at ? `${at}.${k}` : k, secretPaths)]),
  );
}

/** A value a mock resource reports back: inputs plus what real providers compute. */
function mockState(type: string, name: string, inputs: Record<string, unknown>): Record<string, unknown> {
  if (type === "random:index/randomPassword:RandomPassword" || type === "random:index/randomString:RandomString") {
    return { ...inputs, result: `mock-${name}-${"x".repeat(Number(inputs.length ?? 16))}` };
  }
  return inputs;
}

/** Installs the recording mocks; import the module under test only after this resolves. */
export async function installMocks(options: MockOptions = {}): Promise<MockRecorder> {
  const resources: RecordedResource[] = [];
  const project = options.project ?? "logclaw";
  const stack = options.stack ?? "test";
  if (options.config) pulumi.runtime.setAllConfig(options.config, options.secretConfigKeys ?? []);

  await pulumi.runtime.setMocks(
    {
      newResource(args) {
        if (args.type === "pulumi:pulumi:StackReference") {
          const refName = String(args.inputs.name);
          const outputs = options.stackReferences?.[refName];
          if (!outputs) throw new Error(`unexpected stack reference ${refName}`);
          return { id: refName, state: { name: refName, outputs, secretOutputNames: [] } };
        }
        return { id: `${args.name}-id`, state: mockState(args.type, args.name, args.inputs) };
      },
      call(args) {
        const handler = options.invokes?.[args.token];
        if (!handler) throw new Error(`unexpected invoke ${args.token}`);
        return handler(args.inputs);
      },
    },
    project,
    stack,
    false,
  );

  // The mock monitor hides parent and dependencies from `newResource`; read them off the request.
  const settings = require("@pulumi/pulumi/runtime/settings") as { getMonitor(): Record<string, unknown> };
  type Callback = (err: unknown, res: unknown) => void;
  const monitor = settings.getMonitor() as {
    registerResource(req: RegisterRequest, cb: Callback): Promise<void>;
    readResource(req: ReadRequest, cb: Callback): Promise<void>;
    newUrn(parent: string, type: string, name: string): string;
  };
  const record = (req: RequestIdentity, object: { toJavaScript(): unknown }, custom: boolean) => {
    const secretPaths: string[] = [];
    const inputs = unwrapSecrets(object.toJavaScript(), "", secretPaths) as Record<string, unknown>;
    resources.push({
      type: req.getType(),
      name: req.getName(),
      urn: monitor.newUrn(req.getParent(), req.getType(), req.getName()),
      custom,
      inputs,
      secretPaths,
      provider: req.getProvider(),
      parent: req.getParent(),
      dependencies: req.getDependenciesList(),
    });
  };
  const register = monitor.registerResource.bind(monitor);
  monitor.registerResource = async (req, cb) => {
    record(req, req.getObject(), req.getCustom());
    return register(req, cb);
  };
  // Read resources (StackReference, `.get`) arrive through readResource.
  const read = monitor.readResource.bind(monitor);
  monitor.readResource = async (req, cb) => {
    record(req, req.getProperties(), true);
    return read(req, cb);
  };

  return {
    resources,
    ofType: (type) => resources.filter((r) => r.type === type),
    get(type, name) {
      const found = resources.find((r) => r.type === type && r.name === name);
      if (!found) throw new Error(`no ${type} named ${name}; have ${resources.map((r) => `${r.type}/${r.name}`).join(", ")}`);
      return found;
    },
  };
}

interface RequestIdentity {
  getType(): string;
  getName(): string;
  getParent(): string;
  getProvider(): string;
  getDependenciesList(): string[];
}

interface ReadRequest extends RequestIdentity {
  getProperties(): { toJavaScript(): unknown };
}

interface RegisterRequest extends RequestIdentity {
  getCustom(): boolean;
  getObject(): { toJavaScript(): unknown };
}

/** The value of an output (mocks never leave values unknown). */
export function valueOf<T>(output: pulumi.Input<T>): Promise<T> {
  return new Promise((resolve) => {
    pulumi.output(output).apply((v) => {
      resolve(v as T);
      return v;
    });
  });
}

/** Resolves every output of an object (e.g. a stack's outputs) to plain values. */
export async function resolveAll(outputs: Record<string, unknown>): Promise<Record<string, unknown>> {
  const entries = await Promise.all(
    Object.entries(outputs).map(async ([k, v]) => [k, await valueOf(v as pulumi.Input<unknown>)] as const),
  );
  return Object.fromEntries(entries);
}

/** Whether an output is marked secret. */
export function isSecretOutput(output: pulumi.Output<unknown>): Promise<boolean> {
  return pulumi.isSecret(output);
}

/** Waits until every resource registration the program started has reached the mocks. */
export async function settle(): Promise<void> {
  const settings = require("@pulumi/pulumi/runtime/settings") as { waitForRPCs(): Promise<void> };
  for (let i = 0; i < 3; i++) {
    await settings.waitForRPCs();
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}
