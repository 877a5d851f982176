import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { TenantStack } from "../../../infra/tenant";
import { tenantSchema } from "../../../contracts/tenant/schema";
import { isCustomResource, validateManifest } from "../../support/k8s-schemas";
import { installMocks, settle, valueOf, type MockRecorder, type RecordedResource } from "../../support/pulumi-mocks";
import { exampleTenant, standardTenant } from "./fixtures";

let mocks: MockRecorder;
const stacks: Record<string, TenantStack> = {};
const TENANTS = ["acme", "initech", "globex"] as const;
const API_KEY = "test-ingest-key-0123456789abcdef";

/** The tenant's resources: the TenantStack and everything named from it. */
function resourcesOf(id: string): RecordedResource[] {
  return mocks.resources.filter((r) => r.name === id || r.name.startsWith(`${id}-`));
}

function k8sResources(id: string): RecordedResource[] {
  return resourcesOf(id).filter((r) => r.type.startsWith("kubernetes:"));
}

function countByType(resources: RecordedResource[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of resources) counts[r.type] = (counts[r.type] ?? 0) + 1;
  return counts;
}

// `any` for spec/data: tests walk arbitrary manifest shapes that the schema validators check.
type Manifest = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; labels?: Record<string, string> }; spec?: any; data?: any; stringData?: any };
const manifest = (r: RecordedResource) => r.inputs as unknown as Manifest;
const byUrn = (urn: string) => mocks.resources.find((r) => r.urn === urn);

function stringsIn(value: unknown, at: string, skip: Set<string>, out: { path: string; value: string }[]): void {
  if (skip.has(at)) return;
  if (typeof value === "string") out.push({ path: at, value });
  else if (Array.isArray(value)) value.forEach((v, i) => stringsIn(v, `${at}[${i}]`, skip, out));
  else if (value && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) stringsIn(v, at ? `${at}.${k}` : k, skip, out);
  }
}

beforeAll(async () => {
  // No module here creates resources on import, so installing the mocks first is enough.
  mocks = await installMocks();
  const provider = new k8s.Provider("test-cluster", {});
  const common = {
    provider,
    ingressDomain: "dev.logclaw.example.com",
    secretStoreName: "logclaw-secrets",
    clusterIssuerName: "letsencrypt",
    grafanaUrl: "https://grafana.dev.logclaw.example.com/",
    storageClass: "standard",
    image: { tag: "0.1.0" },
  };
  stacks.acme = new TenantStack("acme", { ...common, tenant: exampleTenant("acme"), apiKey: API_KEY });
  stacks.initech = new TenantStack("initech", { ...common, tenant: tenantSchema.parse(standardTenant) });
  stacks.globex = new TenantStack("globex", { ...common, tenant: exampleTenant("globex") });
  await Promise.all(Object.values(stacks).map((s) => valueOf(s.dashboardUrl)));
  await settle();
});

describe("TenantStack resource graph per tier", () => {
  const common: Record<string, number> = {
    "logclaw:tenant:TenantStack": 1,
    "logclaw:tenant:Namespace": 1,
    "logclaw:tenant:NetworkPolicies": 1,
    "logclaw:tenant:Secrets": 1,
    "logclaw:tenant:Kafka": 1,
    "logclaw:tenant:OpenSearch": 1,
    "logclaw:tenant:Collector": 1,
    "logclaw:tenant:Dashboards": 1,
    "logclaw:tenant:Workloads": 1,
    "logclaw:tenant:Ingress": 1,
    "kubernetes:core/v1:Namespace": 1,
    "kubernetes:core/v1:ResourceQuota": 1,
    "kubernetes:core/v1:LimitRange": 1,
    "kubernetes:networking.k8s.io/v1:NetworkPolicy": 9,
    "random:index/randomPassword:RandomPassword": 5,
    "kubernetes:core/v1:Secret": 5,
    "kubernetes:kafka.strimzi.io/v1:Kafka": 1,
    "kubernetes:opensearch.org/v1:OpenSearchCluster": 1,
    "kubernetes:opensearch.org/v1:OpensearchIndexTemplate": 1,
    "kubernetes:opensearch.org/v1:OpenSearchISMPolicy": 1,
    "kubernetes:opensearch.org/v1:OpensearchRole": 2,
    "kubernetes:opensearch.org/v1:OpensearchUser": 2,
    "kubernetes:opensearch.org/v1:OpensearchUserRoleBinding": 2,
    "kubernetes:core/v1:ConfigMap": 3,
    "kubernetes:apps/v1:Deployment": 3,
    "kubernetes:core/v1:Service": 3,
    "kubernetes:cert-manager.io/v1:Certificate": 1,
    "kubernetes:networking.k8s.io/v1:Ingress": 2,
  };

  it("starter (acme): combined Kafka pool, single OpenSearch pool, no PDBs, no Flink: 67 resources", () => {
    expect(countByType(resourcesOf("acme"))).toEqual({
      ...common,
      // acme's ingestion API key is given, so it is not generated.
      "random:index/randomPassword:RandomPassword": 4,
      "kubernetes:core/v1:ServiceAccount": 3,
      "kubernetes:external-secrets.io/v1:ExternalSecret": 2,
      "kubernetes:kafka.strimzi.io/v1:KafkaNodePool": 1,
      "kubernetes:kafka.strimzi.io/v1:KafkaTopic": 5,
      "kubernetes:kafka.strimzi.io/v1:KafkaUser": 3,
    });
    expect(resourcesOf("acme")).toHaveLength(67);
  });

  it("standard (initech): three-node pools, PDBs for multi-replica workloads: 71 resources", () => {
    expect(countByType(resourcesOf("initech"))).toEqual({
      ...common,
      "kubernetes:core/v1:ServiceAccount": 3,
      "kubernetes:external-secrets.io/v1:ExternalSecret": 3,
      "kubernetes:kafka.strimzi.io/v1:KafkaNodePool": 1,
      "kubernetes:kafka.strimzi.io/v1:KafkaTopic": 5,
      "kubernetes:kafka.strimzi.io/v1:KafkaUser": 3,
      "kubernetes:policy/v1:PodDisruptionBudget": 2,
    });
    expect(resourcesOf("initech")).toHaveLength(71);
  });

  it("enterprise (globex): dedicated controllers, Flink aggregation with its topic, user and API egress: 82 resources", () => {
    expect(countByType(resourcesOf("globex"))).toEqual({
      ...common,
      "kubernetes:networking.k8s.io/v1:NetworkPolicy": 10,
      "logclaw:tenant:Flink": 1,
      "kubernetes:core/v1:ServiceAccount": 4,
      "kubernetes:rbac.authorization.k8s.io/v1:Role": 1,
      "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding": 1,
      "kubernetes:flink.apache.org/v1beta1:FlinkDeployment": 1,
      "kubernetes:external-secrets.io/v1:ExternalSecret": 4,
      "kubernetes:kafka.strimzi.io/v1:KafkaNodePool": 2,
      "kubernetes:kafka.strimzi.io/v1:KafkaTopic": 6,
      "kubernetes:kafka.strimzi.io/v1:KafkaUser": 4,
      "kubernetes:policy/v1:PodDisruptionBudget": 3,
    });
    expect(resourcesOf("globex")).toHaveLength(82);
  });

  it("sizes Kafka and OpenSearch from the tier and the tenant's overrides", () => {
    const pools = (id: string) =>
      k8sResources(id)
        .filter((r) => manifest(r).kind === "KafkaNodePool")
        .map((r) => ({ name: manifest(r).metadata.name, roles: manifest(r).spec.roles, replicas: manifest(r).spec.replicas }));
    expect(pools("acme")).toEqual([{ name: "dual-role", roles: ["controller", "broker"], replicas: 1 }]);
    expect(pools("initech")).toEqual([{ name: "dual-role", roles: ["controller", "broker"], replicas: 3 }]);
    expect(pools("globex")).toEqual([
      { name: "controllers", roles: ["controller"], replicas: 3 },
      { name: "brokers", roles: ["broker"], replicas: 3 },
    ]);
    const osPools = (id: string) =>
      manifest(mocks.get("kubernetes:opensearch.org/v1:OpenSearchCluster", `${id}-opensearch-cluster`)).spec.nodePools.map(
        (p: { component: string; replicas: number; roles: string[]; diskSize: string }) => [p.component, p.replicas, p.roles.join("+"), p.diskSize],
      );
    expect(osPools("acme")).toEqual([["nodes", 1, "cluster_manager+data+ingest", "50Gi"]]);
    expect(osPools("globex")).toEqual([
      ["cluster-managers", 3, "cluster_manager", "20Gi"],
      ["data", 3, "data+ingest", "2000Gi"],
      ["coordinators", 2, "", "10Gi"],
    ]);
    const replicas = (name: string) => manifest(mocks.get("kubernetes:apps/v1:Deployment", name)).spec.replicas;
    expect(replicas("globex-workloads-bridge")).toBe(6);
    expect(replicas("globex-collector-deployment")).toBe(4);
    expect(replicas("acme-workloads-bridge")).toBe(1);
    const rawLogs = manifest(mocks.get("kubernetes:kafka.strimzi.io/v1:KafkaTopic", "globex-kafka-topic-raw-logs"));
    expect(rawLogs.spec).toEqual({
      partitions: 48,
      replicas: 3,
      config: { "retention.ms": String(72 * 3_600_000), "compression.type": "lz4", "min.insync.replicas": "2", "cleanup.policy": "delete" },
    });
    const retention = manifest(mocks.get("kubernetes:opensearch.org/v1:OpenSearchISMPolicy", "acme-opensearch-retention"));
    expect(retention.spec.states[0].transitions[0].conditions.minIndexAge).toBe("7d");
  });

  it("parents every child under its component and every component under the TenantStack", () => {
    for (const id of TENANTS) {
      const root = mocks.get("logclaw:tenant:TenantStack", id);
      for (const r of resourcesOf(id)) {
        if (r === root) continue;
        const parent = byUrn(r.parent);
        expect(parent, `${r.type} ${r.name}`).toBeDefined();
        if (r.type.startsWith("logclaw:tenant:")) expect(parent!.urn).toBe(root.urn);
        else expect(parent!.type.startsWith("logclaw:tenant:"), `${r.name} parent ${parent!.type}`).toBe(true);
      }
      const kafkaTopic = mocks.get("kubernetes:kafka.strimzi.io/v1:KafkaTopic", `${id}-kafka-topic-incidents`);
      expect(byUrn(kafkaTopic.parent)!.type).toBe("logclaw:tenant:Kafka");
      const bridge = mocks.get("kubernetes:apps/v1:Deployment", `${id}-workloads-bridge`);
      expect(byUrn(bridge.parent)!.type).toBe("logclaw:tenant:Workloads");
    }
  });

  it("uses the explicit provider for every Kubernetes resource", () => {
    const provider = mocks.get("pulumi:providers:kubernetes", "test-cluster");
    for (const id of TENANTS) {
      for (const r of k8sResources(id)) expect(r.provider.startsWith(`${provider.urn}::`), r.name).toBe(true);
    }
  });

  it("creates every namespaced object after its namespace, and clients after their topics and users", () => {
    for (const id of TENANTS) {
      const ns = mocks.get("kubernetes:core/v1:Namespace", `${id}-namespace-namespace`);
      for (const r of k8sResources(id)) {
        if (r === ns) continue;
        expect(r.dependencies, r.name).toContain(ns.urn);
      }
      const kafka = mocks.get("kubernetes:kafka.strimzi.io/v1:Kafka", `${id}-kafka-cluster`);
      for (const pool of k8sResources(id).filter((r) => r.type.endsWith(":KafkaNodePool"))) {
        expect(kafka.dependencies).toContain(pool.urn);
      }
      for (const topic of k8sResources(id).filter((r) => r.type.endsWith(":KafkaTopic") || r.type.endsWith(":KafkaUser"))) {
        expect(topic.dependencies).toContain(kafka.urn);
      }
      const bridge = mocks.get("kubernetes:apps/v1:Deployment", `${id}-workloads-bridge`);
      expect(bridge.dependencies).toContain(mocks.get("kubernetes:kafka.strimzi.io/v1:KafkaUser", `${id}-kafka-user-kafka-bridge`).urn);
      expect(bridge.dependencies).toContain(mocks.get("kubernetes:opensearch.org/v1:OpensearchUser", `${id}-opensearch-user-logclaw-bridge`).urn);
      const collector = mocks.get("kubernetes:apps/v1:Deployment", `${id}-collector-deployment`);
      expect(collector.dependencies).toContain(mocks.get("kubernetes:kafka.strimzi.io/v1:KafkaTopic", `${id}-kafka-topic-raw-logs`).urn);
      const cluster = mocks.get("kubernetes:opensearch.org/v1:OpenSearchCluster", `${id}-opensearch-cluster`);
      expect(cluster.dependencies).toContain(mocks.get("kubernetes:core/v1:Secret", `${id}-secrets-opensearch-admin-secret`).urn);
    }
  });

  it("labels the namespace for the operators and enforces Pod Security restricted", () => {
    const ns = manifest(mocks.get("kubernetes:core/v1:Namespace", "acme-namespace-namespace"));
    expect(ns.metadata.name).toBe("logclaw-acme");
    expect(ns.metadata.labels).toMatchObject({
      "app.kubernetes.io/part-of": "logclaw",
      "logclaw.io/tenant": "acme",
      "pod-security.kubernetes.io/enforce": "restricted",
      "pod-security.kubernetes.io/audit": "restricted",
      "pod-security.kubernetes.io/warn": "restricted",
    });
    const deny = k8sResources("acme").map(manifest).find((m) => m.kind === "NetworkPolicy" && m.metadata.name === "logclaw-acme-default-deny");
    expect(deny?.spec).toEqual({ podSelector: {}, policyTypes: ["Ingress", "Egress"] });
  });

  it("runs Flink only where the tier enables aggregation", () => {
    expect(resourcesOf("acme").some((r) => r.type.endsWith(":FlinkDeployment"))).toBe(false);
    expect(resourcesOf("initech").some((r) => r.type.endsWith(":FlinkDeployment"))).toBe(false);
    expect(resourcesOf("globex").filter((r) => r.type.endsWith(":FlinkDeployment"))).toHaveLength(1);
  });

  it("exports Grafana-form dashboard URLs, OTLP endpoints and the API key as a secret", async () => {
    expect(await valueOf(stacks.acme!.dashboardUrl)).toBe(
      "https://grafana.dev.logclaw.example.com/d/logclaw-acme/logclaw-acme?var-tenant=acme&from=now-6h&to=now",
    );
    expect(await valueOf(stacks.acme!.otlpHttpEndpoint)).toBe("https://acme-otlp.dev.logclaw.example.com");
    expect(await valueOf(stacks.acme!.otlpGrpcEndpoint)).toBe("acme-otlp-grpc.dev.logclaw.example.com:443");
    expect(await valueOf(stacks.acme!.searchUrl)).toBe("https://acme-search.dev.logclaw.example.com");
    expect(await valueOf(stacks.acme!.kafkaBootstrap)).toBe("logclaw-kafka-bootstrap.logclaw-acme.svc:9093");
    expect(await valueOf(stacks.acme!.apiKey)).toBe(API_KEY);
    expect(await valueOf(stacks.globex!.apiKey)).toMatch(/^mock-globex-secrets-api-key-x{32}$/);
    for (const id of TENANTS) expect(await pulumi.isSecret(stacks[id]!.apiKey)).toBe(true);
  });
});

describe("TenantStack manifests against the real schemas", () => {
  it("every custom resource validates against its upstream CRD and every built-in kind against Kubernetes", { timeout: 180_000 }, () => {
    const checked = { crd: new Set<string>(), builtIn: new Set<string>() };
    for (const id of TENANTS) {
      for (const r of k8sResources(id)) {
        const m = manifest(r);
        expect(validateManifest(m), `${r.type} ${r.name}`).toEqual([]);
        (isCustomResource(m) ? checked.crd : checked.builtIn).add(`${m.apiVersion} ${m.kind}`);
      }
    }
    expect([...checked.crd].sort()).toEqual([
      "cert-manager.io/v1 Certificate",
      "external-secrets.io/v1 ExternalSecret",
      "flink.apache.org/v1beta1 FlinkDeployment",
      "kafka.strimzi.io/v1 Kafka",
      "kafka.strimzi.io/v1 KafkaNodePool",
      "kafka.strimzi.io/v1 KafkaTopic",
      "kafka.strimzi.io/v1 KafkaUser",
      "opensearch.org/v1 OpenSearchCluster",
      "opensearch.org/v1 OpenSearchISMPolicy",
      "opensearch.org/v1 OpensearchIndexTemplate",
      "opensearch.org/v1 OpensearchRole",
      "opensearch.org/v1 OpensearchUser",
      "opensearch.org/v1 OpensearchUserRoleBinding",
    ]);
    expect([...checked.builtIn].sort()).toEqual([
      "apps/v1 Deployment",
      "networking.k8s.io/v1 Ingress",
      "networking.k8s.io/v1 NetworkPolicy",
      "policy/v1 PodDisruptionBudget",
      "rbac.authorization.k8s.io/v1 Role",
      "rbac.authorization.k8s.io/v1 RoleBinding",
      "v1 ConfigMap",
      "v1 LimitRange",
      "v1 Namespace",
      "v1 ResourceQuota",
      "v1 Secret",
      "v1 Service",
      "v1 ServiceAccount",
    ]);
  });

  it("hardens every workload: requests/limits, non-root, read-only root, no escalation, no capabilities, pinned images", () => {
    for (const id of TENANTS) {
      for (const d of k8sResources(id).map(manifest).filter((m) => m.kind === "Deployment")) {
        const pod = d.spec.template.spec;
        expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } });
        expect(pod.automountServiceAccountToken).toBe(false);
        for (const c of pod.containers) {
          expect(c.resources.requests.cpu && c.resources.limits.memory, d.metadata.name).toBeTruthy();
          expect(c.securityContext).toEqual({
            runAsNonRoot: true,
            allowPrivilegeEscalation: false,
            readOnlyRootFilesystem: true,
            capabilities: { drop: ["ALL"] },
            seccompProfile: { type: "RuntimeDefault" },
          });
          expect(c.image).toMatch(/:[\w][\w.-]*$/);
          expect(c.image.endsWith(":latest")).toBe(false);
        }
      }
    }
  });
});

describe("TenantStack isolation", () => {
  it("puts every namespaced object in logclaw-<id> and nothing else in any other namespace", () => {
    for (const id of TENANTS) {
      for (const r of k8sResources(id)) {
        const m = manifest(r);
        if (m.kind === "Namespace") expect(m.metadata.name).toBe(`logclaw-${id}`);
        else expect(m.metadata.namespace, `${m.kind} ${m.metadata.name}`).toBe(`logclaw-${id}`);
        expect(m.metadata.labels?.["logclaw.io/tenant"], `${m.kind} ${m.metadata.name}`).toBe(id);
      }
    }
  });

  it("shares no names between two tenants: logical names, URNs and Kubernetes identities", () => {
    const identities = (id: string) => new Set(k8sResources(id).map((r) => `${manifest(r).kind}/${manifest(r).metadata.namespace ?? ""}/${manifest(r).metadata.name}`));
    const [a, b] = [resourcesOf("acme"), resourcesOf("globex")];
    const namesA = new Set(a.map((r) => r.name));
    expect(b.filter((r) => namesA.has(r.name))).toEqual([]);
    const urnsA = new Set(a.map((r) => r.urn));
    expect(b.filter((r) => urnsA.has(r.urn))).toEqual([]);
    const idsA = identities("acme");
    expect([...identities("globex")].filter((x) => idsA.has(x))).toEqual([]);
  });

  it("keeps every credential out of clear-text inputs", async () => {
    const credentials = [API_KEY];
    for (const r of mocks.ofType("random:index/randomPassword:RandomPassword")) credentials.push(`mock-${r.name}-${"x".repeat(32)}`);
    for (const id of TENANTS) {
      for (const r of k8sResources(id)) {
        const strings: { path: string; value: string }[] = [];
        stringsIn(r.inputs, "", new Set(r.secretPaths), strings);
        for (const s of strings) {
          for (const c of credentials) expect(s.value.includes(c), `${r.name} ${s.path}`).toBe(false);
        }
        if (manifest(r).kind === "Secret") {
          // A Secret's values are Pulumi secrets (encrypted in state), never plain inputs.
          expect(r.secretPaths.length, r.name).toBeGreaterThan(0);
          expect(manifest(r).data).toBeUndefined();
        }
      }
      for (const d of k8sResources(id).map(manifest).filter((m) => m.kind === "Deployment")) {
        for (const env of d.spec.template.spec.containers.flatMap((c: { env?: unknown[] }) => c.env ?? []) as { name: string; value?: string }[]) {
          if (/PASSWORD|TOKEN|API_KEY|ROUTING_KEY|WEBHOOK/.test(env.name) && !env.name.endsWith("_FILE")) {
            expect(env.value, `${d.metadata.name} ${env.name}`).toBeUndefined();
          }
        }
      }
    }
  });
});

describe("operator-managed pods under Pod Security restricted", () => {
  const restricted = { runAsNonRoot: true, allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] }, seccompProfile: { type: "RuntimeDefault" } };

  it("sets restricted security contexts on Kafka brokers, controllers and the entity operator", () => {
    for (const id of TENANTS) {
      for (const pool of k8sResources(id).map(manifest).filter((m) => m.kind === "KafkaNodePool")) {
        expect(pool.spec.template.pod.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } });
        expect(pool.spec.template.kafkaContainer.securityContext).toEqual(restricted);
      }
      const kafka = manifest(mocks.get("kubernetes:kafka.strimzi.io/v1:Kafka", `${id}-kafka-cluster`));
      expect(kafka.spec.entityOperator.template.topicOperatorContainer.securityContext).toEqual(restricted);
      expect(kafka.spec.entityOperator.template.userOperatorContainer.securityContext).toEqual(restricted);
    }
  });

  it("runs OpenSearch, Dashboards and Flink as non-root without privilege escalation", () => {
    for (const id of TENANTS) {
      const os = manifest(mocks.get("kubernetes:opensearch.org/v1:OpenSearchCluster", `${id}-opensearch-cluster`)).spec;
      expect(os.general.setVMMaxMapCount).toBe(false);
      for (const ctx of [os.general.securityContext, os.dashboards.securityContext]) {
        expect(ctx).toMatchObject({ allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] }, runAsNonRoot: true });
      }
      expect(os.security.tls).toEqual({ transport: { generate: true, perNode: true }, http: { generate: true } });
    }
    const flink = manifest(mocks.get("kubernetes:flink.apache.org/v1beta1:FlinkDeployment", "globex-flink-deployment")).spec;
    expect(flink.podTemplate.spec.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } });
    expect(flink.podTemplate.spec.containers[0].securityContext).toMatchObject({ allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } });
  });
});
