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

/**
 * Every credential of the tenant: generated passwords and keys (Kubernetes Secrets whose values are
 * Pulumi secrets) and ExternalSecrets for the LLM and ticket platforms (values never reach Pulumi).
 */
export class Secrets extends pulumi.ComponentResource {
  public readonly apiKey: pulumi.Output<string>;
  /** Secrets and ExternalSecrets the workloads mount or reference. */
  public readonly resources: pulumi.Resource[];

  constructor(name: string, args: SecretsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("logclaw:tenant:Secrets", name, {}, opts);
    const ctx = args.context;
    const generated = (suffix: string) =>
      pulumi.secret(new random.RandomPassword(`${name}-${suffix}`, { length: 32, special: false }, { parent: this }).result);
    const secret = (suffix: string, secretName: string, component: string, data: Record<string, pulumi.Input<string>>) =>
      new k8s.core.v1.Secret(
        `${name}-${suffix}`,
        { metadata: objectMeta(ctx, secretName, component), type: "Opaque", stringData: data },
        k8sOptions(this, ctx),
      );

    this.apiKey = args.apiKey ? pulumi.secret(args.apiKey) : generated("api-key");
    const created: pulumi.Resource[] = [
      secret("api-key-secret", OBJECT_NAMES.apiKeySecret, "collector", { "api-key": this.apiKey }),
      secret("api-token-secret", OBJECT_NAMES.apiTokenSecret, "ticketing", { token: generated("api-token") }),
      secret("opensearch-admin-secret", OBJECT_NAMES.openSearchAdminSecret, "opensearch", {
        username: "admin",
        password: generated("opensearch-admin-password"),
      }),
    ];
    for (const [role, user] of Object.entries(OPENSEARCH_USERS)) {
      created.push(
        secret(`opensearch-${role}-secret`, openSearchUserSecret(user), "opensearch", {
          username: user,
          password: generated(`opensearch-${role}-password`),
        }),
      );
    }
    for (const plan of externalSecretPlan(ctx)) {
      created.push(
        new k8s.apiextensions.CustomResource(
          `${name}-external-${plan.name}`,
          {
            apiVersion: "external-secrets.io/v1",
            kind: "ExternalSecret",
            metadata: objectMeta(ctx, plan.name, "credentials"),
            spec: {
              refreshInterval: "1h",
              secretStoreRef: { kind: "ClusterSecretStore", name: args.secretStoreName },
              target: { name: plan.name, creationPolicy: "Owner", deletionPolicy: "Retain" },
              data: pulumi.output(args.cloud).apply((cloud) => storeEntries(plan, cloud)),
            },
          },
          k8sOptions(this, ctx),
        ),
      );
    }
    this.resources = created;
    this.registerOutputs({ apiKey: this.apiKey });
  }
}
