import * as pulumi from "@pulumi/pulumi";

/** One resource registration seen by the mock monitor. */
export interface Registration {
  type: string;
  name: string;
  urn: string;
  inputs: Record<string, unknown>;
  /** Provider reference (`urn::id`) the SDK sent, "" when none. */
  provider: string;
  /** Per-package providers sent for component resources (package -> reference). */
  providers: Record<string, string>;
  parentUrn: string;
  /** URNs this registration waits for (explicit dependsOn plus input dependencies). */
  dependencies: string[];
  custom: boolean;
  remote: boolean;
}

/** Outputs a mocked `pulumi:pulumi:StackReference` returns, keyed by the referenced stack name. */
export type StackOutputs = Record<string, Record<string, unknown>>;

export interface EnvMocks {
  registrations: Registration[];
  byType(type: string): Registration[];
  one(type: string, name?: string): Registration;
  /** Names of the registrations `reg` depends on. */
  dependencyNames(reg: Registration): string[];
  /** The URN of a provider reference (`urn::id` -> `urn`). */
  providerUrn(reg: Registration): string;
}

/** State a remote component or cloud resource returns under mocks (its outputs). */
function mockState(args: pulumi.runtime.MockResourceArgs, stackOutputs: StackOutputs): Record<string, unknown> {
  const inputs = args.inputs as Record<string, unknown>;
  switch (args.type) {
    case "pulumi:pulumi:StackReference": {
      const stack = String(inputs.name ?? args.name);
      return { name: stack, outputs: stackOutputs[stack] ?? {}, secretOutputNames: ["kubeconfig"] };
    }
    case "eks:index:Cluster":
      return {
        ...inputs,
        kubeconfigJson: JSON.stringify({ apiVersion: "v1", kind: "Config", clusters: [{ name: args.name }] }),
        eksCluster: { name: String(inputs.name ?? args.name), arn: `arn:aws:eks:eu-west-1:123456789012:cluster/${args.name}` },
        oidcProviderArn: "arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/ABC",
        oidcProviderUrl: "https://oidc.eks.eu-west-1.amazonaws.com/id/ABC",
        oidcIssuer: "oidc.eks.eu-west-1.amazonaws.com/id/ABC",
        core: {},
      };
    case "awsx:ec2:Vpc":
      return {
        ...inputs,
        vpcId: "vpc-123",
        privateSubnetIds: ["subnet-priv-a", "subnet-priv-b", "subnet-priv-c"],
        publicSubnetIds: ["subnet-pub-a", "subnet-pub-b", "subnet-pub-c"],
      };
    case "aws:kms/key:Key":
      return { ...inputs, arn: `arn:aws:kms:eu-west-1:123456789012:key/${args.name}`, keyId: args.name };
    case "aws:iam/role:Role":
      return { ...inputs, arn: `arn:aws:iam::123456789012:role/${args.name}`, name: args.name };
    case "aws:s3/bucket:Bucket":
    case "aws:s3/bucketV2:BucketV2":
      return { ...inputs, bucket: args.name, arn: `arn:aws:s3:::${args.name}` };
    case "gcp:container/cluster:Cluster":
      return {
        ...inputs,
        name: inputs.name ?? args.name,
        endpoint: "203.0.113.10",
        masterAuth: { clusterCaCertificate: "Q0E=" },
      };
    case "gcp:serviceaccount/account:Account":
      return { ...inputs, email: `${String(inputs.accountId)}@demo-project.iam.gserviceaccount.com`, name: args.name };
    case "random:index/randomPassword:RandomPassword":
      return { ...inputs, result: `mock-${args.name}-${"x".repeat(Number(inputs.length ?? 16))}` };
    case "gcp:storage/bucket:Bucket":
      return { ...inputs, name: inputs.name ?? args.name, url: `gs://${args.name}` };
    default:
      return { ...inputs };
  }
}

/** Invoke results; unknown invokes throw so a test never passes on an unmocked call. */
function mockCall(args: pulumi.runtime.MockCallArgs): Record<string, unknown> {
  switch (args.token) {
    case "aws:index/getCallerIdentity:getCallerIdentity":
      return { accountId: "123456789012", arn: "arn:aws:iam::123456789012:user/ci", userId: "ci" };
    case "aws:index/getPartition:getPartition":
      return { partition: "aws", dnsSuffix: "amazonaws.com" };
    case "gcp:organizations/getProject:getProject":
      return { projectId: "demo-project", number: "424242424242", name: "demo-project" };
    case "gcp:storage/getProjectServiceAccount:getProjectServiceAccount":
      return { emailAddress: "service-424242424242@gs-project-accounts.iam.gserviceaccount.com" };
    default:
      throw new Error(`unmocked invoke ${args.token}`);
  }
}

interface RegisterRequest {
  getType(): string;
  getName(): string;
  getParent(): string;
  getProvider(): string;
  getProvidersMap(): { toObject(): [string, string][] };
  getDependenciesList(): string[];
  getPropertydependenciesMap(): { forEach(fn: (deps: { getUrnsList(): string[] }) => void): void };
  getCustom(): boolean;
  getRemote(): boolean;
  getObject(): { toJavaScript(): unknown };
}

interface MonitorLike {
  registerResource(req: RegisterRequest, callback: (err: unknown, resp: unknown) => void): Promise<void>;
  readResource(req: ReadRequest, callback: (err: unknown, resp: unknown) => void): Promise<void>;
  newUrn(parent: string, type: string, name: string): string;
}

interface ReadRequest {
  getType(): string;
  getName(): string;
  getParent(): string;
  getProvider(): string;
  getDependenciesList(): string[];
  getProperties(): { toJavaScript(): unknown };
}

const SECRET_SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

/** Replaces secret envelopes in serialized inputs by their plain values. */
function unwrapSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(unwrapSecrets);
  if (value === null || typeof value !== "object") return value;
  const obj = value as Record<string, unknown>;
  if (obj[SECRET_SIG_KEY] === SECRET_SIG) return unwrapSecrets(obj.value);
  return Object.fromEntries(Object.entries(obj).map(([k, v]) => [k, unwrapSecrets(v)]));
}

/**
 * Installs Pulumi mocks that record every registration with its provider and dependencies.
 * The stock MockMonitor drops `dependsOn`; wrapping its `registerResource` keeps it so tests can
 * assert ordering (cert-manager before the operators, CRDs before custom resources).
 */
export async function setupEnvMocks(
  config: Record<string, string>,
  stackOutputs: StackOutputs = {},
  stack = "test",
): Promise<EnvMocks> {
  const registrations: Registration[] = [];
  pulumi.runtime.setAllConfig(config);
  await pulumi.runtime.setMocks(
    {
      newResource: (args) => ({
        id: args.custom === false ? undefined : `${args.name}-id`,
        state: mockState(args, stackOutputs),
      }),
      call: mockCall,
    },
    "logclaw",
    stack,
    false,
  );
  const monitor = pulumi.runtime.getMonitor() as unknown as MonitorLike;
  const register = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req, callback) => {
    const propertyDeps: string[] = [];
    req.getPropertydependenciesMap().forEach((deps) => propertyDeps.push(...deps.getUrnsList()));
    registrations.push({
      type: req.getType(),
      name: req.getName(),
      urn: monitor.newUrn(req.getParent(), req.getType(), req.getName()),
      inputs: unwrapSecrets(req.getObject().toJavaScript()) as Record<string, unknown>,
      provider: req.getProvider(),
      providers: Object.fromEntries(req.getProvidersMap().toObject()),
      parentUrn: req.getParent(),
      dependencies: [...new Set([...req.getDependenciesList(), ...propertyDeps])],
      custom: req.getCustom(),
      remote: req.getRemote(),
    });
    return register(req, callback);
  };
  // Stack references (and other reads) go through readResource, not registerResource.
  const read = monitor.readResource.bind(monitor);
  monitor.readResource = (req, callback) => {
    registrations.push({
      type: req.getType(),
      name: req.getName(),
      urn: monitor.newUrn(req.getParent(), req.getType(), req.getName()),
      inputs: unwrapSecrets(req.getProperties().toJavaScript()) as Record<string, unknown>,
      provider: req.getProvider(),
      providers: {},
      parentUrn: req.getParent(),
      dependencies: req.getDependenciesList(),
      custom: true,
      remote: false,
    });
    return read(req, callback);
  };
  const byType = (type: string): Registration[] => registrations.filter((r) => r.type === type);
  return {
    registrations,
    byType,
    one(type, name) {
      const found = byType(type).filter((r) => name === undefined || r.name === name);
      if (found.length !== 1) {
        throw new Error(`expected one ${type}${name ? ` named ${name}` : ""}, found ${found.length}`);
      }
      return found[0];
    },
    dependencyNames(reg) {
      return reg.dependencies.map((urn) => urn.slice(urn.lastIndexOf("::") + 2));
    },
    providerUrn(reg) {
      const ref = reg.provider || Object.values(reg.providers)[0] || "";
      return ref.slice(0, ref.lastIndexOf("::"));
    },
  };
}

/** Resolves an Output's value in a mocked run (tests only). */
export function valueOf<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => output.apply((v) => resolve(v)));
}
