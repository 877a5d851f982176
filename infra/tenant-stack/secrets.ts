import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { PLATFORM_CREDENTIAL_PROPERTIES } from "../../contracts/tenant/schema";
import { k8sOptions, objectMeta, type TenantContext } from "./context";
import { LLM_API_KEY_PROPERTY } from "./env";
import { OBJECT_NAMES, OPENSEARCH_USERS, openSearchUserSecret, platformSecretName } from "./names";
import { secretStoreKey, type SecretStoreCloud } from "./secret-keys";

export interface SecretsArgs {
  context: TenantContext;
  /** ClusterSecretStore the ExternalSecrets read from (environment output `secretStoreName`). */
  secretStoreName: pulumi.Input<string>;
  /** Cloud of the environment: the store's naming of secret keys (`secretStoreKey`). Default: keys unchanged. */
  cloud?: pulumi.Input<SecretStoreCloud | undefined>;
  /** Ingestion API key; generated (32 characters) when absent. */
  apiKey?: pulumi.Input<string>;
}

/** One ExternalSecret `data` entry: which remote property lands under which key. */
export interface ExternalSecretEntry {
  secretKey: string;
  remoteRef: { key: string; property: string };
}

/** One ExternalSecret: its name, the tenant-file field holding the key, and what it pulls. */
export interface ExternalSecretPlan {
  name: string;
  /** Field path in the tenant file, e.g. `integrations.jira.credentials.key`. */
  field: string;
  /** The key as the tenant file writes it (`logclaw/<tenant>/<name>`). */
  key: string;
  /** Entries, keys as the tenant file writes them. */
  entries: ExternalSecretEntry[];
}

/** What the ExternalSecret of each configured credential pulls (pure: from the tenant plan). */
export function externalSecretPlan(ctx: Pick<TenantContext, "plan">): ExternalSecretPlan[] {
  const { tenant, platforms, tier } = ctx.plan;
  const plans = platforms.map((platform): ExternalSecretPlan => {
    const key = tenant.integrations[platform]!.credentials.key;
    return {
      name: platformSecretName(platform),
      field: `integrations.${platform}.credentials.key`,
      key,
      entries: PLATFORM_CREDENTIAL_PROPERTIES[platform].map((property) => ({ secretKey: property, remoteRef: { key, property } })),
    };
  });
  if (tenant.llm?.credentials && tier.features.llmRca) {
    plans.push({
      name: OBJECT_NAMES.llmSecret,
      field: "llm.credentials.key",
      key: tenant.llm.credentials.key,
      entries: [{ secretKey: LLM_API_KEY_PROPERTY, remoteRef: { key: tenant.llm.credentials.key, property: LLM_API_KEY_PROPERTY } }],
    });
  }
  return plans;
}

/** Why the plan's keys have no valid name in the store of `cloud` (empty when they all do). */
export function storeKeyProblems(plans: ExternalSecretPlan[], cloud: SecretStoreCloud | undefined): string[] {
  return plans.flatMap((plan) => {
    const mapped = secretStoreKey(plan.key, cloud);
    return "error" in mapped ? [`tenant.${plan.field}: ${mapped.error}`] : [];
  });
}

/** The plan's entries with each key in the store's naming; throws naming the field when one has none. */
export function storeEntries(plan: ExternalSecretPlan, cloud: SecretStoreCloud | undefined): ExternalSecretEntry[] {
  return plan.entries.map((entry) => {
    const mapped = secretStoreKey(entry.remoteRef.key, cloud);
    if ("error" in mapped) throw new Error(`tenant.${plan.field}: ${mapped.error}`);
    return { ...entry, remoteRef: { ...entry.remoteRef, key: mapped.key } };
  });
}

/** The in-cluster Password generator every generated service credential comes from. */
export const PASSWORD_GENERATOR = {
  apiVersion: "generators.external-secrets.io/v1alpha1",
  kind: "Password",
  name: "logclaw-password",
} as const;

/** One service credential generated in the cluster: the Secret it lands in and its keys. */
export interface GeneratedSecretPlan {
  /** Logical name suffix of the ExternalSecret resource. */
  suffix: string;
  /** Kubernetes Secret the ExternalSecret writes (what the consumers read). */
  secretName: string;
  component: string;
  /** Secret keys: a fixed value, or `generated` for the generator's password. */
  data: Record<string, string | "generated">;
}

/**
 * The service credentials no person needs to read: the ticketing API token and the OpenSearch admin
 * and client passwords. They are generated inside the cluster, so they never reach the Pulumi state
 * or a rendered manifest.
 */
export function generatedSecretPlan(): GeneratedSecretPlan[] {
  return [
    { suffix: "api-token", secretName: OBJECT_NAMES.apiTokenSecret, component: "ticketing", data: { token: "generated" } },
    {
      suffix: "opensearch-admin",
      secretName: OBJECT_NAMES.openSearchAdminSecret,
      component: "opensearch",
      data: { username: "admin", password: "generated" },
    },
    ...Object.entries(OPENSEARCH_USERS).map(([role, user]) => ({
      suffix: `opensearch-${role}`,
      secretName: openSearchUserSecret(user),
      component: "opensearch",
      data: { username: user, password: "generated" },
    })),
  ];
}

/** The ExternalSecret spec that writes one generated credential (pure). */
export function generatedExternalSecretSpec(plan: GeneratedSecretPlan): Record<string, unknown> {
  return {
    // Generated once: a new value on every refresh would lock the clients out of OpenSearch and
    // the ticketing API until each of them restarted.
    refreshPolicy: "CreatedOnce",
    target: {
      name: plan.secretName,
      creationPolicy: "Owner",
      deletionPolicy: "Retain",
      template: {
        engineVersion: "v2",
        data: Object.fromEntries(
          Object.entries(plan.data).map(([key, value]) => [key, value === "generated" ? "{{ .password }}" : value]),
        ),
      },
    },
    dataFrom: [{ sourceRef: { generatorRef: { ...PASSWORD_GENERATOR } } }],
  };
}

/**
 * Every credential of the tenant: the ingestion API key (a Pulumi secret: the user reads it from the
 * stack output), service credentials generated in the cluster by the External Secrets Password
 * generator, and ExternalSecrets for the LLM and ticket platforms (values never reach Pulumi).
 */
export class Secrets extends pulumi.ComponentResource {
  public readonly apiKey: pulumi.Output<string>;
  /** Secrets and ExternalSecrets the workloads mount or reference. */
  public readonly resources: pulumi.Resource[];

  constructor(name: string, args: SecretsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("logclaw:tenant:Secrets", name, {}, opts);
    const ctx = args.context;
    const externalSecret = (suffix: string, secretName: string, component: string, spec: pulumi.Input<Record<string, unknown>>, after?: pulumi.Resource[]) =>
      new k8s.apiextensions.CustomResource(
        `${name}-${suffix}`,
        { apiVersion: "external-secrets.io/v1", kind: "ExternalSecret", metadata: objectMeta(ctx, secretName, component), spec },
        k8sOptions(this, ctx, after),
      );

    this.apiKey = args.apiKey
      ? pulumi.secret(args.apiKey)
      : pulumi.secret(new random.RandomPassword(`${name}-api-key`, { length: 32, special: false }, { parent: this }).result);
    const created: pulumi.Resource[] = [
      new k8s.core.v1.Secret(
        `${name}-api-key-secret`,
        { metadata: objectMeta(ctx, OBJECT_NAMES.apiKeySecret, "collector"), type: "Opaque", stringData: { "api-key": this.apiKey } },
        k8sOptions(this, ctx),
      ),
    ];

    // 32 letters and digits: no symbol needs quoting in a URL, an env value or OpenSearch's config.
    const generator = new k8s.apiextensions.CustomResource(
      `${name}-password-generator`,
      {
        apiVersion: PASSWORD_GENERATOR.apiVersion,
        kind: PASSWORD_GENERATOR.kind,
        metadata: objectMeta(ctx, PASSWORD_GENERATOR.name, "credentials"),
        spec: { length: 32, digits: 8, symbols: 0, noUpper: false, allowRepeat: true },
      },
      k8sOptions(this, ctx),
    );
    created.push(generator);
    for (const plan of generatedSecretPlan()) {
      created.push(externalSecret(plan.suffix, plan.secretName, plan.component, generatedExternalSecretSpec(plan), [generator]));
    }

    for (const plan of externalSecretPlan(ctx)) {
      created.push(
        externalSecret(`external-${plan.name}`, plan.name, "credentials", {
          refreshInterval: "1h",
          secretStoreRef: { kind: "ClusterSecretStore", name: args.secretStoreName },
          target: { name: plan.name, creationPolicy: "Owner", deletionPolicy: "Retain" },
          data: pulumi.output(args.cloud).apply((cloud) => storeEntries(plan, cloud)),
        }),
      );
    }
    this.resources = created;
    this.registerOutputs({ apiKey: this.apiKey });
  }
}
