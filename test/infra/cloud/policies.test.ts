import { describe, expect, it } from "vitest";
import {
  denyInsecureTransport,
  externalSecretsPolicy,
  irsaTrustPolicy,
  validateAwsClusterArgs,
  type AwsClusterArgs,
} from "../../../infra/cloud/aws.js";
import { validateExistingClusterArgs } from "../../../infra/cloud/existing.js";
import {
  gkeKubeconfig,
  secretAccessCondition,
  serviceAccountId,
  validateGkeClusterArgs,
  type GkeClusterArgs,
} from "../../../infra/cloud/gcp.js";

const awsArgs: AwsClusterArgs = {
  region: "eu-west-1",
  vpcCidr: "10.0.0.0/16",
  availabilityZones: 3,
  natGateways: "perAz",
  kubernetesVersion: "1.33",
  publicAccessCidrs: [],
  nodeGroups: [{ name: "general", instanceTypes: ["m6i.xlarge"], minSize: 1, maxSize: 3, desiredSize: 2 }],
  snapshotRetentionDays: 30,
  clusterName: "logclaw-prod",
  storageClass: "logclaw-gp3",
};

const gcpArgs: GkeClusterArgs = {
  project: "demo-project",
  region: "europe-west1",
  subnetCidr: "10.10.0.0/20",
  podsCidr: "10.20.0.0/14",
  servicesCidr: "10.24.0.0/20",
  masterCidr: "172.16.0.0/28",
  masterAuthorizedNetworks: [],
  releaseChannel: "REGULAR",
  nodePools: [{ name: "general", machineType: "e2-standard-4", minNodes: 1, maxNodes: 3 }],
  snapshotRetentionDays: 30,
  deletionProtection: true,
  clusterName: "logclaw-staging",
  storageClass: "standard-rwo",
};

describe("AWS policy documents", () => {
  it("scopes the External Secrets policy to logclaw/* and to decrypting through Secrets Manager", () => {
    const doc = externalSecretsPolicy({ partition: "aws-us-gov", region: "us-gov-west-1", accountId: "111122223333", keyArn: "arn:k" });
    expect(doc.Statement).toEqual([
      {
        Sid: "ReadLogClawSecrets",
        Effect: "Allow",
        Action: ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret", "secretsmanager:ListSecretVersionIds"],
        Resource: ["arn:aws-us-gov:secretsmanager:us-gov-west-1:111122223333:secret:logclaw/*"],
      },
      {
        Sid: "DecryptLogClawSecrets",
        Effect: "Allow",
        Action: ["kms:Decrypt"],
        Resource: ["arn:k"],
        Condition: { StringEquals: { "kms:ViaService": "secretsmanager.us-gov-west-1.amazonaws.com" } },
      },
    ]);
  });

  it("trusts exactly one service account through the OIDC issuer (scheme stripped)", () => {
    const doc = irsaTrustPolicy({ oidcProviderArn: "arn:oidc", oidcIssuer: "https://oidc.example/id/X", namespace: "ns", serviceAccount: "sa" });
    expect(doc.Statement[0]!.Condition).toEqual({
      StringEquals: { "oidc.example/id/X:sub": "system:serviceaccount:ns:sa", "oidc.example/id/X:aud": "sts.amazonaws.com" },
    });
  });

  it("denies non-TLS access to a bucket and its objects", () => {
    expect(denyInsecureTransport("arn:aws:s3:::b").Statement[0]).toMatchObject({ Effect: "Deny", Resource: ["arn:aws:s3:::b", "arn:aws:s3:::b/*"] });
  });

  it.each([
    [{ nodeGroups: [] }, "AwsCluster: nodeGroups must define at least one node group"],
    [{ nodeGroups: [{ name: "a", instanceTypes: ["t3.large"], minSize: 3, maxSize: 5, desiredSize: 1 }] }, "AwsCluster: nodeGroups.a must satisfy minSize <= desiredSize <= maxSize"],
    [{ publicAccessCidrs: ["0.0.0.0/0"] }, "AwsCluster: publicAccessCidrs must not contain 0.0.0.0/0"],
  ])("rejects %j naming the field", (patch, message) => {
    expect(() => validateAwsClusterArgs({ ...awsArgs, ...patch })).toThrow(message);
  });
});

describe("GCP helpers", () => {
  it("conditions secret access on the logclaw- prefix under the project number", () => {
    expect(secretAccessCondition("42").expression).toBe('resource.name.startsWith("projects/42/secrets/logclaw-")');
  });

  it("keeps service account ids within 30 characters", () => {
    const id = serviceAccountId("logclaw-a-very-long-environment-cluster-name", "eso");
    expect(id.length).toBeLessThanOrEqual(30);
    expect(id).toMatch(/^[a-z][a-z0-9-]*-eso$/);
    expect(id).not.toContain("--");
  });

  it("authenticates kubectl through the gke-gcloud-auth-plugin, never static credentials", () => {
    const kubeconfig = JSON.parse(gkeKubeconfig({ name: "c", endpoint: "1.2.3.4", caCertificate: "Q0E=" })) as {
      clusters: { cluster: { server: string } }[];
      users: { user: Record<string, unknown> }[];
    };
    expect(kubeconfig.clusters[0]!.cluster.server).toBe("https://1.2.3.4");
    expect(Object.keys(kubeconfig.users[0]!.user)).toEqual(["exec"]);
  });

  it.each([
    [{ nodePools: [] }, "GkeCluster: nodePools must define at least one node pool"],
    [{ masterCidr: "172.16.0.0/24" }, "GkeCluster: masterCidr must be a /28 CIDR block"],
    [{ masterAuthorizedNetworks: [{ cidrBlock: "0.0.0.0/0", displayName: "all" }] }, "GkeCluster: masterAuthorizedNetworks must not contain 0.0.0.0/0"],
  ])("rejects %j naming the field", (patch, message) => {
    expect(() => validateGkeClusterArgs({ ...gcpArgs, ...patch })).toThrow(message);
  });
});

describe("existing cluster args", () => {
  it("refuses a kubeconfig together with a render directory", () => {
    expect(() => validateExistingClusterArgs({ clusterName: "c", renderDirectory: "out", kubeconfig: "/k" })).toThrow(
      "ExistingCluster: kubeconfig must not be set together with renderDirectory",
    );
  });
});
