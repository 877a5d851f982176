import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { EXACT_VERSION, OPERATOR_NAMES, type OperatorName } from "../infra/operators/versions";

/**
 * The environment stack's configuration: one validated object built from the `logclaw:*` keys of
 * the stack config before any resource is registered. A bad key fails with one line naming the key
 * and the rule, e.g. `logclaw:aws.vpcCidr: must be a CIDR block`.
 */

export const CLOUDS = ["aws", "gcp", "existing"] as const;
export type CloudName = (typeof CLOUDS)[number];

const DNS_LABEL = /^[a-z0-9]([a-z0-9-]{0,38}[a-z0-9])?$/;
const HOSTNAME = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/;

const requiredString = (what = "a string") =>
  z.string({ error: (iss) => (iss.input === undefined ? "is required" : `must be ${what}`) }).min(1, "must not be empty");
const cidr = () => z.cidrv4({ error: "must be a CIDR block" });
const OPEN_TO_ALL = "must not open the control plane to every address (0.0.0.0/0)";
const count = (min: number, max: number) =>
  z
    .number({ error: "must be a number" })
    .int("must be an integer")
    .min(min, `must be between ${min} and ${max}`)
    .max(max, `must be between ${min} and ${max}`);

/** Per-operator chart overrides: an air-gapped user points `repo` at a mirror or `chartPath` at a vendored chart. */
const chartOverrideSchema = z
  .object({
    version: z.string().regex(EXACT_VERSION, "must be an exact pinned version").optional(),
    repo: z.string().min(1, "must not be empty").optional(),
    chartPath: z.string().min(1, "must not be empty").optional(),
  })
  .strict();

const operatorsSchema = z
  .object({
    /**
     * false: register no operator charts (namespaces, RBAC, ClusterSecretStore and ClusterIssuer
     * only). Used by the render-only `local` stack so it renders without fetching charts, and by
     * clusters whose operators are managed elsewhere.
     */
    install: z.boolean({ error: "must be true or false" }).default(true),
    /**
     * Label selector (`key=value`) Strimzi and Flink use to pick the custom resources they reconcile.
     * Tenant custom resources carry `app.kubernetes.io/part-of: logclaw`.
     */
    resourceSelector: z
      .string()
      .regex(/^[A-Za-z0-9./-]+=[A-Za-z0-9._-]+$/, "must be a key=value label selector")
      .default("app.kubernetes.io/part-of=logclaw"),
    ...(Object.fromEntries(OPERATOR_NAMES.map((n) => [n, chartOverrideSchema.default({})])) as Record<
      OperatorName,
      z.ZodDefault<typeof chartOverrideSchema>
    >),
  })
  .strict();

const awsNodeGroupSchema = z
  .object({
    name: z.string().regex(DNS_LABEL, "must be a DNS label"),
    instanceTypes: z.array(z.string().min(1)).min(1, "must list at least one instance type"),
    minSize: count(1, 100),
    maxSize: count(1, 100),
    desiredSize: count(1, 100),
  })
  .strict()
  .refine((g) => g.minSize <= g.desiredSize && g.desiredSize <= g.maxSize, "must satisfy minSize <= desiredSize <= maxSize");

export const awsConfigSchema = z
  .object({
    region: requiredString("an AWS region").regex(/^[a-z]{2}(-[a-z]+)+-\d$/, "must be an AWS region such as eu-west-1"),
    vpcCidr: cidr().default("10.0.0.0/16"),
    availabilityZones: count(2, 6).default(3),
    /** One NAT gateway (cheaper) or one per availability zone (survives a zone outage). */
    natGateways: z.enum(["single", "perAz"], { error: "must be one of single, perAz" }).default("perAz"),
    kubernetesVersion: z.string().regex(/^1\.\d{2}$/, "must be a Kubernetes minor version such as 1.33").default("1.33"),
    /** CIDRs allowed to reach the public API endpoint; empty = private endpoint only. */
    publicAccessCidrs: z.array(cidr().refine((c) => c !== "0.0.0.0/0", OPEN_TO_ALL)).default([]),
    nodeGroups: z
      .array(awsNodeGroupSchema)
      .min(1, "must define at least one node group")
      .default([{ name: "general", instanceTypes: ["m6i.xlarge"], minSize: 3, maxSize: 9, desiredSize: 3 }]),
    /** Days a non-current snapshot object version is kept. */
    snapshotRetentionDays: count(1, 3650).default(30),
  })
  .strict();
export type AwsConfig = z.infer<typeof awsConfigSchema>;

const gcpNodePoolSchema = z
  .object({
    name: z.string().regex(DNS_LABEL, "must be a DNS label"),
    machineType: z.string().min(1),
    minNodes: count(0, 100),
    maxNodes: count(1, 100),
  })
  .strict()
  .refine((p) => p.minNodes <= p.maxNodes, "must satisfy minNodes <= maxNodes");

export const gcpConfigSchema = z
  .object({
    project: requiredString("a GCP project id").regex(/^[a-z][a-z0-9-]{4,28}[a-z0-9]$/, "must be a GCP project id"),
    region: requiredString("a GCP region").regex(/^[a-z]+-[a-z]+\d$/, "must be a GCP region such as europe-west1"),
    subnetCidr: cidr().default("10.10.0.0/20"),
    podsCidr: cidr().default("10.20.0.0/14"),
    servicesCidr: cidr().default("10.24.0.0/20"),
    /** /28 the control plane's private endpoint lives in (GKE requires exactly a /28). */
    masterCidr: cidr().refine((c) => c.endsWith("/28"), "must be a /28 CIDR block").default("172.16.0.0/28"),
    /** Networks allowed to reach the control plane; empty = only the VPC itself. */
    masterAuthorizedNetworks: z
      .array(z.object({ cidrBlock: cidr().refine((c) => c !== "0.0.0.0/0", OPEN_TO_ALL), displayName: z.string().min(1) }).strict())
      .default([]),
    releaseChannel: z.enum(["RAPID", "REGULAR", "STABLE"], { error: "must be one of RAPID, REGULAR, STABLE" }).default("REGULAR"),
    nodePools: z
      .array(gcpNodePoolSchema)
      .min(1, "must define at least one node pool")
      .default([{ name: "general", machineType: "e2-standard-4", minNodes: 1, maxNodes: 3 }]),
    snapshotRetentionDays: count(1, 3650).default(30),
    deletionProtection: z.boolean({ error: "must be true or false" }).default(true),
  })
  .strict();
export type GcpConfig = z.infer<typeof gcpConfigSchema>;

const clusterIssuerSchema = z
  .object({
    /** Set to issue certificates from an ACME server; unset = a self-signed issuer. */
    acmeEmail: z.email({ error: "must be an email address" }).optional(),
    acmeServer: z.url({ error: "must be a URL" }).default("https://acme-v02.api.letsencrypt.org/directory"),
    /** Ingress class the HTTP-01 solver uses. */
    ingressClass: z.string().min(1).default("nginx"),
  })
  .strict();

const baseSchema = z
  .object({
    cloud: z.enum(CLOUDS, {
      error: (iss) => (iss.input === undefined ? "is required (one of aws, gcp, existing)" : "must be one of aws, gcp, existing"),
    }),
    clusterName: z.string().regex(DNS_LABEL, "must be a DNS label of at most 40 characters").optional(),
    ingressDomain: z.string().regex(HOSTNAME, "must be a DNS name").default("logclaw.localhost"),
    storageClass: z.string().regex(DNS_LABEL, "must be a DNS label").optional(),
    /** Existing cluster only: a kubeconfig (file path or contents). Unset = the ambient kubeconfig. */
    kubeconfig: z.string().min(1, "must not be empty").optional(),
    /** Existing cluster only: the kubeconfig context to use. */
    kubeContext: z.string().min(1, "must not be empty").optional(),
    /** Existing cluster only: render manifests to this directory instead of applying them. */
    renderDirectory: z.string().min(1, "must not be empty").optional(),
    /** Use this Grafana instead of installing one; the tenants' dashboard URLs are built on it. */
    grafanaUrl: z.url({ error: "must be a URL" }).optional(),
    clusterIssuer: clusterIssuerSchema.default({ acmeServer: "https://acme-v02.api.letsencrypt.org/directory", ingressClass: "nginx" }),
    operators: operatorsSchema.default(() => operatorsSchema.parse({})),
    aws: z.unknown().optional(),
    gcp: z.unknown().optional(),
  })
  .strict();

export type EnvironmentConfig = Omit<z.infer<typeof baseSchema>, "aws" | "gcp" | "clusterName" | "storageClass"> & {
  stack: string;
  clusterName: string;
  /** Storage class tenants' volumes use; default per cloud. */
  storageClass: string;
  aws?: AwsConfig;
  gcp?: GcpConfig;
};

/** Thrown for an invalid stack config; the message is one line: `logclaw:<key>: <rule>`. */
export class EnvironmentConfigError extends pulumi.RunError {}

function issueLine(issue: z.core.$ZodIssue, prefix: (string | number)[]): string {
  const path = [...prefix, ...issue.path].map(String);
  if (issue.code === "unrecognized_keys") {
    const key = path.length > 0 ? `logclaw:${path.join(".")}` : "logclaw";
    return `${key}: unknown key ${issue.keys.map((k) => `"${k}"`).join(", ")}`;
  }
  return `logclaw:${path.join(".")}: ${issue.message}`;
}

function parseOrThrow<S extends z.ZodType>(schema: S, value: unknown, prefix: (string | number)[]): z.infer<S> {
  const result = schema.safeParse(value);
  if (!result.success) {
    throw new EnvironmentConfigError(issueLine(result.error.issues[0], prefix));
  }
  return result.data;
}

/** Pulumi passes structured config values as JSON text; plain values stay strings. */
function decodeValue(key: string, text: string): unknown {
  const trimmed = text.trim();
  if (!/^[[{]/.test(trimmed) && trimmed !== "true" && trimmed !== "false") {
    return text;
  }
  try {
    return JSON.parse(trimmed);
  } catch {
    throw new EnvironmentConfigError(`logclaw:${key}: must be valid structured config`);
  }
}

const DEFAULT_STORAGE_CLASS: Record<CloudName, string> = {
  aws: "logclaw-gp3",
  gcp: "standard-rwo",
  existing: "standard",
};

/**
 * Validates the `logclaw:*` keys (namespace prefix already stripped, values as Pulumi hands them:
 * strings, structured values as JSON text or already decoded). Pure: tests call it without mocks.
 */
export function parseEnvironmentConfig(raw: Record<string, unknown>, stack: string): EnvironmentConfig {
  const decoded = Object.fromEntries(
    Object.entries(raw).map(([k, v]) => [k, typeof v === "string" ? decodeValue(k, v) : v]),
  );
  const base = parseOrThrow(baseSchema, decoded, []);
  const { aws, gcp, clusterName, storageClass, ...rest } = base;
  const config: EnvironmentConfig = {
    ...rest,
    stack,
    clusterName: clusterName ?? `logclaw-${stack}`.slice(0, 40).replace(/-+$/, ""),
    storageClass: storageClass ?? DEFAULT_STORAGE_CLASS[base.cloud],
  };
  if (base.cloud === "aws") {
    config.aws = parseOrThrow(awsConfigSchema, aws ?? {}, ["aws"]);
  } else if (aws !== undefined) {
    throw new EnvironmentConfigError("logclaw:aws: only allowed with logclaw:cloud aws");
  }
  if (base.cloud === "gcp") {
    config.gcp = parseOrThrow(gcpConfigSchema, gcp ?? {}, ["gcp"]);
  } else if (gcp !== undefined) {
    throw new EnvironmentConfigError("logclaw:gcp: only allowed with logclaw:cloud gcp");
  }
  if (base.cloud !== "existing") {
    for (const key of ["kubeconfig", "kubeContext", "renderDirectory"] as const) {
      if (base[key] !== undefined) {
        throw new EnvironmentConfigError(`logclaw:${key}: only allowed with logclaw:cloud existing`);
      }
    }
  }
  if (base.renderDirectory !== undefined && base.kubeconfig !== undefined) {
    throw new EnvironmentConfigError("logclaw:kubeconfig: must not be set with logclaw:renderDirectory (render-only needs no cluster)");
  }
  return config;
}

/** Reads the current stack's `logclaw:*` config and validates it. */
export function loadEnvironmentConfig(): EnvironmentConfig {
  const raw: Record<string, string> = {};
  for (const [key, value] of Object.entries(pulumi.runtime.allConfig())) {
    if (key.startsWith("logclaw:")) {
      raw[key.slice("logclaw:".length)] = value;
    }
  }
  // `logclaw:tenant` selects the tenant program in stacks/index.ts; it is never set here.
  delete raw.tenant;
  return parseEnvironmentConfig(raw, pulumi.getStack());
}
