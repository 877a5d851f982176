import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import type { EnvMocks } from "../support/env-mocks";
import { setupEnvMocks, valueOf } from "../support/env-mocks";
import { settle } from "../support/pulumi-mocks";
import type { EnvironmentOutputs } from "../../stacks/environment.js";

let mocks: EnvMocks;
let outputs: EnvironmentOutputs;

beforeAll(async () => {
  mocks = await setupEnvMocks(
    {
      "logclaw:cloud": "gcp",
      "logclaw:clusterName": "logclaw-staging",
      "logclaw:ingressDomain": "staging.logclaw.example.com",
      "logclaw:grafanaUrl": "https://grafana.example.com/",
      "logclaw:gcp": JSON.stringify({
        project: "demo-project",
        region: "europe-west1",
        masterAuthorizedNetworks: [{ cidrBlock: "203.0.113.0/24", displayName: "office" }],
        nodePools: [{ name: "general", machineType: "e2-standard-4", minNodes: 1, maxNodes: 3 }],
      }),
    },
    {},
    "staging",
  );
  const { environmentProgram } = await import("../../stacks/environment.js");
  outputs = environmentProgram();
  await settle();
});

describe("environment program on GCP", () => {
  it("registers the expected resource graph (no Grafana chart when a Grafana URL is configured)", () => {
    const counts: Record<string, number> = {};
    for (const r of mocks.registrations) counts[r.type] = (counts[r.type] ?? 0) + 1;
    expect(counts).toEqual({
      "logclaw:cloud:GkeCluster": 1,
      "pulumi:providers:gcp": 1,
      "gcp:compute/network:Network": 1,
      "gcp:compute/subnetwork:Subnetwork": 1,
      "gcp:compute/router:Router": 1,
      "gcp:compute/routerNat:RouterNat": 1,
      "gcp:serviceaccount/account:Account": 2,
      "gcp:projects/iAMMember:IAMMember": 5,
      "gcp:container/cluster:Cluster": 1,
      "gcp:container/nodePool:NodePool": 1,
      "gcp:kms/keyRing:KeyRing": 1,
      "gcp:kms/cryptoKey:CryptoKey": 1,
      "gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember": 1,
      "gcp:storage/bucket:Bucket": 1,
      "gcp:serviceaccount/iAMMember:IAMMember": 1,
      "pulumi:providers:kubernetes": 1,
      "logclaw:operators:ClusterOperators": 1,
      "kubernetes:core/v1:Namespace": 5,
      "kubernetes:helm.sh/v4:Chart": 5,
      "kubernetes:cert-manager.io/v1:ClusterIssuer": 1,
      "kubernetes:external-secrets.io/v1:ClusterSecretStore": 1,
      "kubernetes:rbac.authorization.k8s.io/v1:ClusterRole": 1,
    });
    expect(mocks.byType("kubernetes:helm.sh/v4:Chart").map((c) => c.name)).not.toContain("logclaw-staging-grafana");
  });

  it("creates a private GKE cluster with Workload Identity, a release channel and authorized networks", () => {
    const cluster = mocks.one("gcp:container/cluster:Cluster");
    expect(cluster.inputs).toMatchObject({
      name: "logclaw-staging",
      location: "europe-west1",
      removeDefaultNodePool: true,
      privateClusterConfig: { enablePrivateNodes: true, masterIpv4CidrBlock: "172.16.0.0/28" },
      workloadIdentityConfig: { workloadPool: "demo-project.svc.id.goog" },
      releaseChannel: { channel: "REGULAR" },
      masterAuthorizedNetworksConfig: { cidrBlocks: [{ cidrBlock: "203.0.113.0/24", displayName: "office" }], gcpPublicCidrsAccessEnabled: false },
      ipAllocationPolicy: { clusterSecondaryRangeName: "pods", servicesSecondaryRangeName: "services" },
    });
    const pool = mocks.one("gcp:container/nodePool:NodePool");
    expect(pool.inputs).toMatchObject({
      autoscaling: { minNodeCount: 1, maxNodeCount: 3 },
      nodeConfig: { machineType: "e2-standard-4", workloadMetadataConfig: { mode: "GKE_METADATA" } },
    });
  });

  it("keeps the snapshot bucket private, uniform, versioned, expiring and CMEK-encrypted", () => {
    const bucket = mocks.one("gcp:storage/bucket:Bucket");
    expect(bucket.inputs).toMatchObject({
      uniformBucketLevelAccess: true,
      publicAccessPrevention: "enforced",
      versioning: { enabled: true },
      encryption: { defaultKmsKeyName: "logclaw-staging-snapshots-id" },
    });
    expect(bucket.inputs.lifecycleRules).toContainEqual({
      action: { type: "Delete" },
      condition: { daysSinceNoncurrentTime: 30, withState: "ARCHIVED" },
    });
    expect(mocks.dependencyNames(bucket)).toContain("logclaw-staging-snapshots-gcs");
    const grant = mocks.one("gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember");
    expect(grant.inputs.member).toBe("serviceAccount:service-424242424242@gs-project-accounts.iam.gserviceaccount.com");
  });

  it("lets External Secrets read only logclaw-* secrets, through Workload Identity for its own service account", () => {
    const access = mocks.one("gcp:projects/iAMMember:IAMMember", "logclaw-staging-external-secrets-access");
    expect(access.inputs).toEqual({
      project: "demo-project",
      role: "roles/secretmanager.secretAccessor",
      member: "serviceAccount:logclaw-staging-eso@demo-project.iam.gserviceaccount.com",
      condition: {
        title: "logclaw-secrets-only",
        description: "Only Secret Manager secrets named logclaw-*",
        expression: 'resource.name.startsWith("projects/424242424242/secrets/logclaw-")',
      },
    });
    const secretGrants = mocks.byType("gcp:projects/iAMMember:IAMMember").filter((m) => String(m.inputs.role).startsWith("roles/secretmanager"));
    expect(secretGrants).toHaveLength(1);
    const wi = mocks.one("gcp:serviceaccount/iAMMember:IAMMember");
    expect(wi.inputs).toMatchObject({
      role: "roles/iam.workloadIdentityUser",
      member: "serviceAccount:demo-project.svc.id.goog[external-secrets/external-secrets]",
    });
    const eso = mocks.one("kubernetes:helm.sh/v4:Chart", "logclaw-staging-externalSecrets");
    expect((eso.inputs.values as { serviceAccount: { annotations: unknown } }).serviceAccount.annotations).toEqual({
      "iam.gke.io/gcp-service-account": "logclaw-staging-eso@demo-project.iam.gserviceaccount.com",
    });
    const store = mocks.one("kubernetes:external-secrets.io/v1:ClusterSecretStore");
    expect((store.inputs.spec as { provider: unknown }).provider).toEqual({ gcpsm: { projectID: "demo-project" } });
  });

  it("uses the GKE kubeconfig for the stack's provider and every Kubernetes resource", () => {
    const provider = mocks.one("pulumi:providers:kubernetes");
    const kubeconfig = JSON.parse(String(provider.inputs.kubeconfig)) as { clusters: { cluster: { server: string } }[] };
    expect(kubeconfig.clusters[0]!.cluster.server).toBe("https://203.0.113.10");
    const k8sResources = mocks.registrations.filter((r) => r.type.startsWith("kubernetes:"));
    expect(k8sResources).toHaveLength(13);
    for (const r of k8sResources) expect(mocks.providerUrn(r), `${r.type} ${r.name}`).toBe(provider.urn);
    for (const r of mocks.registrations.filter((r) => r.type.startsWith("gcp:"))) {
      expect(mocks.providerUrn(r), `${r.type} ${r.name}`).toBe(mocks.one("pulumi:providers:gcp").urn);
    }
  });

  it("orders cert-manager before the other operators and CRDs before custom resources", () => {
    for (const op of ["strimzi", "flink", "externalSecrets", "opensearch"]) {
      expect(mocks.dependencyNames(mocks.one("kubernetes:helm.sh/v4:Chart", `logclaw-staging-${op}`)), op).toContain("logclaw-staging-certManager");
    }
    expect(mocks.dependencyNames(mocks.one("kubernetes:cert-manager.io/v1:ClusterIssuer"))).toContain("logclaw-staging-certManager");
    expect(mocks.dependencyNames(mocks.one("kubernetes:external-secrets.io/v1:ClusterSecretStore"))).toContain("logclaw-staging-externalSecrets");
  });

  it("exports the contract outputs", async () => {
    expect(await pulumi.isSecret(outputs.kubeconfig)).toBe(true);
    expect(await valueOf(outputs.clusterName)).toBe("logclaw-staging");
    expect(await valueOf(outputs.grafanaUrl)).toBe("https://grafana.example.com");
    expect(await valueOf(outputs.storageClass)).toBe("standard-rwo");
    expect(await valueOf(outputs.operatorVersions)).not.toHaveProperty("grafana");
    expect(await valueOf(outputs.snapshotBucket)).toBe("logclaw-staging-snapshots-demo-project");
    expect(outputs.cloud).toBe("gcp");
  });
});
