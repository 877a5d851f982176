import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { evaluatePolicies, type PackConfig } from "../../policies/lib/evaluate";
import type { ResourceView } from "../../policies/lib/resources";
import { logclawPolicies } from "../../policies/pack";
import { standardTenant } from "../infra/tenant-stack/fixtures";
import { snapshotStacks, type StackSnapshot } from "../support/stack-snapshots";

/**
 * The important test: the real environment and tenant programs, run under mocks for every cloud
 * path and every tier, pass the whole pack; single mutations trip the expected policy.
 */
let stacks: Record<string, StackSnapshot>;

beforeAll(async () => {
  const tenantsDir = mkdtempSync(path.join(tmpdir(), "logclaw-tenants-"));
  writeFileSync(path.join(tenantsDir, "initech.yaml"), stringify(standardTenant));
  stacks = await snapshotStacks([
    { stack: "dev" },
    { stack: "local" },
    { stack: "staging" },
    { stack: "prod" },
    { stack: "acme-dev", environment: "dev" },
    { stack: "globex-dev", environment: "dev" },
    { stack: "initech-dev", config: "acme-dev", environment: "dev", tenantsDir, set: { "logclaw:tenant": "initech" } },
  ]);
}, 600_000);

/** Deep-copies the stack and applies `mutate` to the first resource `match` selects. */
function mutated(stack: string, match: (r: ResourceView) => boolean, mutate: (r: ResourceView) => void): ResourceView[] {
  const resources = structuredClone(stacks[stack]!.resources);
  const target = resources.find(match);
  if (!target) throw new Error(`no resource to mutate in ${stack}`);
  mutate(target);
  return resources;
}

const named = (type: string, name?: string) => (r: ResourceView) =>
  r.type === type && (name === undefined || (r.props["metadata"] as { name?: string } | undefined)?.name === name);

describe("shipped stacks pass the policy pack", () => {
  it.each(["dev", "local", "staging", "prod", "acme-dev", "globex-dev", "initech-dev"])("%s has no violation", async (stack) => {
    expect(stacks[stack]!.resources.length).toBeGreaterThan(5);
    expect(await evaluatePolicies(logclawPolicies, stacks[stack]!.resources)).toEqual([]);
  });

  it("pass with the example production policy config too", async () => {
    const config = JSON.parse(readFileSync(path.join(__dirname, "../../policies/config.prod.json"), "utf8")) as PackConfig;
    for (const snapshot of Object.values(stacks)) {
      expect(await evaluatePolicies(logclawPolicies, snapshot.resources, config)).toEqual([]);
    }
  });

  it("covers every tier", () => {
    expect(["acme-dev", "initech-dev", "globex-dev"].map((s) => stacks[s]!.outputs["tier"])).toEqual(["starter", "standard", "enterprise"]);
  });
});

describe("single mutations trip the expected policy", () => {
  const fired = async (resources: ResourceView[]) => (await evaluatePolicies(logclawPolicies, resources)).map((v) => `${v.policy}: ${v.message}`);

  it("an image moved to :latest", async () => {
    const resources = mutated("globex-dev", named("kubernetes:apps/v1:Deployment"), (r) => {
      const containers = (r.props as { spec: { template: { spec: { containers: Array<{ image: string }> } } } }).spec.template.spec.containers;
      containers[0]!.image = containers[0]!.image.replace(/:[^:/]+$/, ":latest");
    });
    expect(await fired(resources)).toEqual([expect.stringMatching(/^container-image-pinned: Deployment logclaw-globex\/.*must be pinned to a version tag or digest/)]);
  });

  it("the default-deny NetworkPolicy dropped", async () => {
    const resources = stacks["acme-dev"]!.resources.filter(
      (r) => !(r.type === "kubernetes:networking.k8s.io/v1:NetworkPolicy" && String((r.props["metadata"] as { name: string }).name).endsWith("default-deny")),
    );
    expect(resources.length).toBe(stacks["acme-dev"]!.resources.length - 1);
    expect(await fired(resources)).toEqual([
      "tenant-namespace-guards: Namespace logclaw-acme: add a default-deny NetworkPolicy (podSelector {}, policyTypes [Ingress, Egress], no rules) before allowing specific flows.",
    ]);
  });

  it("replication factor 1 on the enterprise tier", async () => {
    const resources = mutated("globex-dev", named("kubernetes:kafka.strimzi.io/v1:KafkaTopic", "raw-logs"), (r) => {
      (r.props["spec"] as { replicas: number }).replicas = 1;
    });
    expect(await fired(resources)).toEqual([
      "kafka-durability: KafkaTopic logclaw-globex/raw-logs: spec.replicas must be >= 3 for the enterprise tier (is 1).",
    ]);
  });

  it("a collector credential that can also read a topic", async () => {
    const resources = mutated("acme-dev", named("kubernetes:kafka.strimzi.io/v1:KafkaUser", "kafka-collector"), (r) => {
      const authorization = (r.props["spec"] as { authorization: { acls: unknown[] } }).authorization;
      authorization.acls = [...authorization.acls, { resource: { type: "topic", name: "enriched-logs", patternType: "literal" }, operations: ["Read"] }];
    });
    expect(await fired(resources)).toEqual([
      "kafka-least-privilege: KafkaUser logclaw-acme/kafka-collector: writes raw-logs, raw-spans and must not read any topic (reads enriched-logs).",
    ]);
  });

  it("a password in a plain env value", async () => {
    const resources = mutated("acme-dev", named("kubernetes:apps/v1:Deployment"), (r) => {
      const container = (r.props as { spec: { template: { spec: { containers: Array<{ env?: unknown[] }> } } } }).spec.template.spec.containers[0]!;
      container.env = [...(container.env ?? []), { name: "LOGCLAW_OPENSEARCH_PASSWORD", value: "correct-horse-battery" }];
    });
    expect(await fired(resources)).toEqual([expect.stringMatching(/^no-plaintext-credentials: Deployment logclaw-acme\/.* env LOGCLAW_OPENSEARCH_PASSWORD holds a literal value/)]);
  });

  it("a tenant resource in another tenant's namespace", async () => {
    const resources = mutated("acme-dev", named("kubernetes:core/v1:ConfigMap"), (r) => {
      (r.props["metadata"] as { namespace: string }).namespace = "logclaw-globex";
    });
    expect(await fired(resources)).toEqual([expect.stringMatching(/^tenant-isolation: ConfigMap logclaw-globex\/.*must live in the tenant namespace logclaw-acme/)]);
  });

  it("an enterprise OpenSearch without dedicated cluster managers", async () => {
    const resources = mutated("globex-dev", named("kubernetes:opensearch.org/v1:OpenSearchCluster"), (r) => {
      const pools = (r.props["spec"] as { nodePools: Array<{ roles: string[] }> }).nodePools;
      for (const pool of pools) if (pool.roles.includes("cluster_manager")) pool.roles = ["cluster_manager", "data"];
    });
    expect(await fired(resources)).toEqual([expect.stringMatching(/^opensearch-dedicated-cluster-managers: OpenSearchCluster logclaw-globex\/.* needs >= 3 dedicated cluster_manager nodes/)]);
  });

  it("a prod snapshot bucket without versioning", async () => {
    const resources = stacks["prod"]!.resources.filter((r) => r.type !== "aws:s3/bucketVersioning:BucketVersioning");
    expect(await fired(resources)).toEqual([expect.stringMatching(/^s3-bucket-protection: S3 bucket .*: add a BucketVersioning with status Enabled\.$/)]);
  });

  it("a staging GKE cluster with public nodes", async () => {
    const resources = mutated("staging", named("gcp:container/cluster:Cluster"), (r) => {
      r.props["privateClusterConfig"] = { enablePrivateNodes: false };
    });
    expect(await fired(resources)).toEqual([expect.stringMatching(/^cluster-control-plane-restricted: GKE cluster .*: set privateClusterConfig.enablePrivateNodes: true\.$/)]);
  });
});
