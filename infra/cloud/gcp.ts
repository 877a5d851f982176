import * as gcp from "@pulumi/gcp";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { EXTERNAL_SECRETS_SERVICE_ACCOUNT, type ClusterSource, type SecretBackend } from "./types";

export interface GkeNodePoolArgs {
  /** DNS label; the node pool's name suffix. */
  name: string;
  machineType: string;
  /** Autoscaling floor per zone, 0..100. */
  minNodes: number;
  /** Autoscaling ceiling per zone, 1..100, >= minNodes. */
  maxNodes: number;
}

export interface GkeClusterArgs {
  /** GCP project id. Required. */
  project: string;
  /** Region of the (regional) cluster, e.g. `europe-west1`. Required. */
  region: string;
  /** Primary range of the node subnet (default `10.10.0.0/20`). */
  subnetCidr: string;
  /** Secondary range for pods (default `10.20.0.0/14`). */
  podsCidr: string;
  /** Secondary range for services (default `10.24.0.0/20`). */
  servicesCidr: string;
  /** The control plane's /28 (default `172.16.0.0/28`). */
  masterCidr: string;
  /** Networks allowed to reach the control plane; empty = only the VPC itself. */
  masterAuthorizedNetworks: { cidrBlock: string; displayName: string }[];
  /** GKE release channel (default `REGULAR`). */
  releaseChannel: "RAPID" | "REGULAR" | "STABLE";
  /** Node pools, at least one; nodes never get public IPs. */
  nodePools: GkeNodePoolArgs[];
  /** Days a non-current snapshot object version is kept, 1..3650. */
  snapshotRetentionDays: number;
  /** GKE deletion protection (default true). */
  deletionProtection: boolean;
  /** Name of the GKE cluster (a DNS label). */
  clusterName: string;
  /** Storage class tenant volumes use (default the built-in `standard-rwo`). */
  storageClass: string;
}

/** Validates the args before any child exists; the message names the field. */
export function validateGkeClusterArgs(args: GkeClusterArgs): void {
  if (args.nodePools.length === 0) {
    throw new Error("GkeCluster: nodePools must define at least one node pool");
  }
  if (!args.masterCidr.endsWith("/28")) {
    throw new Error("GkeCluster: masterCidr must be a /28 CIDR block");
  }
  if (args.masterAuthorizedNetworks.some((n) => n.cidrBlock === "0.0.0.0/0")) {
    throw new Error("GkeCluster: masterAuthorizedNetworks must not contain 0.0.0.0/0");
  }
}

/**
 * Secret Manager names cannot contain `/`, so LogClaw's GCP secrets are `logclaw-...` (the AWS
 * `logclaw/...` key with `/` replaced by `-`).
 */
export const GCP_SECRET_PREFIX = "logclaw-";

/**
 * IAM condition limiting a project-level `secretAccessor` grant to LogClaw's secrets. A condition
 * rather than per-secret bindings because tenant secrets are created after this stack runs (by
 * operators or tenant onboarding) and per-secret bindings would need this stack re-run for each
 * one; the prefix keeps every non-LogClaw secret in the project unreadable. Secret Manager resource
 * names use the project NUMBER, not its id.
 */
export function secretAccessCondition(projectNumber: string): { title: string; description: string; expression: string } {
  return {
    title: "logclaw-secrets-only",
    description: `Only Secret Manager secrets named ${GCP_SECRET_PREFIX}*`,
    expression: `resource.name.startsWith("projects/${projectNumber}/secrets/${GCP_SECRET_PREFIX}")`,
  };
}

/** GCP service account ids are 6..30 characters: keep the suffix, trim the cluster name. */
export function serviceAccountId(clusterName: string, suffix: string): string {
  return `${clusterName.slice(0, 29 - suffix.length).replace(/-+$/, "")}-${suffix}`;
}

/** Kubeconfig for a GKE cluster using the gke-gcloud-auth-plugin (no static credentials). */
export function gkeKubeconfig(p: { name: string; endpoint: string; caCertificate: string }): string {
  return JSON.stringify({
    apiVersion: "v1",
    kind: "Config",
    clusters: [{ name: p.name, cluster: { server: `https://${p.endpoint}`, "certificate-authority-data": p.caCertificate } }],
    contexts: [{ name: p.name, context: { cluster: p.name, user: p.name } }],
    "current-context": p.name,
    users: [
      {
        name: p.name,
        user: {
          exec: {
            apiVersion: "client.authentication.k8s.io/v1beta1",
            command: "gke-gcloud-auth-plugin",
            installHint: "Install gke-gcloud-auth-plugin: https://cloud.google.com/kubernetes-engine/docs/how-to/cluster-access-for-kubectl",
            provideClusterInfo: true,
          },
        },
      },
    ],
  });
}

const NODE_ROLES = ["roles/logging.logWriter", "roles/monitoring.metricWriter", "roles/monitoring.viewer", "roles/artifactregistry.reader"];

/**
 * A regional GKE cluster with private nodes, Workload Identity and a release channel; its VPC with
 * Cloud NAT (private nodes still pull images); a CMEK-encrypted snapshot bucket; and a Google
 * service account for External Secrets that may read only `logclaw-*` secrets.
 */
export class GkeCluster extends pulumi.ComponentResource implements ClusterSource {
  public readonly provider: k8s.Provider;
  public readonly kubeconfig: pulumi.Output<string>;
  public readonly clusterName: pulumi.Output<string>;
  public readonly storageClass: pulumi.Output<string>;
  public readonly renderDirectory?: string;
  public readonly secretBackend: SecretBackend;
  public readonly externalSecretsServiceAccountAnnotations: pulumi.Output<Record<string, string>>;
  public readonly snapshotBucket: pulumi.Output<string>;
  public readonly externalSecretsServiceAccountEmail: pulumi.Output<string>;

  constructor(name: string, args: GkeClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    validateGkeClusterArgs(args);
    super("logclaw:cloud:GkeCluster", name, {}, opts);
    const gcpProvider = new gcp.Provider(`${name}-gcp`, { project: args.project, region: args.region }, { parent: this });
    const copts = { parent: this, provider: gcpProvider };
    const labels = { "app-kubernetes-io-part-of": "logclaw", "logclaw-cluster": args.clusterName };
    const project = gcp.organizations.getProjectOutput({ projectId: args.project }, copts);

    const network = new gcp.compute.Network(`${name}-net`, { autoCreateSubnetworks: false, routingMode: "REGIONAL" }, copts);
    const subnet = new gcp.compute.Subnetwork(
      `${name}-nodes`,
      {
        network: network.id,
        region: args.region,
        ipCidrRange: args.subnetCidr,
        privateIpGoogleAccess: true,
        secondaryIpRanges: [
          { rangeName: "pods", ipCidrRange: args.podsCidr },
          { rangeName: "services", ipCidrRange: args.servicesCidr },
        ],
      },
      copts,
    );
    const router = new gcp.compute.Router(`${name}-router`, { network: network.id, region: args.region }, copts);
    new gcp.compute.RouterNat(
      `${name}-nat`,
      {
        router: router.name,
        region: args.region,
        natIpAllocateOption: "AUTO_ONLY",
        sourceSubnetworkIpRangesToNat: "ALL_SUBNETWORKS_ALL_IP_RANGES",
        logConfig: { enable: true, filter: "ERRORS_ONLY" },
      },
      copts,
    );

    const nodeAccount = new gcp.serviceaccount.Account(
      `${name}-nodes`,
      { accountId: serviceAccountId(args.clusterName, "nodes"), displayName: `LogClaw ${args.clusterName} GKE nodes` },
      copts,
    );
    const nodeRoles = NODE_ROLES.map(
      (role) =>
        new gcp.projects.IAMMember(
          `${name}-nodes-${role.split("/")[1]}`,
          { project: args.project, role, member: pulumi.interpolate`serviceAccount:${nodeAccount.email}` },
          copts,
        ),
    );

    const cluster = new gcp.container.Cluster(
      `${name}-gke`,
      {
        name: args.clusterName,
        location: args.region,
        network: network.id,
        subnetwork: subnet.id,
        removeDefaultNodePool: true,
        initialNodeCount: 1,
        deletionProtection: args.deletionProtection,
        releaseChannel: { channel: args.releaseChannel },
        workloadIdentityConfig: { workloadPool: `${args.project}.svc.id.goog` },
        privateClusterConfig: { enablePrivateNodes: true, enablePrivateEndpoint: false, masterIpv4CidrBlock: args.masterCidr },
        // Only the listed networks (and the VPC) reach the API server, not every Google Cloud address.
        masterAuthorizedNetworksConfig: { cidrBlocks: args.masterAuthorizedNetworks, gcpPublicCidrsAccessEnabled: false },
        ipAllocationPolicy: { clusterSecondaryRangeName: "pods", servicesSecondaryRangeName: "services" },
        // Dataplane V2 enforces the NetworkPolicies tenant namespaces rely on.
        datapathProvider: "ADVANCED_DATAPATH",
        enableShieldedNodes: true,
        resourceLabels: labels,
      },
      copts,
    );
    for (const pool of args.nodePools) {
      new gcp.container.NodePool(
        `${name}-pool-${pool.name}`,
        {
          cluster: cluster.id,
          location: args.region,
          autoscaling: { minNodeCount: pool.minNodes, maxNodeCount: pool.maxNodes },
          management: { autoRepair: true, autoUpgrade: true },
          nodeConfig: {
            machineType: pool.machineType,
            serviceAccount: nodeAccount.email,
            oauthScopes: ["https://www.googleapis.com/auth/cloud-platform"],
            workloadMetadataConfig: { mode: "GKE_METADATA" },
            shieldedInstanceConfig: { enableSecureBoot: true, enableIntegrityMonitoring: true },
            labels: { "logclaw.io/node-pool": pool.name },
            resourceLabels: labels,
          },
        },
        { ...copts, dependsOn: nodeRoles },
      );
    }

    this.snapshotBucket = this.createSnapshotBucket(name, args, labels, copts);

    const esoAccount = new gcp.serviceaccount.Account(
      `${name}-external-secrets`,
      {
        accountId: serviceAccountId(args.clusterName, "eso"),
        displayName: `LogClaw ${args.clusterName} External Secrets (reads ${GCP_SECRET_PREFIX}* only)`,
      },
      copts,
    );
    new gcp.projects.IAMMember(
      `${name}-external-secrets-access`,
      {
        project: args.project,
        role: "roles/secretmanager.secretAccessor",
        member: pulumi.interpolate`serviceAccount:${esoAccount.email}`,
        condition: project.number.apply((n) => secretAccessCondition(n)),
      },
      copts,
    );
    new gcp.serviceaccount.IAMMember(
      `${name}-external-secrets-wi`,
      {
        serviceAccountId: esoAccount.name,
        role: "roles/iam.workloadIdentityUser",
        member: `serviceAccount:${args.project}.svc.id.goog[${EXTERNAL_SECRETS_SERVICE_ACCOUNT.namespace}/${EXTERNAL_SECRETS_SERVICE_ACCOUNT.name}]`,
      },
      copts,
    );
    this.externalSecretsServiceAccountEmail = esoAccount.email;
    this.externalSecretsServiceAccountAnnotations = esoAccount.email.apply((email): Record<string, string> => ({ "iam.gke.io/gcp-service-account": email }));

    this.kubeconfig = pulumi.secret(
      pulumi
        .all([cluster.name, cluster.endpoint, cluster.masterAuth.clusterCaCertificate])
        .apply(([clusterName, endpoint, ca]) => gkeKubeconfig({ name: clusterName, endpoint, caCertificate: ca ?? "" })),
    );
    this.provider = new k8s.Provider(`${name}-k8s`, { kubeconfig: this.kubeconfig, enableServerSideApply: true }, { parent: this });
    this.clusterName = cluster.name;
    this.storageClass = pulumi.output(args.storageClass);
    this.secretBackend = { kind: "gcp", projectId: args.project };
    this.registerOutputs({
      kubeconfig: this.kubeconfig,
      clusterName: this.clusterName,
      storageClass: this.storageClass,
      snapshotBucket: this.snapshotBucket,
      externalSecretsServiceAccountEmail: this.externalSecretsServiceAccountEmail,
    });
  }

  /** Private (public access prevention enforced), uniform-access, versioned, CMEK bucket for OpenSearch snapshots. */
  private createSnapshotBucket(
    name: string,
    args: GkeClusterArgs,
    labels: Record<string, string>,
    copts: pulumi.CustomResourceOptions,
  ): pulumi.Output<string> {
    const keyRing = new gcp.kms.KeyRing(`${name}-keys`, { name: `${args.clusterName}-keys`, location: args.region }, copts);
    const key = new gcp.kms.CryptoKey(
      `${name}-snapshots`,
      { name: `${args.clusterName}-snapshots`, keyRing: keyRing.id, rotationPeriod: "7776000s", purpose: "ENCRYPT_DECRYPT" },
      copts,
    );
    const gcsAgent = gcp.storage.getProjectServiceAccountOutput({ project: args.project }, copts);
    const keyGrant = new gcp.kms.CryptoKeyIAMMember(
      `${name}-snapshots-gcs`,
      {
        cryptoKeyId: key.id,
        role: "roles/cloudkms.cryptoKeyEncrypterDecrypter",
        member: pulumi.interpolate`serviceAccount:${gcsAgent.emailAddress}`,
      },
      copts,
    );
    const bucket = new gcp.storage.Bucket(
      `${name}-snapshots`,
      {
        name: `${args.clusterName}-snapshots-${args.project}`.slice(0, 63).replace(/-+$/, ""),
        location: args.region.toUpperCase(),
        uniformBucketLevelAccess: true,
        publicAccessPrevention: "enforced",
        versioning: { enabled: true },
        encryption: { defaultKmsKeyName: key.id },
        forceDestroy: false,
        lifecycleRules: [
          { action: { type: "Delete" }, condition: { daysSinceNoncurrentTime: args.snapshotRetentionDays, withState: "ARCHIVED" } },
          { action: { type: "AbortIncompleteMultipartUpload" }, condition: { age: 7 } },
        ],
        labels,
      },
      { ...copts, dependsOn: [keyGrant] },
    );
    return bucket.name;
  }
}
