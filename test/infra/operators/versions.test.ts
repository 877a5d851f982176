import { readFileSync, readdirSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { EXTERNAL_SECRETS_SERVICE_ACCOUNT } from "../../../infra/cloud/types.js";
import { EXACT_VERSION, OPERATOR_NAMES, PINNED_CHARTS, pinnedVersions } from "../../../infra/operators/versions.js";
import { sharedPath } from "../../support/shared";

const crdsDir = sharedPath("crds");
const readme = readFileSync(path.join(crdsDir, "README.md"), "utf8");

/** The README section of one operator's CRDs (`## strimzi/: ...` up to the next `## `). */
function section(dir: string): string {
  const start = readme.indexOf(`## ${dir}/`);
  expect(start, dir).toBeGreaterThanOrEqual(0);
  const end = readme.indexOf("\n## ", start + 1);
  return readme.slice(start, end === -1 ? undefined : end);
}

const CRD_DIRS = {
  certManager: "cert-manager",
  strimzi: "strimzi",
  flink: "flink",
  externalSecrets: "external-secrets",
  opensearch: "opensearch",
} as const;

describe("pinned operator charts [reads ../shared/crds]", () => {
  it.each(Object.entries(CRD_DIRS))("%s matches the chart and version of the vendored CRDs", (op, dir) => {
    const pinned = PINNED_CHARTS[op as keyof typeof CRD_DIRS];
    const text = section(dir);
    expect(text).toContain(`version \`${pinned.version}\``);
    expect(text).toContain(`\`${pinned.chart}\``);
    expect(readdirSync(path.join(crdsDir, dir)).some((f) => f.endsWith(".yaml"))).toBe(true);
  });

  it("pins the versions the product card names", () => {
    expect(pinnedVersions()).toEqual({
      certManager: "v1.21.1",
      strimzi: "1.2.0",
      flink: "1.15.0",
      externalSecrets: "2.9.0",
      opensearch: "3.0.2",
      grafana: "8.8.2",
    });
  });

  it("pins every chart to an exact version and a namespace of its own", () => {
    const namespaces = OPERATOR_NAMES.map((n) => PINNED_CHARTS[n].namespace);
    expect(new Set(namespaces).size).toBe(OPERATOR_NAMES.length);
    for (const n of OPERATOR_NAMES) expect(PINNED_CHARTS[n].version, n).toMatch(EXACT_VERSION);
  });

  it("pins the operator images the README names", () => {
    expect(section("opensearch")).toContain(`${PINNED_CHARTS.opensearch.image!.repository}:${PINNED_CHARTS.opensearch.image!.tag}`);
    expect(section("flink")).toContain(PINNED_CHARTS.flink.image!.repository);
    expect(section("flink")).toContain(`commit \`${PINNED_CHARTS.flink.image!.tag}`);
  });

  it("lets overrides replace a pinned version", () => {
    expect(pinnedVersions({ strimzi: { version: "1.2.1" } }).strimzi).toBe("1.2.1");
  });

  it("installs External Secrets where the cloud identities expect its service account", () => {
    expect(PINNED_CHARTS.externalSecrets.namespace).toBe(EXTERNAL_SECRETS_SERVICE_ACCOUNT.namespace);
  });
});
