import type { StackRule } from "../lib/policy";
import { asArray, asRecord, get, type ResourceView } from "../lib/resources";

const S3_BUCKET = "aws:s3/bucket:Bucket";
const S3_COMPANIONS = {
  encryption: "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
  versioning: "aws:s3/bucketVersioning:BucketVersioning",
  publicAccess: "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
};

/** A companion resource (versioning, encryption...) points at its bucket by name, id or dependency. */
function belongsTo(companion: ResourceView, bucket: ResourceView): boolean {
  const target = companion.props["bucket"];
  const names = [bucket.props["bucket"], bucket.props["id"], bucket.name].filter((v) => typeof v === "string");
  return names.includes(target as string) || (companion.dependencies ?? []).includes(bucket.urn);
}

export const s3BucketProtection: StackRule<object> = {
  name: "s3-bucket-protection",
  description: "S3 buckets are encrypted, versioned and block every form of public access.",
  enforcementLevel: "mandatory",
  check(resources, _config, report) {
    for (const bucket of resources.filter((r) => r.type === S3_BUCKET)) {
      const companions = (type: string) => resources.filter((r) => r.type === type && belongsTo(r, bucket));
      const label = `S3 bucket ${bucket.name}`;
      const acl = bucket.props["acl"];
      if (typeof acl === "string" && acl.startsWith("public")) report(`${label}: remove acl ${acl}.`, bucket.urn);
      const sse = companions(S3_COMPANIONS.encryption).some((r) =>
        asArray(r.props["rules"]).some((rule) => typeof get(rule, "applyServerSideEncryptionByDefault.sseAlgorithm") === "string"),
      );
      if (!sse) report(`${label}: add a BucketServerSideEncryptionConfiguration (aws:kms) for it.`, bucket.urn);
      const versioned = companions(S3_COMPANIONS.versioning).some((r) => get(r.props, "versioningConfiguration.status") === "Enabled");
      if (!versioned) report(`${label}: add a BucketVersioning with status Enabled.`, bucket.urn);
      const blocked = companions(S3_COMPANIONS.publicAccess).some((r) =>
        ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"].every((k) => r.props[k] === true),
      );
      if (!blocked) report(`${label}: add a BucketPublicAccessBlock with all four settings true.`, bucket.urn);
    }
  },
};

export const gcsBucketProtection: StackRule<object> = {
  name: "gcs-bucket-protection",
  description: "GCS buckets use uniform access, versioning and enforced public access prevention.",
  enforcementLevel: "mandatory",
  check(resources, _config, report) {
    for (const bucket of resources.filter((r) => r.type === "gcp:storage/bucket:Bucket")) {
      const label = `GCS bucket ${bucket.name}`;
      if (bucket.props["uniformBucketLevelAccess"] !== true) report(`${label}: set uniformBucketLevelAccess: true.`, bucket.urn);
      if (get(bucket.props, "versioning.enabled") !== true) report(`${label}: set versioning.enabled: true.`, bucket.urn);
      if (bucket.props["publicAccessPrevention"] !== "enforced") report(`${label}: set publicAccessPrevention: enforced.`, bucket.urn);
    }
  },
};

const OPEN_CIDRS = ["0.0.0.0/0", "::/0"];

export const controlPlaneAccess: StackRule<object> = {
  name: "cluster-control-plane-restricted",
  description:
    "EKS and GKE control planes are reachable only from configured networks; GKE uses private nodes and Workload Identity.",
  enforcementLevel: "mandatory",
  check(resources, _config, report) {
    for (const r of resources) {
      if (r.type === "eks:index:Cluster" || r.type === "aws:eks/cluster:Cluster") {
        const vpc = r.type === "eks:index:Cluster" ? r.props : asRecord(r.props["vpcConfig"]);
        if (vpc["endpointPublicAccess"] === false) continue;
        const cidrs = asArray(vpc["publicAccessCidrs"]).map(String);
        if (cidrs.length === 0 || cidrs.some((c) => OPEN_CIDRS.includes(c))) {
          report(`EKS cluster ${r.name}: restrict publicAccessCidrs to your networks (logclaw:aws.publicAccessCidrs) or disable endpointPublicAccess.`, r.urn);
        }
      }
      if (r.type === "gcp:container/cluster:Cluster") {
        if (get(r.props, "privateClusterConfig.enablePrivateNodes") !== true) {
          report(`GKE cluster ${r.name}: set privateClusterConfig.enablePrivateNodes: true.`, r.urn);
        }
        if (typeof get(r.props, "workloadIdentityConfig.workloadPool") !== "string") {
          report(`GKE cluster ${r.name}: enable Workload Identity (workloadIdentityConfig.workloadPool).`, r.urn);
        }
        const blocks = asArray(get(r.props, "masterAuthorizedNetworksConfig.cidrBlocks")).map((b) => String(asRecord(b)["cidrBlock"]));
        if (blocks.length === 0 || blocks.some((c) => OPEN_CIDRS.includes(c))) {
          report(`GKE cluster ${r.name}: restrict masterAuthorizedNetworksConfig.cidrBlocks (logclaw:gcp.masterAuthorizedNetworks).`, r.urn);
        }
      }
    }
  },
};

export const cloudRules = { stack: [s3BucketProtection, gcsBucketProtection, controlPlaneAccess] };
