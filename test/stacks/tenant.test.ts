import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { register, require as tsxRequire } from "tsx/cjs/api";
import { installMocks, resolveAll, settle, type MockRecorder } from "../support/pulumi-mocks";
import { tenantProgram } from "../../stacks/tenant";

// stacks/index.ts loads the chosen program with require(), as under Pulumi's own TypeScript
// runtime; tsx's CommonJS hook lets that require() load TypeScript here.
register();

const environmentOutputs = {
  kubeconfig: "apiVersion: v1\nkind: Config\n",
  clusterName: "logclaw-dev",
  ingressDomain: "dev.logclaw.example.com",
  secretStoreName: "logclaw-secrets",
  clusterIssuerName: "letsencrypt",
  grafanaUrl: "https://grafana.dev.logclaw.example.com",
  storageClass: "standard",
};

let mocks: MockRecorder;
type DeploymentSpec = { template: { spec: { containers: { image: string }[] } } };

function useConfig(config: Record<string, string>): void {
  pulumi.runtime.setAllConfig(config, []);
}

beforeAll(async () => {
  mocks = await installMocks({
    stackReferences: {
      "organization/logclaw/dev": environmentOutputs,
      "organization/logclaw/local": { ...environmentOutputs, kubeconfig: "", renderDirectory: "rendered/local" },
      // stacks/Pulumi.dev.yaml: an existing cluster reached by context through the ambient kubeconfig.
      "organization/logclaw/by-context": { ...environmentOutputs, cloud: "existing", kubeconfig: "", kubeContext: "logclaw-dev" },
    },
  });
});

describe("stack entry and tenant program", () => {
  it("runs the tenant program for logclaw:tenant: tenants/<id>.yaml against the referenced environment", async () => {
    useConfig({ "logclaw:tenant": "acme", "logclaw:environmentStack": "organization/logclaw/dev", "logclaw:apiKey": "k".repeat(32) });
    const entry = tsxRequire("../../stacks/index.ts", __filename) as () => Promise<Record<string, pulumi.Input<unknown>>>;
    const outputs = await resolveAll(await entry());
    await settle();
    expect(outputs).toEqual({
      tenant: "acme",
      tier: "starter",
      namespace: "logclaw-acme",
      otlpHttpEndpoint: "https://acme-otlp.dev.logclaw.example.com",
      otlpGrpcEndpoint: "acme-otlp-grpc.dev.logclaw.example.com:443",
      dashboardUrl: "https://grafana.dev.logclaw.example.com/d/logclaw-acme/logclaw-acme?var-tenant=acme&from=now-6h&to=now",
      searchUrl: "https://acme-search.dev.logclaw.example.com",
      apiKey: "k".repeat(32),
      kafkaBootstrap: "logclaw-kafka-bootstrap.logclaw-acme.svc:9093",
      openSearchUrl: "https://logclaw-search.logclaw-acme.svc:9200",
    });
    const provider = mocks.get("pulumi:providers:kubernetes", "acme-kubernetes");
    expect(provider.inputs.kubeconfig).toBe(environmentOutputs.kubeconfig);
    expect(provider.inputs.context).toBeUndefined();
    expect(provider.inputs.renderYamlToDirectory).toBeUndefined();
    expect(mocks.get("pulumi:pulumi:StackReference", "acme-environment").inputs.name).toBe("organization/logclaw/dev");
    const bridge = mocks.get("kubernetes:apps/v1:Deployment", "acme-workloads-bridge");
    expect((bridge.inputs.spec as DeploymentSpec).template.spec.containers[0].image).toBe("ghcr.io/logclaw/logclaw:0.1.0");
  });

  it("exports the API key as a secret", async () => {
    useConfig({ "logclaw:tenant": "globex", "logclaw:environmentStack": "organization/logclaw/dev", "logclaw:imageTag": "1.2.3" });
    const outputs = tenantProgram("globex");
    expect(await pulumi.isSecret(outputs.apiKey as pulumi.Output<string>)).toBe(true);
    await resolveAll(outputs);
    await settle();
    const ticketing = mocks.get("kubernetes:apps/v1:Deployment", "globex-workloads-ticketing");
    expect((ticketing.inputs.spec as DeploymentSpec).template.spec.containers[0].image).toBe("ghcr.io/logclaw/logclaw:1.2.3");
  });

  it("renders to <renderDirectory>/tenants/<id> when the environment is render-only", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "logclaw-tenants-"));
    fs.writeFileSync(path.join(dir, "initech.yaml"), fs.readFileSync(path.resolve(__dirname, "../../tenants/acme.yaml"), "utf8").replace("id: acme", "id: initech").replace("environment: dev", "environment: local"));
    useConfig({ "logclaw:tenant": "initech", "logclaw:environmentStack": "organization/logclaw/local" });
    await resolveAll(tenantProgram("initech", { tenantsDir: dir }));
    await settle();
    const provider = mocks.get("pulumi:providers:kubernetes", "initech-kubernetes");
    expect(provider.inputs.renderYamlToDirectory).toBe("rendered/local/tenants/initech");
    expect(provider.inputs.kubeconfig).toBeUndefined();
    expect(provider.inputs.context).toBeUndefined();
  });

  it("uses the environment's kubeconfig context on an existing cluster reached by context", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "logclaw-tenants-"));
    fs.writeFileSync(path.join(dir, "hooli.yaml"), fs.readFileSync(path.resolve(__dirname, "../../tenants/acme.yaml"), "utf8").replace("id: acme", "id: hooli").replace("environment: dev", "environment: by-context"));
    useConfig({ "logclaw:tenant": "hooli", "logclaw:environmentStack": "organization/logclaw/by-context" });
    await resolveAll(tenantProgram("hooli", { tenantsDir: dir }));
    await settle();
    const provider = mocks.get("pulumi:providers:kubernetes", "hooli-kubernetes");
    expect(provider.inputs.context).toBe("logclaw-dev");
    expect(provider.inputs.kubeconfig).toBeUndefined();
    expect(provider.inputs.renderYamlToDirectory).toBeUndefined();
  });

  it("provisions nothing from an invalid tenant file and names file, field and rule", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "logclaw-tenants-"));
    fs.writeFileSync(path.join(dir, "broken.yaml"), "id: broken\ntier: starter\nenvironment: dev\nretentionDays: 7\ningest: { logsPerSecond: 100, burst: 10 }\n");
    useConfig({ "logclaw:tenant": "broken", "logclaw:environmentStack": "organization/logclaw/dev" });
    const before = mocks.resources.length;
    expect(() => tenantProgram("broken", { tenantsDir: dir })).toThrowError(/: ingest\.burst: must be >= logsPerSecond$/);
    expect(mocks.resources.length).toBe(before);
  });

  it("refuses a tenant file whose environment differs from the referenced stack", () => {
    useConfig({ "logclaw:tenant": "acme", "logclaw:environmentStack": "organization/logclaw/prod" });
    expect(() => tenantProgram("acme")).toThrowError(
      "tenants/acme.yaml: environment: is dev but logclaw:environmentStack is organization/logclaw/prod",
    );
  });

  it("renders a tenant of any environment on the render-only local environment", async () => {
    useConfig({ "logclaw:tenant": "acme", "logclaw:environmentStack": "organization/logclaw/local", "logclaw:apiKey": "k".repeat(32) });
    await resolveAll(tenantProgram("acme"));
    await settle();
    // The first test registered an `acme-kubernetes` provider too; this run's is the last one.
    const provider = mocks.ofType("pulumi:providers:kubernetes").filter((r) => r.name === "acme-kubernetes").at(-1)!;
    expect(provider.inputs.renderYamlToDirectory).toBe("rendered/local/tenants/acme");
  });

  it("requires the environment stack reference", () => {
    useConfig({ "logclaw:tenant": "acme" });
    expect(() => tenantProgram("acme")).toThrowError(/logclaw:environmentStack/);
  });
});
