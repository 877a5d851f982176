import { describe, expect, it } from "vitest";
import { networkPolicyRules, PRIVATE_RANGES } from "../../../infra/tenant-stack/network-policies-spec";

const base = {
  operatorNamespaces: ["strimzi-system", "opensearch-operator"],
  ingressNamespace: "ingress-nginx",
  monitoringNamespace: "monitoring",
  ticketingEgress: false,
};

describe("networkPolicyRules", () => {
  it("starts with a default deny of ingress and egress", () => {
    expect(networkPolicyRules(base)[0]).toEqual({ suffix: "default-deny", spec: { podSelector: {}, policyTypes: ["Ingress", "Egress"] } });
  });

  it("opens only the data plane's flows", () => {
    expect(networkPolicyRules(base).map((r) => r.suffix)).toEqual([
      "default-deny",
      "allow-intra-tenant",
      "allow-dns",
      "allow-operators-kafka",
      "allow-operators-opensearch",
      "allow-apiserver-entity-operator",
      "allow-ingress-controller",
      "allow-monitoring",
    ]);
  });

  it("lets the ingress controller reach only the collector and Dashboards ports", () => {
    const rule = networkPolicyRules(base).find((r) => r.suffix === "allow-ingress-controller")!;
    expect(rule.spec).toMatchObject({
      podSelector: { matchExpressions: [{ key: "app.kubernetes.io/name", operator: "In", values: ["otel-collector", "opensearch-dashboards"] }] },
      ingress: [
        {
          from: [{ namespaceSelector: { matchExpressions: [{ key: "kubernetes.io/metadata.name", operator: "In", values: ["ingress-nginx"] }] } }],
          ports: [
            { protocol: "TCP", port: 4318 },
            { protocol: "TCP", port: 4317 },
            { protocol: "TCP", port: 5601 },
          ],
        },
      ],
    });
  });

  it("opens egress 443 for the ticketing agent only when it has somewhere to go, never to private ranges", () => {
    expect(networkPolicyRules(base).some((r) => r.suffix === "allow-ticketing-egress")).toBe(false);
    const egress = networkPolicyRules({ ...base, ticketingEgress: true }).find((r) => r.suffix === "allow-ticketing-egress")!;
    expect(egress.spec).toEqual({
      podSelector: { matchLabels: { "app.kubernetes.io/name": "logclaw-ticketing", "app.kubernetes.io/part-of": "logclaw" } },
      policyTypes: ["Egress"],
      egress: [{ to: [{ ipBlock: { cidr: "0.0.0.0/0", except: PRIVATE_RANGES } }], ports: [{ protocol: "TCP", port: 443 }] }],
    });
  });
});
