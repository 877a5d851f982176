import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import type { EnvMocks, StackOutputs } from "../support/env-mocks";
import { setupEnvMocks, valueOf } from "../support/env-mocks";
import { resolveAll, settle } from "../support/pulumi-mocks";

const ENVIRONMENT_STACK = "organization/logclaw/dev";
const stackOutputs: StackOutputs = {};
let mocks: EnvMocks;
let envOutputs: Record<string, unknown>;
let tenantOutputs: Record<string, pulumi.Input<unknown>>;
let environmentCount: number;

beforeAll(async () => {
  mocks = await setupEnvMocks(
    {
      "logclaw:cloud": "existing",
      "logclaw:kubeconfig": "/home/ci/.kube/dev-config",
      "logclaw:kubeContext": "logclaw-dev",
      "logclaw:ingressDomain": "dev.logclaw.example.com",
    },
    stackOutputs,
    "dev",
  );
  const { environmentProgram } = await import("../../stacks/environment.js");
  envOutputs = await resolveAll(environmentProgram() as unknown as Record<string, unknown>);
  await settle();
  environmentCount = mocks.registrations.length;
  // What `pulumi stack output --json --show-secrets` of the environment stack would hold.
  stackOutputs[ENVIRONMENT_STACK] = Object.fromEntries(Object.entries(envOutputs).filter(([, v]) => v !== undefined));

  pulumi.runtime.setAllConfig({
    "logclaw:tenant": "acme",
    "logclaw:environmentStack": ENVIRONMENT_STACK,
    "logclaw:imageTag": "0.1.0",
  });
  const { tenantProgram } = await import("../../stacks/tenant.js");
  tenantOutputs = tenantProgram("acme");
  await settle();
});

describe("environment outputs consumed by the tenant program through a StackReference", () => {
  it("references the environment stack by its fully qualified name", () => {
    const ref = mocks.one("pulumi:pulumi:StackReference");
    expect(ref.inputs.name).toBe(ENVIRONMENT_STACK);
    expect(environmentCount).toBeGreaterThan(0);
  });

  it("builds the tenant's Kubernetes provider from the environment kubeconfig and context", () => {
    const provider = mocks.one("pulumi:providers:kubernetes", "acme-kubernetes");
    expect(provider.inputs.kubeconfig).toBe("/home/ci/.kube/dev-config");
    expect(provider.inputs.context).toBe("logclaw-dev");
    expect(mocks.one("pulumi:providers:kubernetes", "logclaw-dev-k8s").inputs.context).toBe(provider.inputs.context);
    expect(provider.inputs.renderYamlToDirectory).toBeUndefined();
  });

  it("points tenant ExternalSecrets that read a store at the environment's ClusterSecretStore", () => {
    // The others take generated values from the tenant's Password generator and read no store.
    const externalSecrets = mocks.byType("kubernetes:external-secrets.io/v1:ExternalSecret").filter((es) => !(es.inputs.spec as { dataFrom?: unknown }).dataFrom);
    expect(externalSecrets.length).toBeGreaterThan(0);
    for (const es of externalSecrets) {
      expect((es.inputs.spec as { secretStoreRef: unknown }).secretStoreRef).toEqual({ kind: "ClusterSecretStore", name: envOutputs.secretStoreName });
    }
    expect(envOutputs.secretStoreName).toBe("logclaw");
  });

  it("names tenant secret keys as Secrets of the existing cluster's Kubernetes-backed store", () => {
    expect(envOutputs.cloud).toBe("existing");
    const keys = mocks
      .byType("kubernetes:external-secrets.io/v1:ExternalSecret")
      .flatMap((es) => ((es.inputs.spec as { data?: { remoteRef: { key: string } }[] }).data ?? []).map((d) => d.remoteRef.key));
    expect([...new Set(keys)].sort()).toEqual(["logclaw-acme-jira", "logclaw-acme-slack"]);
  });

  it("issues tenant certificates from the environment's ClusterIssuer", () => {
    const issuerRefs = mocks.registrations
      .map((r) => JSON.stringify(r.inputs))
      .filter((text) => text.includes('"kind":"ClusterIssuer"') && !text.includes('"apiVersion":"cert-manager.io/v1","kind":"ClusterIssuer"'));
    expect(issuerRefs.length).toBeGreaterThan(0);
    for (const text of issuerRefs) expect(text).toContain(`"name":"${String(envOutputs.clusterIssuerName)}"`);
  });

  it("builds the tenant's dashboard URL on the environment's Grafana", async () => {
    expect(await valueOf(tenantOutputs.dashboardUrl as pulumi.Output<string>)).toMatch(/^https:\/\/grafana\.dev\.logclaw\.example\.com\/d\//);
  });

  it("places tenant volumes on the environment's storage class", () => {
    const text = mocks.registrations.filter((r) => r.type.includes("strimzi") || r.type.includes("opensearch")).map((r) => JSON.stringify(r.inputs)).join("\n");
    expect(text).toContain(`"${String(envOutputs.storageClass)}"`);
  });
});
