import * as k8s from "@pulumi/kubernetes";
import { beforeAll, describe, expect, it } from "vitest";
import { TenantStack, validateTenantStackArgs, type TenantStackArgs } from "../../../infra/tenant-stack";
import { tenantSchema } from "../../../contracts/tenant/schema";
import { installMocks, settle, type MockRecorder } from "../../support/pulumi-mocks";

const tenant = tenantSchema.parse({
  id: "acme",
  tier: "starter",
  environment: "dev",
  retentionDays: 7,
  ingest: { logsPerSecond: 1000, burst: 2000 },
});

let mocks: MockRecorder;
let provider: k8s.Provider;
let args: TenantStackArgs;

beforeAll(async () => {
  mocks = await installMocks();
  provider = new k8s.Provider("test-cluster", {});
  args = {
    tenant,
    provider,
    ingressDomain: "example.com",
    secretStoreName: "logclaw",
    clusterIssuerName: "logclaw-selfsigned",
    grafanaUrl: "https://grafana.example.com",
    image: { tag: "0.1.0" },
  };
});

describe("validateTenantStackArgs", () => {
  it("accepts valid args", () => {
    expect(validateTenantStackArgs(args)).toEqual([]);
  });

  it("names the field of each problem", () => {
    expect(validateTenantStackArgs({ ...args, image: { tag: "latest" } })).toEqual(["image.tag: must be pinned, not latest"]);
    expect(validateTenantStackArgs({ ...args, image: { tag: "a b" } })).toEqual(["image.tag: must be a valid image tag"]);
    expect(validateTenantStackArgs({ ...args, tenant: { ...tenant, retentionDays: 30 } })).toEqual([
      "tenant.retentionDays: must be between 1 and 14 for tier starter",
    ]);
    expect(validateTenantStackArgs({ ...args, tenant: { ...tenant, id: "Bad" } })).toEqual([
      "tenant.id: must be a DNS label: lower-case letters, digits and '-', starting and ending alphanumeric",
    ]);
  });

  it("refuses to build a TenantStack from invalid args before any child exists", async () => {
    expect(() => new TenantStack("broken", { ...args, tenant: { ...tenant, retentionDays: 30 } })).toThrowError(
      "invalid TenantStack broken: tenant.retentionDays: must be between 1 and 14 for tier starter",
    );
    await settle();
    expect(mocks.resources.filter((r) => r.name.startsWith("broken-"))).toEqual([]);
  });
});
