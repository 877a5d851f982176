import { readFileSync } from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import type { EnvMocks } from "../support/env-mocks";
import { setupEnvMocks, valueOf } from "../support/env-mocks";
import { settle } from "../support/pulumi-mocks";
import type { EnvironmentOutputs } from "../../stacks/environment.js";

const repoRoot = path.resolve(__dirname, "..", "..");
let mocks: EnvMocks;
let outputs: EnvironmentOutputs;

/** The shipped `stacks/Pulumi.local.yaml`, as `setAllConfig` takes it. */
function localConfig(): Record<string, string> {
  const doc = parse(readFileSync(path.join(repoRoot, "stacks", "Pulumi.local.yaml"), "utf8")) as { config: Record<string, unknown> };
  return Object.fromEntries(Object.entries(doc.config).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)]));
}

beforeAll(async () => {
  mocks = await setupEnvMocks(localConfig(), {}, "local");
  const { environmentProgram } = await import("../../stacks/environment.js");
  outputs = environmentProgram();
  await settle();
});

describe("the local stack (render-only)", () => {
  it("renders to a directory instead of talking to a cluster", () => {
    const provider = mocks.one("pulumi:providers:kubernetes");
    expect(provider.inputs.renderYamlToDirectory).toBe("rendered/local");
    expect(provider.inputs.kubeconfig).toBeUndefined();
    expect(provider.inputs.context).toBeUndefined();
  });

  it("registers no chart, so rendering needs no network", () => {
    expect(mocks.byType("kubernetes:helm.sh/v4:Chart")).toEqual([]);
    const types = new Set(mocks.registrations.map((r) => r.type));
    expect([...types].sort()).toEqual([
      "kubernetes:cert-manager.io/v1:ClusterIssuer",
      "kubernetes:core/v1:Namespace",
      "kubernetes:core/v1:ServiceAccount",
      "kubernetes:external-secrets.io/v1:ClusterSecretStore",
      "kubernetes:rbac.authorization.k8s.io/v1:ClusterRole",
      "kubernetes:rbac.authorization.k8s.io/v1:Role",
      "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding",
      "logclaw:cloud:ExistingCluster",
      "logclaw:operators:ClusterOperators",
      "pulumi:providers:kubernetes",
    ]);
    expect(mocks.registrations).toHaveLength(10);
  });

  it("uses the render provider for every Kubernetes resource", () => {
    const provider = mocks.one("pulumi:providers:kubernetes");
    for (const r of mocks.registrations.filter((r) => r.type.startsWith("kubernetes:"))) {
      expect(mocks.providerUrn(r), `${r.type} ${r.name}`).toBe(provider.urn);
    }
  });

  it("exports an empty secret kubeconfig and the render directory", async () => {
    expect(await valueOf(outputs.kubeconfig)).toBe("");
    expect(await pulumi.isSecret(outputs.kubeconfig)).toBe(true);
    expect(outputs.renderDirectory).toBe("rendered/local");
    expect(await valueOf(outputs.clusterName)).toBe("logclaw-local");
    expect(await valueOf(outputs.grafanaUrl)).toBe("http://grafana.logclaw.localhost");
    expect(await valueOf(outputs.secretStoreName)).toBe("logclaw");
    expect(await valueOf(outputs.clusterIssuerName)).toBe("logclaw-selfsigned");
    expect(await valueOf(outputs.storageClass)).toBe("standard");
    expect(outputs.ingressDomain).toBe("logclaw.localhost");
    expect(outputs.cloud).toBe("existing");
  });
});
