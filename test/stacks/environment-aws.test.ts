import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import type { EnvMocks, Registration } from "../support/env-mocks";
import { setupEnvMocks, valueOf } from "../support/env-mocks";
import { settle } from "../support/pulumi-mocks";
import type { EnvironmentOutputs } from "../../stacks/environment.js";

let mocks: EnvMocks;
let outputs: EnvironmentOutputs;

const config = {
  "logclaw:cloud": "aws",
  "logclaw:clusterName": "logclaw-prod",
  "logclaw:ingressDomain": "logclaw.example.com",
  "logclaw:aws": JSON.stringify({
    region: "eu-west-1",
    vpcCidr: "10.40.0.0/16",
    publicAccessCidrs: ["203.0.113.0/24"],
    nodeGroups: [
      { name: "general", instanceTypes: ["m6i.xlarge"], minSize: 3, maxSize: 9, desiredSize: 3 },
      { name: "kafka", instanceTypes: ["r6i.xlarge"], minSize: 3, maxSize: 6, desiredSize: 3 },
    ],
  }),
  "logclaw:clusterIssuer": JSON.stringify({ acmeEmail: "platform@example.com" }),
};

beforeAll(async () => {
  mocks = await setupEnvMocks(config, {}, "prod");
  const { environmentProgram } = await import("../../stacks/environment.js");
  outputs = environmentProgram();
  await settle();
});

const json = (r: Registration, key: string) => JSON.parse(String(r.inputs[key])) as Record<string, unknown>;

describe("environment program on AWS", () => {
  it("registers the expected resource graph", () => {
    const counts: Record<string, number> = {};
    for (const r of mocks.registrations) counts[r.type] = (counts[r.type] ?? 0) + 1;
    expect(counts).toEqual({
      "logclaw:cloud:AwsCluster": 1,
      "pulumi:providers:aws": 1,
      "awsx:ec2:Vpc": 1,
      "aws:kms/key:Key": 1,
      "eks:index:Cluster": 1,
      "aws:iam/role:Role": 3,
      "aws:iam/rolePolicyAttachment:RolePolicyAttachment": 4,
      "eks:index:ManagedNodeGroup": 2,
      "aws:eks/addon:Addon": 1,
      "aws:s3/bucket:Bucket": 1,
      "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": 1,
      "aws:s3/bucketOwnershipControls:BucketOwnershipControls": 1,
      "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": 1,
      "aws:s3/bucketVersioning:BucketVersioning": 1,
      "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": 1,
      "aws:s3/bucketPolicy:BucketPolicy": 1,
      "aws:iam/rolePolicy:RolePolicy": 1,
      "pulumi:providers:kubernetes": 1,
      "kubernetes:storage.k8s.io/v1:StorageClass": 1,
      "logclaw:operators:ClusterOperators": 1,
      "kubernetes:core/v1:Namespace": 6,
      "kubernetes:helm.sh/v4:Chart": 6,
      "kubernetes:cert-manager.io/v1:ClusterIssuer": 1,
      "kubernetes:external-secrets.io/v1:ClusterSecretStore": 1,
      "kubernetes:rbac.authorization.k8s.io/v1:ClusterRole": 1,
    });
  });

  it("puts nodes in private subnets and restricts the API endpoint to the configured CIDRs", () => {
    const cluster = mocks.one("eks:index:Cluster");
    expect(cluster.remote).toBe(true);
    expect(cluster.inputs).toMatchObject({
      name: "logclaw-prod",
      vpcId: "vpc-123",
      privateSubnetIds: ["subnet-priv-a", "subnet-priv-b", "subnet-priv-c"],
      nodeAssociatePublicIpAddress: false,
      endpointPrivateAccess: true,
      endpointPublicAccess: true,
      publicAccessCidrs: ["203.0.113.0/24"],
      createOidcProvider: true,
      authenticationMode: "API",
      encryptionConfigKeyArn: "arn:aws:kms:eu-west-1:123456789012:key/logclaw-prod-key",
      skipDefaultNodeGroup: true,
    });
    for (const ng of mocks.byType("eks:index:ManagedNodeGroup")) {
      expect(ng.inputs.subnetIds, ng.name).toEqual(["subnet-priv-a", "subnet-priv-b", "subnet-priv-c"]);
    }
    expect(mocks.one("eks:index:ManagedNodeGroup", "logclaw-prod-ng-kafka").inputs).toMatchObject({
      instanceTypes: ["r6i.xlarge"],
      scalingConfig: { minSize: 3, maxSize: 6, desiredSize: 3 },
    });
    const vpc = mocks.one("awsx:ec2:Vpc");
    expect(vpc.inputs).toMatchObject({ cidrBlock: "10.40.0.0/16", numberOfAvailabilityZones: 3, natGateways: { strategy: "OnePerAz" } });
  });

  it("encrypts, versions, expires and blocks public access to the snapshot bucket", () => {
    const bucketRef = (r: Registration) => r.inputs.bucket;
    const sse = mocks.one("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration");
    expect(sse.inputs.rules).toEqual([
      {
        applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: "arn:aws:kms:eu-west-1:123456789012:key/logclaw-prod-key" },
        bucketKeyEnabled: true,
      },
    ]);
    const pab = mocks.one("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock");
    expect(pab.inputs).toMatchObject({ blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true });
    const versioning = mocks.one("aws:s3/bucketVersioning:BucketVersioning");
    expect(versioning.inputs.versioningConfiguration).toEqual({ status: "Enabled" });
    const lifecycle = mocks.one("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration");
    expect(lifecycle.inputs.rules).toEqual([
      expect.objectContaining({ status: "Enabled", noncurrentVersionExpiration: { noncurrentDays: 30 } }),
    ]);
    const policy = json(mocks.one("aws:s3/bucketPolicy:BucketPolicy"), "policy");
    expect(policy.Statement).toEqual([expect.objectContaining({ Effect: "Deny", Condition: { Bool: { "aws:SecureTransport": "false" } } })]);
    const bucketId = "logclaw-prod-snapshots-id";
    for (const r of [sse, pab, versioning, lifecycle]) expect(bucketRef(r)).toBe(bucketId);
    expect(mocks.one("aws:kms/key:Key").inputs).toMatchObject({ enableKeyRotation: true });
  });

  it("lets External Secrets read only logclaw/* secrets, through IRSA for its own service account", () => {
    const role = mocks.one("aws:iam/role:Role", "logclaw-prod-external-secrets");
    expect(json(role, "assumeRolePolicy")).toEqual({
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Allow",
          Principal: { Federated: "arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/ABC" },
          Action: "sts:AssumeRoleWithWebIdentity",
          Condition: {
            StringEquals: {
              "oidc.eks.eu-west-1.amazonaws.com/id/ABC:sub": "system:serviceaccount:external-secrets:external-secrets",
              "oidc.eks.eu-west-1.amazonaws.com/id/ABC:aud": "sts.amazonaws.com",
            },
          },
        },
      ],
    });
    const policy = json(mocks.one("aws:iam/rolePolicy:RolePolicy"), "policy") as { Statement: { Action: string[]; Resource: string[] }[] };
    expect(policy.Statement).toHaveLength(2);
    expect(policy.Statement[0]!.Resource).toEqual(["arn:aws:secretsmanager:eu-west-1:123456789012:secret:logclaw/*"]);
    expect(policy.Statement[0]!.Action.every((a) => a.startsWith("secretsmanager:"))).toBe(true);
    expect(policy.Statement[0]!.Action).not.toContain("secretsmanager:ListSecrets");
    expect(policy.Statement[1]).toMatchObject({
      Action: ["kms:Decrypt"],
      Resource: ["arn:aws:kms:eu-west-1:123456789012:key/logclaw-prod-key"],
      Condition: { StringEquals: { "kms:ViaService": "secretsmanager.eu-west-1.amazonaws.com" } },
    });
    const allResources = policy.Statement.flatMap((s) => s.Resource);
    expect(allResources).not.toContain("*");
    const eso = mocks.one("kubernetes:helm.sh/v4:Chart", "logclaw-prod-externalSecrets");
    expect((eso.inputs.values as { serviceAccount: unknown }).serviceAccount).toEqual({
      create: true,
      name: "external-secrets",
      annotations: { "eks.amazonaws.com/role-arn": "arn:aws:iam::123456789012:role/logclaw-prod-external-secrets" },
    });
    const store = mocks.one("kubernetes:external-secrets.io/v1:ClusterSecretStore");
    expect((store.inputs.spec as { provider: unknown }).provider).toEqual({ aws: { service: "SecretsManager", region: "eu-west-1" } });
  });

  it("uses the EKS kubeconfig for the stack's provider and every Kubernetes resource", () => {
    const provider = mocks.one("pulumi:providers:kubernetes");
    expect(String(provider.inputs.kubeconfig)).toContain('"kind":"Config"');
    const k8sResources = mocks.registrations.filter((r) => r.type.startsWith("kubernetes:"));
    expect(k8sResources).toHaveLength(16);
    for (const r of k8sResources) expect(mocks.providerUrn(r), `${r.type} ${r.name}`).toBe(provider.urn);
    for (const r of mocks.registrations.filter((r) => r.type.startsWith("aws:") || r.type.startsWith("eks:") || r.type.startsWith("awsx:"))) {
      expect(mocks.providerUrn(r), `${r.type} ${r.name}`).toBe(mocks.one("pulumi:providers:aws").urn);
    }
  });

  it("creates an encrypted gp3 storage class after the EBS CSI driver", () => {
    const sc = mocks.one("kubernetes:storage.k8s.io/v1:StorageClass");
    expect(sc.inputs).toMatchObject({
      provisioner: "ebs.csi.aws.com",
      parameters: { type: "gp3", encrypted: "true", kmsKeyId: "arn:aws:kms:eu-west-1:123456789012:key/logclaw-prod-key" },
    });
    expect(mocks.dependencyNames(sc)).toContain("logclaw-prod-ebs-csi");
  });

  it("orders cert-manager before the other operators and CRDs before custom resources", () => {
    for (const op of ["strimzi", "flink", "externalSecrets", "opensearch", "grafana"]) {
      expect(mocks.dependencyNames(mocks.one("kubernetes:helm.sh/v4:Chart", `logclaw-prod-${op}`)), op).toContain("logclaw-prod-certManager");
    }
    expect(mocks.dependencyNames(mocks.one("kubernetes:cert-manager.io/v1:ClusterIssuer"))).toContain("logclaw-prod-certManager");
    expect(mocks.dependencyNames(mocks.one("kubernetes:external-secrets.io/v1:ClusterSecretStore"))).toContain("logclaw-prod-externalSecrets");
  });

  it("issues certificates from ACME when an email is configured", () => {
    const issuer = mocks.one("kubernetes:cert-manager.io/v1:ClusterIssuer");
    expect((issuer.inputs.metadata as { name: string }).name).toBe("logclaw-acme");
    expect((issuer.inputs.spec as { acme: { email: string } }).acme.email).toBe("platform@example.com");
  });

  it("exports the contract outputs", async () => {
    expect(await pulumi.isSecret(outputs.kubeconfig)).toBe(true);
    expect(await valueOf(outputs.kubeconfig)).toContain('"kind":"Config"');
    expect(outputs.renderDirectory).toBeUndefined();
    expect(await valueOf(outputs.clusterName)).toBe("logclaw-prod");
    expect(await valueOf(outputs.storageClass)).toBe("logclaw-gp3");
    expect(await valueOf(outputs.clusterIssuerName)).toBe("logclaw-acme");
    expect(await valueOf(outputs.snapshotBucket)).toBe("logclaw-prod-snapshots");
    expect(outputs.cloud).toBe("aws");
  });
});
