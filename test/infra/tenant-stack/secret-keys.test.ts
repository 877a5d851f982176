import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { GCP_SECRET_PREFIX } from "../../../infra/cloud/gcp";
import { TenantStack, secretStoreKey, validateTenantStackArgs, type SecretStoreCloud, type TenantStackArgs } from "../../../infra/tenant-stack";
import { installMocks, settle, valueOf, type MockRecorder } from "../../support/pulumi-mocks";
import { exampleTenant } from "./fixtures";

type RemoteRefs = { data: { secretKey: string; remoteRef: { key: string; property: string } }[] };

let mocks: MockRecorder;
let common: Omit<TenantStackArgs, "tenant">;

/**
 * Secret-store keys of the store-backed ExternalSecrets a TenantStack named `name` created, by
 * ExternalSecret name (the generated service credentials read no store).
 */
function remoteKeys(name: string): Record<string, string[]> {
  return Object.fromEntries(
    mocks
      .ofType("kubernetes:external-secrets.io/v1:ExternalSecret")
      .filter((r) => r.name.startsWith(`${name}-`) && (r.inputs.spec as Partial<RemoteRefs>).data)
      .map((r) => [(r.inputs.metadata as { name: string }).name, [...new Set((r.inputs.spec as RemoteRefs).data.map((d) => d.remoteRef.key))]]),
  );
}

beforeAll(async () => {
  mocks = await installMocks();
  common = {
    provider: new k8s.Provider("test-cluster", {}),
    ingressDomain: "dev.logclaw.example.com",
    secretStoreName: "logclaw",
    clusterIssuerName: "logclaw-selfsigned",
    grafanaUrl: "https://grafana.dev.logclaw.example.com",
    image: { tag: "0.1.0" },
  };
  const built: TenantStack[] = [];
  for (const cloud of ["aws", "gcp", "existing", undefined] as const) {
    built.push(new TenantStack(`globex-${cloud ?? "default"}`, { ...common, tenant: exampleTenant("globex"), cloud }));
  }
  // As the tenant program passes it: an output of the environment stack reference.
  built.push(new TenantStack("globex-output", { ...common, tenant: exampleTenant("globex"), cloud: pulumi.output<SecretStoreCloud>("gcp") }));
  await Promise.all(built.map((s) => valueOf(s.dashboardUrl)));
  await settle();
});

describe("secretStoreKey", () => {
  it("keeps the key for AWS Secrets Manager and when no cloud is given", () => {
    expect(secretStoreKey("logclaw/acme/jira", "aws")).toEqual({ key: "logclaw/acme/jira" });
    expect(secretStoreKey("logclaw/acme/jira", undefined)).toEqual({ key: "logclaw/acme/jira" });
  });

  it("maps to a GCP Secret Manager name the External Secrets service account may read", () => {
    const mapped = secretStoreKey("logclaw/acme/jira", "gcp");
    expect(mapped).toEqual({ key: "logclaw-acme-jira" });
    expect("key" in mapped && mapped.key.startsWith(GCP_SECRET_PREFIX)).toBe(true);
    expect(secretStoreKey("logclaw/acme/Jira_v2", "gcp")).toEqual({ key: "logclaw-acme-Jira_v2" });
  });

  it("maps to a Kubernetes Secret name for the existing cluster's Kubernetes-backed store", () => {
    expect(secretStoreKey("logclaw/acme/jira", "existing")).toEqual({ key: "logclaw-acme-jira" });
    expect(secretStoreKey("logclaw/acme/jira.v2", "existing")).toEqual({ key: "logclaw-acme-jira.v2" });
  });

  it("refuses keys that have no valid name in the store", () => {
    expect(secretStoreKey("logclaw/acme/jira.v2", "gcp")).toEqual({
      error: "logclaw/acme/jira.v2 maps to GCP secret logclaw-acme-jira.v2, which is not a Secret Manager name (letters, digits, '_', '-')",
    });
    expect(secretStoreKey("logclaw/acme/Jira_v2", "existing")).toEqual({
      error: "logclaw/acme/Jira_v2 maps to Kubernetes Secret logclaw-acme-Jira_v2, which is not a Secret name (lower-case letters, digits, '-', '.')",
    });
    expect(secretStoreKey("logclaw/acme/jira", "azure" as SecretStoreCloud)).toEqual({ error: "unknown cloud azure: must be one of aws, gcp, existing" });
  });
});

describe("TenantStack ExternalSecrets in the environment store's naming", () => {
  it("keeps logclaw/<tenant>/<name> for aws and by default", () => {
    const expected = {
      "logclaw-servicenow": ["logclaw/globex/servicenow"],
      "logclaw-pagerduty": ["logclaw/globex/pagerduty"],
      "logclaw-slack": ["logclaw/globex/slack"],
      "logclaw-llm": ["logclaw/globex/llm"],
    };
    expect(remoteKeys("globex-aws")).toEqual(expected);
    expect(remoteKeys("globex-default")).toEqual(expected);
  });

  it("reads logclaw-<tenant>-<name> on gcp and existing, also when the cloud is an output", () => {
    const expected = {
      "logclaw-servicenow": ["logclaw-globex-servicenow"],
      "logclaw-pagerduty": ["logclaw-globex-pagerduty"],
      "logclaw-slack": ["logclaw-globex-slack"],
      "logclaw-llm": ["logclaw-globex-llm"],
    };
    expect(remoteKeys("globex-gcp")).toEqual(expected);
    expect(remoteKeys("globex-existing")).toEqual(expected);
    expect(remoteKeys("globex-output")).toEqual(expected);
  });

  it("keeps the properties each credential pulls", () => {
    const spec = (name: string) =>
      mocks.get("kubernetes:external-secrets.io/v1:ExternalSecret", `${name}-secrets-external-logclaw-servicenow`).inputs.spec as RemoteRefs;
    expect(spec("globex-gcp").data.map((d) => [d.secretKey, d.remoteRef.property])).toEqual(
      spec("globex-aws").data.map((d) => [d.secretKey, d.remoteRef.property]),
    );
  });

  it("names the tenant field whose key has no valid name in a known store", () => {
    const tenant = exampleTenant("globex");
    const odd = { ...tenant, llm: { ...tenant.llm!, credentials: { key: "logclaw/globex/LLM_key" } } };
    const args: TenantStackArgs = { ...common, tenant: odd, cloud: "existing" };
    expect(validateTenantStackArgs(args)).toEqual([
      "tenant.llm.credentials.key: logclaw/globex/LLM_key maps to Kubernetes Secret logclaw-globex-LLM_key, which is not a Secret name (lower-case letters, digits, '-', '.')",
    ]);
    expect(validateTenantStackArgs({ ...args, cloud: "gcp" })).toEqual([]);
    expect(validateTenantStackArgs({ ...args, cloud: "azure" as SecretStoreCloud })).toEqual(["cloud: must be one of aws, gcp, existing"]);
  });
});
