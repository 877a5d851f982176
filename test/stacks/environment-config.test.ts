import { readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { parseEnvironmentConfig } from "../../stacks/environment-config.js";

const repoRoot = path.resolve(__dirname, "..", "..");

/** The `logclaw:*` keys of a shipped stack file, as Pulumi hands them to the program. */
function shippedConfig(stack: string): Record<string, string> {
  const doc = parse(readFileSync(path.join(repoRoot, "stacks", `Pulumi.${stack}.yaml`), "utf8")) as { config: Record<string, unknown> };
  return Object.fromEntries(
    Object.entries(doc.config).map(([k, v]) => [k.replace(/^logclaw:/, ""), typeof v === "string" ? v : JSON.stringify(v)]),
  );
}

function errorOf(raw: Record<string, unknown>): string {
  try {
    parseEnvironmentConfig(raw, "dev");
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error("config was accepted");
}

describe("environment config", () => {
  it.each([
    [{ cloud: "azure" }, "logclaw:cloud: must be one of aws, gcp, existing"],
    [{}, "logclaw:cloud: is required (one of aws, gcp, existing)"],
    [{ cloud: "aws" }, "logclaw:aws.region: is required"],
    [{ cloud: "aws", aws: JSON.stringify({}) }, "logclaw:aws.region: is required"],
    [{ cloud: "gcp", gcp: JSON.stringify({ project: "demo-project" }) }, "logclaw:gcp.region: is required"],
    [{ cloud: "aws", aws: JSON.stringify({ region: "eu-west-1", vpcCidr: "10.0.0.0" }) }, "logclaw:aws.vpcCidr: must be a CIDR block"],
    [{ cloud: "aws", aws: JSON.stringify({ region: "eu-west-1", publicAccessCidrs: ["10.0.0.0/8", "nope"] }) }, "logclaw:aws.publicAccessCidrs.1: must be a CIDR block"],
    [{ cloud: "gcp", gcp: JSON.stringify({ project: "demo-project", region: "europe-west1", masterCidr: "172.16.0.0/24" }) }, "logclaw:gcp.masterCidr: must be a /28 CIDR block"],
    [{ cloud: "existing", operators: JSON.stringify({ strimzi: { version: "^1.2.0" } }) }, "logclaw:operators.strimzi.version: must be an exact pinned version"],
    [{ cloud: "existing", operators: JSON.stringify({ flink: { version: "latest" } }) }, "logclaw:operators.flink.version: must be an exact pinned version"],
    [{ cloud: "existing", operators: JSON.stringify({ kafka: {} }) }, 'logclaw:operators: unknown key "kafka"'],
    [{ cloud: "aws", aws: JSON.stringify({ region: "eu-west-1", vpc: "x" }) }, 'logclaw:aws: unknown key "vpc"'],
    [{ cloud: "existing", colud: "aws" }, 'logclaw: unknown key "colud"'],
    [{ cloud: "aws", aws: JSON.stringify({ region: "eu-west-1" }), renderDirectory: "out" }, "logclaw:renderDirectory: only allowed with logclaw:cloud existing"],
    [{ cloud: "existing", aws: JSON.stringify({ region: "eu-west-1" }) }, "logclaw:aws: only allowed with logclaw:cloud aws"],
    [{ cloud: "existing", renderDirectory: "out", kubeconfig: "/k" }, "logclaw:kubeconfig: must not be set with logclaw:renderDirectory (render-only needs no cluster)"],
    [{ cloud: "aws", aws: JSON.stringify({ region: "eu-west-1", publicAccessCidrs: ["0.0.0.0/0"] }) }, "logclaw:aws.publicAccessCidrs.0: must not open the control plane to every address (0.0.0.0/0)"],
    [
      { cloud: "gcp", gcp: JSON.stringify({ project: "demo-project", region: "europe-west1", masterAuthorizedNetworks: [{ cidrBlock: "0.0.0.0/0", displayName: "all" }] }) },
      "logclaw:gcp.masterAuthorizedNetworks.0.cidrBlock: must not open the control plane to every address (0.0.0.0/0)",
    ],
    [{ cloud: "existing", grafanaUrl: "grafana" }, "logclaw:grafanaUrl: must be a URL"],
    [{ cloud: "existing", aws: "{not json" }, "logclaw:aws: must be valid structured config"],
    [
      { cloud: "aws", aws: JSON.stringify({ region: "eu-west-1", nodeGroups: [{ name: "a", instanceTypes: ["m6i.large"], minSize: 3, maxSize: 2, desiredSize: 3 }] }) },
      "logclaw:aws.nodeGroups.0: must satisfy minSize <= desiredSize <= maxSize",
    ],
  ])("rejects %j with one line naming the key and the rule", (raw, message) => {
    const error = errorOf(raw);
    expect(error).toBe(message);
    expect(error).not.toContain("\n");
  });

  it("fills defaults for an existing cluster", () => {
    const config = parseEnvironmentConfig({ cloud: "existing" }, "dev");
    expect(config).toMatchObject({
      cloud: "existing",
      stack: "dev",
      clusterName: "logclaw-dev",
      ingressDomain: "logclaw.localhost",
      storageClass: "standard",
      operators: { install: true, resourceSelector: "app.kubernetes.io/part-of=logclaw", strimzi: {} },
      clusterIssuer: { acmeServer: "https://acme-v02.api.letsencrypt.org/directory", ingressClass: "nginx" },
    });
    expect(config.aws).toBeUndefined();
  });

  it("fills AWS defaults: three zones, a NAT gateway per zone, private endpoint only", () => {
    const config = parseEnvironmentConfig({ cloud: "aws", aws: JSON.stringify({ region: "us-east-1" }) }, "prod");
    expect(config.aws).toMatchObject({ vpcCidr: "10.0.0.0/16", availabilityZones: 3, natGateways: "perAz", publicAccessCidrs: [] });
    expect(config.storageClass).toBe("logclaw-gp3");
  });

  it.each(["local", "dev", "staging", "prod"])("accepts the shipped Pulumi.%s.yaml", (stack) => {
    const config = parseEnvironmentConfig(shippedConfig(stack), stack);
    expect(config.clusterName).toBe(`logclaw-${stack}`);
  });

  it("renders the local stack to a directory without fetching operator charts", () => {
    const config = parseEnvironmentConfig(shippedConfig("local"), "local");
    expect(config).toMatchObject({ cloud: "existing", renderDirectory: "rendered/local", operators: { install: false } });
  });

  it("restricts the shipped cloud stacks' control planes to listed networks", () => {
    expect(parseEnvironmentConfig(shippedConfig("prod"), "prod").aws!.publicAccessCidrs).not.toContain("0.0.0.0/0");
    expect(parseEnvironmentConfig(shippedConfig("staging"), "staging").gcp!.masterAuthorizedNetworks.length).toBeGreaterThan(0);
  });
});
