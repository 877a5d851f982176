import { describe, expect, it } from "vitest";
import { evaluatePolicies } from "../../policies/lib/evaluate";
import { resourcePolicy, stackPolicy } from "../../policies/lib/policy";
import { cloudRules } from "../../policies/rules/cloud";
import { exposureRules } from "../../policies/rules/exposure";
import { cloud, k8s } from "./fixtures";

const exposure = exposureRules.map(resourcePolicy);
const cloudPolicies = cloudRules.stack.map(stackPolicy);

describe("exposure policies", () => {
  it("allow LoadBalancer Services only in allowed namespaces", async () => {
    const lb = (namespace: string) => k8s("v1", "Service", { name: "otlp", namespace }, { spec: { type: "LoadBalancer" } });
    expect(await evaluatePolicies(exposure, [lb("ingress-nginx")])).toEqual([]);
    const [v] = await evaluatePolicies(exposure, [lb("logclaw-acme")]);
    expect(v?.message).toBe("Service logclaw-acme/otlp: type LoadBalancer is allowed only in ingress-nginx; expose it through an Ingress with TLS.");
  });

  it("require TLS for every Ingress host", async () => {
    const ingress = (tls: unknown[]) => k8s("networking.k8s.io/v1", "Ingress", { name: "otlp", namespace: "logclaw-acme" }, {
      spec: { tls, rules: [{ host: "otlp.acme.example.com" }, { host: "grafana.acme.example.com" }] },
    });
    expect(await evaluatePolicies(exposure, [ingress([{ hosts: ["otlp.acme.example.com", "grafana.acme.example.com"], secretName: "tls" }])])).toEqual([]);
    expect((await evaluatePolicies(exposure, [ingress([])]))[0]?.message).toBe("Ingress logclaw-acme/otlp: add spec.tls with a certificate secret for its hosts.");
    expect((await evaluatePolicies(exposure, [ingress([{ hosts: ["otlp.acme.example.com"] }])]))[0]?.message).toBe(
      "Ingress logclaw-acme/otlp: host grafana.acme.example.com is not covered by spec.tls.",
    );
  });
});

describe("cloud policies", () => {
  const bucket = cloud("aws:s3/bucket:Bucket", "snapshots", { bucket: "logclaw-snapshots" });
  const protections = [
    cloud("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", "sse", {
      bucket: "logclaw-snapshots",
      rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms" } }],
    }),
    cloud("aws:s3/bucketVersioning:BucketVersioning", "versioning", { bucket: "logclaw-snapshots", versioningConfiguration: { status: "Enabled" } }),
    cloud("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "pab", {
      bucket: "logclaw-snapshots",
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    }),
  ];

  it("pass a protected S3 bucket, found by name or by dependency", async () => {
    expect(await evaluatePolicies(cloudPolicies, [bucket, ...protections])).toEqual([]);
    const byDependency = protections.map((p) => ({ ...p, props: { ...p.props, bucket: "unknown-at-preview" }, dependencies: [bucket.urn] }));
    expect(await evaluatePolicies(cloudPolicies, [bucket, ...byDependency])).toEqual([]);
  });

  it("flag each missing S3 protection", async () => {
    const messages = (await evaluatePolicies(cloudPolicies, [bucket])).map((v) => v.message);
    expect(messages).toEqual([
      "S3 bucket snapshots: add a BucketServerSideEncryptionConfiguration (aws:kms) for it.",
      "S3 bucket snapshots: add a BucketVersioning with status Enabled.",
      "S3 bucket snapshots: add a BucketPublicAccessBlock with all four settings true.",
    ]);
  });

  it("check GCS buckets", async () => {
    const good = cloud("gcp:storage/bucket:Bucket", "snap", { uniformBucketLevelAccess: true, versioning: { enabled: true }, publicAccessPrevention: "enforced" });
    const bad = cloud("gcp:storage/bucket:Bucket", "open", { publicAccessPrevention: "inherited" });
    expect((await evaluatePolicies(cloudPolicies, [good, bad])).map((v) => v.message)).toEqual([
      "GCS bucket open: set uniformBucketLevelAccess: true.",
      "GCS bucket open: set versioning.enabled: true.",
      "GCS bucket open: set publicAccessPrevention: enforced.",
    ]);
  });

  it("restrict EKS and GKE control planes", async () => {
    const eksOpen = cloud("eks:index:Cluster", "eks", { endpointPublicAccess: true, publicAccessCidrs: ["0.0.0.0/0"] });
    const eksClosed = cloud("eks:index:Cluster", "eks2", { endpointPublicAccess: true, publicAccessCidrs: ["203.0.113.0/24"] });
    const gke = cloud("gcp:container/cluster:Cluster", "gke", {
      privateClusterConfig: { enablePrivateNodes: true },
      workloadIdentityConfig: { workloadPool: "proj.svc.id.goog" },
      masterAuthorizedNetworksConfig: { cidrBlocks: [{ cidrBlock: "203.0.113.0/24" }] },
    });
    const gkeOpen = cloud("gcp:container/cluster:Cluster", "gke2", {});
    expect((await evaluatePolicies(cloudPolicies, [eksOpen, eksClosed, gke, gkeOpen])).map((v) => v.message)).toEqual([
      "EKS cluster eks: restrict publicAccessCidrs to your networks (logclaw:aws.publicAccessCidrs) or disable endpointPublicAccess.",
      "GKE cluster gke2: set privateClusterConfig.enablePrivateNodes: true.",
      "GKE cluster gke2: enable Workload Identity (workloadIdentityConfig.workloadPool).",
      "GKE cluster gke2: restrict masterAuthorizedNetworksConfig.cidrBlocks (logclaw:gcp.masterAuthorizedNetworks).",
    ]);
  });
});
