import { PART_OF_LABEL } from "../../contracts/labels";
import { HEALTH_PORT, METRICS_PORT, OTLP_GRPC_PORT, OTLP_HTTP_PORT } from "./collector-spec";
import { HTTP_PORT } from "./env";
import { OBJECT_NAMES, selectorLabels } from "./names";

/**
 * The flows a tenant data plane needs, as NetworkPolicy specs. Everything starts from a default
 * deny of ingress and egress; each further policy opens one named flow.
 */

export interface NetworkPolicyInput {
  /** Namespaces of the operators that reconcile Kafka and OpenSearch inside the tenant. */
  operatorNamespaces: readonly string[];
  ingressNamespace: string;
  monitoringNamespace: string;
  /** Ticketing may reach the internet on 443 (an LLM or a ticket platform is configured). */
  ticketingEgress: boolean;
}

export interface NetworkPolicyRule {
  /** Suffix of the policy name: `<tenant namespace>-<suffix>`. */
  suffix: string;
  spec: Record<string, unknown>;
}

function namespaceIn(names: readonly string[]): Record<string, unknown> {
  return { namespaceSelector: { matchExpressions: [{ key: "kubernetes.io/metadata.name", operator: "In", values: [...names] }] } };
}

const tcp = (port: number) => ({ protocol: "TCP", port });

/** Private and link-local ranges (including cloud metadata endpoints) stay closed for internet egress. */
export const PRIVATE_RANGES = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "169.254.0.0/16", "100.64.0.0/10"];

export function networkPolicyRules(input: NetworkPolicyInput): NetworkPolicyRule[] {
  const rules: NetworkPolicyRule[] = [
    { suffix: "default-deny", spec: { podSelector: {}, policyTypes: ["Ingress", "Egress"] } },
    {
      suffix: "allow-intra-tenant",
      spec: {
        podSelector: {},
        policyTypes: ["Ingress", "Egress"],
        ingress: [{ from: [{ podSelector: {} }] }],
        egress: [{ to: [{ podSelector: {} }] }],
      },
    },
    {
      suffix: "allow-dns",
      spec: {
        podSelector: {},
        policyTypes: ["Egress"],
        egress: [
          {
            to: [{ ...namespaceIn(["kube-system"]), podSelector: { matchLabels: { "k8s-app": "kube-dns" } } }],
            ports: [
              { protocol: "UDP", port: 53 },
              { protocol: "TCP", port: 53 },
            ],
          },
        ],
      },
    },
    {
      suffix: "allow-operators-kafka",
      spec: {
        podSelector: { matchLabels: { "strimzi.io/cluster": OBJECT_NAMES.kafkaCluster } },
        policyTypes: ["Ingress"],
        ingress: [{ from: [namespaceIn(input.operatorNamespaces)] }],
      },
    },
    {
      suffix: "allow-operators-opensearch",
      spec: {
        podSelector: { matchExpressions: [{ key: "app.kubernetes.io/name", operator: "In", values: ["opensearch", "opensearch-dashboards"] }] },
        policyTypes: ["Ingress"],
        ingress: [{ from: [namespaceIn(input.operatorNamespaces)] }],
      },
    },
    {
      // Strimzi's entity operator (topic and user operators) runs in the tenant namespace and
      // reconciles KafkaTopics and KafkaUsers through the Kubernetes API.
      suffix: "allow-apiserver-entity-operator",
      spec: {
        podSelector: { matchLabels: { "strimzi.io/name": `${OBJECT_NAMES.kafkaCluster}-entity-operator` } },
        policyTypes: ["Egress"],
        egress: [{ ports: [tcp(443), tcp(6443)] }],
      },
    },
    {
      suffix: "allow-ingress-controller",
      spec: {
        podSelector: {
          matchExpressions: [
            { key: "app.kubernetes.io/name", operator: "In", values: [OBJECT_NAMES.collector, "opensearch-dashboards"] },
          ],
        },
        policyTypes: ["Ingress"],
        ingress: [{ from: [namespaceIn([input.ingressNamespace])], ports: [tcp(OTLP_HTTP_PORT), tcp(OTLP_GRPC_PORT), tcp(5601)] }],
      },
    },
    {
      suffix: "allow-monitoring",
      spec: {
        podSelector: { matchLabels: { ...PART_OF_LABEL } },
        policyTypes: ["Ingress"],
        ingress: [{ from: [namespaceIn([input.monitoringNamespace])], ports: [tcp(HTTP_PORT), tcp(METRICS_PORT), tcp(HEALTH_PORT)] }],
      },
    },
  ];
  if (input.ticketingEgress) {
    rules.push({
      suffix: "allow-ticketing-egress",
      spec: {
        podSelector: { matchLabels: selectorLabels(OBJECT_NAMES.ticketing) },
        policyTypes: ["Egress"],
        egress: [{ to: [{ ipBlock: { cidr: "0.0.0.0/0", except: PRIVATE_RANGES } }], ports: [tcp(443)] }],
      },
    });
  }
  return rules;
}
