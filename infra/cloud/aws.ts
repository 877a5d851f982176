import * as aws from "@pulumi/aws";
import * as awsx from "@pulumi/awsx";
import * as eks from "@pulumi/eks";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { EXTERNAL_SECRETS_SERVICE_ACCOUNT, type ClusterSource, type SecretBackend } from "./types";

export interface AwsNodeGroupArgs {
  /** DNS label; the node group's name suffix. */
  name: string;
  /** EC2 instance types, at least one. */
  instanceTypes: string[];
  /** 1..100, <= desiredSize. */
  minSize: number;
  /** 1..100, >= desiredSize. */
  maxSize: number;
  desiredSize: number;
}

export interface AwsClusterArgs {
  /** AWS region, e.g. `eu-west-1`. Required. */
  region: string;
  /** VPC CIDR (default `10.0.0.0/16`). */
  vpcCidr: string;
  /** Availability zones spanned, 2..6 (default 3). */
  availabilityZones: number;
  /** `single` NAT gateway or one `perAz` (default). */
  natGateways: "single" | "perAz";
  /** EKS Kubernetes minor version, e.g. `1.33`. */
  kubernetesVersion: string;
  /** CIDRs that may reach the public API endpoint; empty = private endpoint only. */
  publicAccessCidrs: string[];
  /** Managed node groups, at least one; nodes always run in the private subnets. */
  nodeGroups: AwsNodeGroupArgs[];
  /** Days a non-current snapshot object version is kept, 1..3650. */
  snapshotRetentionDays: number;
  /** Name of the EKS cluster (a DNS label). */
  clusterName: string;
  /** Name of the encrypted gp3 storage class created for tenants. */
  storageClass: string;
}

/** Validates the args before any child exists; the message names the field. */
export function validateAwsClusterArgs(args: AwsClusterArgs): void {
  if (args.nodeGroups.length === 0) {
    throw new Error("AwsCluster: nodeGroups must define at least one node group");
  }
  for (const g of args.nodeGroups) {
    if (!(g.minSize <= g.desiredSize && g.desiredSize <= g.maxSize)) {
      throw new Error(`AwsCluster: nodeGroups.${g.name} must satisfy minSize <= desiredSize <= maxSize`);
    }
  }
  if (args.publicAccessCidrs.includes("0.0.0.0/0")) {
    throw new Error("AwsCluster: publicAccessCidrs must not contain 0.0.0.0/0");
  }
}

/** The secret prefix External Secrets may read in Secrets Manager. */
export const AWS_SECRET_PREFIX = "logclaw/";

export interface PolicyDocument {
  Version: "2012-10-17";
  Statement: Record<string, unknown>[];
}

/**
 * Permissions of the External Secrets role: read only `logclaw/*` secrets, and decrypt with the
 * environment key only through Secrets Manager. No `secretsmanager:ListSecrets` (it cannot be
 * scoped to a prefix).
 */
export function externalSecretsPolicy(p: { partition: string; region: string; accountId: string; keyArn: string }): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "ReadLogClawSecrets",
        Effect: "Allow",
        Action: ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret", "secretsmanager:ListSecretVersionIds"],
        Resource: [`arn:${p.partition}:secretsmanager:${p.region}:${p.accountId}:secret:${AWS_SECRET_PREFIX}*`],
      },
      {
        Sid: "DecryptLogClawSecrets",
        Effect: "Allow",
        Action: ["kms:Decrypt"],
        Resource: [p.keyArn],
        Condition: { StringEquals: { "kms:ViaService": `secretsmanager.${p.region}.amazonaws.com` } },
      },
    ],
  };
}

/** Trust policy letting exactly one Kubernetes service account assume a role through the cluster's OIDC provider. */
export function irsaTrustPolicy(p: { oidcProviderArn: string; oidcIssuer: string; namespace: string; serviceAccount: string }): PolicyDocument {
  const issuer = p.oidcIssuer.replace(/^https:\/\//, "");
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Principal: { Federated: p.oidcProviderArn },
        Action: "sts:AssumeRoleWithWebIdentity",
        Condition: {
          StringEquals: {
            [`${issuer}:sub`]: `system:serviceaccount:${p.namespace}:${p.serviceAccount}`,
            [`${issuer}:aud`]: "sts.amazonaws.com",
          },
        },
      },
    ],
  };
}

const NODE_POLICIES = ["AmazonEKSWorkerNodePolicy", "AmazonEKS_CNI_Policy", "AmazonEC2ContainerRegistryReadOnly"];

/**
 * An EKS cluster with its network: nodes only in private subnets, the API endpoint private unless
 * `publicAccessCidrs` opens it, secrets envelope-encrypted with the environment's KMS key, the OIDC
 * provider for IRSA, an encrypted snapshot bucket, and the External Secrets role.
 */
export class AwsCluster extends pulumi.ComponentResource implements ClusterSource {
  public readonly provider: k8s.Provider;
  public readonly kubeconfig: pulumi.Output<string>;
  public readonly clusterName: pulumi.Output<string>;
  public readonly storageClass: pulumi.Output<string>;
  public readonly renderDirectory?: string;
  public readonly secretBackend: SecretBackend;
  public readonly externalSecretsServiceAccountAnnotations: pulumi.Output<Record<string, string>>;
  public readonly snapshotBucket: pulumi.Output<string>;
  public readonly kmsKeyArn: pulumi.Output<string>;
  public readonly externalSecretsRoleArn: pulumi.Output<string>;

  constructor(name: string, args: AwsClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    validateAwsClusterArgs(args);
    super("logclaw:cloud:AwsCluster", name, {}, opts);
    const awsProvider = new aws.Provider(`${name}-aws`, { region: args.region as aws.Region }, { parent: this });
    const copts = { parent: this, provider: awsProvider };
    const tags = { "app.kubernetes.io/part-of": "logclaw", "logclaw.io/cluster": args.clusterName };

    const vpc = new awsx.ec2.Vpc(
      `${name}-vpc`,
      {
        cidrBlock: args.vpcCidr,
        numberOfAvailabilityZones: args.availabilityZones,
        enableDnsHostnames: true,
        natGateways: { strategy: args.natGateways === "single" ? "Single" : "OnePerAz" },
        subnetStrategy: "Auto",
        subnetSpecs: [
          { type: "Private", tags: { ...tags, "kubernetes.io/role/internal-elb": "1" } },
          { type: "Public", tags: { ...tags, "kubernetes.io/role/elb": "1" } },
        ],
        tags,
      },
      { parent: this, providers: { aws: awsProvider } },
    );

    const key = new aws.kms.Key(
      `${name}-key`,
      {
        description: `LogClaw ${args.clusterName}: EKS secrets, EBS volumes, snapshots and LogClaw secrets`,
        enableKeyRotation: true,
        deletionWindowInDays: 30,
        tags,
      },
      copts,
    );
    this.kmsKeyArn = key.arn;

    const cluster = new eks.Cluster(
      `${name}-eks`,
      {
        name: args.clusterName,
        version: args.kubernetesVersion,
        vpcId: vpc.vpcId,
        privateSubnetIds: vpc.privateSubnetIds,
        publicSubnetIds: vpc.publicSubnetIds,
        nodeAssociatePublicIpAddress: false,
        endpointPrivateAccess: true,
        endpointPublicAccess: args.publicAccessCidrs.length > 0,
        publicAccessCidrs: args.publicAccessCidrs.length > 0 ? args.publicAccessCidrs : undefined,
        createOidcProvider: true,
        authenticationMode: "API",
        encryptionConfigKeyArn: key.arn,
        skipDefaultNodeGroup: true,
        enabledClusterLogTypes: ["api", "audit", "authenticator"],
        tags,
      },
      { parent: this, providers: { aws: awsProvider } },
    );

    const partition = aws.getPartitionOutput({}, { parent: this, provider: awsProvider }).partition;
    const identity = aws.getCallerIdentityOutput({}, { parent: this, provider: awsProvider });

    const nodeRole = new aws.iam.Role(
      `${name}-node-role`,
      { assumeRolePolicy: JSON.stringify(servicePrincipalTrust("ec2.amazonaws.com")), tags },
      copts,
    );
    const nodePolicies = NODE_POLICIES.map(
      (policy) =>
        new aws.iam.RolePolicyAttachment(
          `${name}-node-${policy}`,
          { role: nodeRole.name, policyArn: pulumi.interpolate`arn:${partition}:iam::aws:policy/${policy}` },
          copts,
        ),
    );
    for (const group of args.nodeGroups) {
      new eks.ManagedNodeGroup(
        `${name}-ng-${group.name}`,
        {
          cluster,
          nodeGroupNamePrefix: `${args.clusterName}-${group.name}`,
          nodeRoleArn: nodeRole.arn,
          subnetIds: vpc.privateSubnetIds,
          instanceTypes: group.instanceTypes,
          scalingConfig: { minSize: group.minSize, maxSize: group.maxSize, desiredSize: group.desiredSize },
          labels: { "logclaw.io/node-group": group.name },
          tags,
        },
        { parent: this, providers: { aws: awsProvider }, dependsOn: nodePolicies },
      );
    }

    const ebsCsiRole = new aws.iam.Role(
      `${name}-ebs-csi`,
      {
        assumeRolePolicy: pulumi
          .all([cluster.oidcProviderArn, cluster.oidcIssuer])
          .apply(([arn, issuer]) =>
            JSON.stringify(irsaTrustPolicy({ oidcProviderArn: arn, oidcIssuer: issuer, namespace: "kube-system", serviceAccount: "ebs-csi-controller-sa" })),
          ),
        tags,
      },
      copts,
    );
    const ebsCsiPolicy = new aws.iam.RolePolicyAttachment(
      `${name}-ebs-csi-policy`,
      { role: ebsCsiRole.name, policyArn: pulumi.interpolate`arn:${partition}:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy` },
      copts,
    );
    const ebsCsi = new aws.eks.Addon(
      `${name}-ebs-csi`,
      { clusterName: cluster.eksCluster.name, addonName: "aws-ebs-csi-driver", serviceAccountRoleArn: ebsCsiRole.arn, tags },
      { ...copts, dependsOn: [ebsCsiPolicy] },
    );

    this.snapshotBucket = this.createSnapshotBucket(name, args, key, tags, copts);

    const esoRole = new aws.iam.Role(
      `${name}-external-secrets`,
      {
        description: "External Secrets Operator: read-only access to logclaw/* in Secrets Manager",
        assumeRolePolicy: pulumi
          .all([cluster.oidcProviderArn, cluster.oidcIssuer])
          .apply(([arn, issuer]) =>
            JSON.stringify(
              irsaTrustPolicy({
                oidcProviderArn: arn,
                oidcIssuer: issuer,
                namespace: EXTERNAL_SECRETS_SERVICE_ACCOUNT.namespace,
                serviceAccount: EXTERNAL_SECRETS_SERVICE_ACCOUNT.name,
              }),
            ),
          ),
        tags,
      },
      copts,
    );
    new aws.iam.RolePolicy(
      `${name}-external-secrets`,
      {
        role: esoRole.name,
        policy: pulumi
          .all([partition, identity.accountId, key.arn])
          .apply(([p, accountId, keyArn]) => JSON.stringify(externalSecretsPolicy({ partition: p, region: args.region, accountId, keyArn }))),
      },
      copts,
    );
    this.externalSecretsRoleArn = esoRole.arn;
    this.externalSecretsServiceAccountAnnotations = esoRole.arn.apply((arn): Record<string, string> => ({ "eks.amazonaws.com/role-arn": arn }));

    this.kubeconfig = pulumi.secret(cluster.kubeconfigJson);
    this.provider = new k8s.Provider(`${name}-k8s`, { kubeconfig: this.kubeconfig, enableServerSideApply: true }, { parent: this });
    const storageClass = new k8s.storage.v1.StorageClass(
      `${name}-gp3`,
      {
        metadata: { name: args.storageClass, annotations: { "storageclass.kubernetes.io/is-default-class": "true" } },
        provisioner: "ebs.csi.aws.com",
        volumeBindingMode: "WaitForFirstConsumer",
        allowVolumeExpansion: true,
        reclaimPolicy: "Retain",
        parameters: { type: "gp3", encrypted: "true", kmsKeyId: key.arn },
      },
      { parent: this, provider: this.provider, dependsOn: [ebsCsi] },
    );
    this.storageClass = storageClass.metadata.name;
    this.clusterName = cluster.eksCluster.name;
    this.secretBackend = { kind: "aws", region: args.region };
    this.registerOutputs({
      kubeconfig: this.kubeconfig,
      clusterName: this.clusterName,
      storageClass: this.storageClass,
      snapshotBucket: this.snapshotBucket,
      kmsKeyArn: this.kmsKeyArn,
      externalSecretsRoleArn: this.externalSecretsRoleArn,
    });
  }

  /** Private, versioned, KMS-encrypted bucket for OpenSearch snapshots. */
  private createSnapshotBucket(
    name: string,
    args: AwsClusterArgs,
    key: aws.kms.Key,
    tags: Record<string, string>,
    copts: pulumi.CustomResourceOptions,
  ): pulumi.Output<string> {
    const bucket = new aws.s3.Bucket(`${name}-snapshots`, { bucketPrefix: `${args.clusterName}-snapshots-`, forceDestroy: false, tags }, copts);
    new aws.s3.BucketPublicAccessBlock(
      `${name}-snapshots`,
      { bucket: bucket.id, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true },
      copts,
    );
    new aws.s3.BucketOwnershipControls(`${name}-snapshots`, { bucket: bucket.id, rule: { objectOwnership: "BucketOwnerEnforced" } }, copts);
    new aws.s3.BucketServerSideEncryptionConfiguration(
      `${name}-snapshots`,
      {
        bucket: bucket.id,
        rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: key.arn }, bucketKeyEnabled: true }],
      },
      copts,
    );
    const versioning = new aws.s3.BucketVersioning(`${name}-snapshots`, { bucket: bucket.id, versioningConfiguration: { status: "Enabled" } }, copts);
    new aws.s3.BucketLifecycleConfiguration(
      `${name}-snapshots`,
      {
        bucket: bucket.id,
        rules: [
          {
            id: "expire-noncurrent-snapshots",
            status: "Enabled",
            filter: {},
            noncurrentVersionExpiration: { noncurrentDays: args.snapshotRetentionDays },
            abortIncompleteMultipartUpload: { daysAfterInitiation: 7 },
          },
        ],
      },
      { ...copts, dependsOn: [versioning] },
    );
    new aws.s3.BucketPolicy(
      `${name}-snapshots`,
      { bucket: bucket.id, policy: bucket.arn.apply((arn) => JSON.stringify(denyInsecureTransport(arn))) },
      copts,
    );
    return bucket.bucket;
  }
}

function servicePrincipalTrust(service: string): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Service: service }, Action: "sts:AssumeRole" }],
  };
}

/** Bucket policy refusing any request not made over TLS. */
export function denyInsecureTransport(bucketArn: string): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "DenyInsecureTransport",
        Effect: "Deny",
        Principal: "*",
        Action: "s3:*",
        Resource: [bucketArn, `${bucketArn}/*`],
        Condition: { Bool: { "aws:SecureTransport": "false" } },
      },
    ],
  };
}
