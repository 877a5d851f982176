import type { ResourceRule } from "../lib/policy";
import { asArray, asRecord, displayName, get, isKind, isKubernetesObject, namespaceOf } from "../lib/resources";

export interface LoadBalancerConfig {
  loadBalancerNamespaces: string[];
}

export const loadBalancerServices: ResourceRule<LoadBalancerConfig> = {
  name: "service-loadbalancer-allowed",
  description: "Services of type LoadBalancer exist only in the namespaces allowed to expose them (the ingress controller).",
  enforcementLevel: "mandatory",
  configSchema: {
    properties: {
      loadBalancerNamespaces: {
        type: "array",
        items: { type: "string" },
        default: ["ingress-nginx"],
        description: "Namespaces that may create Services of type LoadBalancer.",
      },
    },
  },
  check(resource, config, report) {
    if (!isKubernetesObject(resource) || !isKind(resource, "Service")) return;
    if (get(resource.props, "spec.type") !== "LoadBalancer") return;
    const allowed = config.loadBalancerNamespaces ?? ["ingress-nginx"];
    if (!allowed.includes(namespaceOf(resource) ?? "")) {
      report(`${displayName(resource)}: type LoadBalancer is allowed only in ${allowed.join(", ")}; expose it through an Ingress with TLS.`);
    }
  },
};

export const ingressTls: ResourceRule<object> = {
  name: "ingress-tls",
  description: "Every Ingress terminates TLS for each host it serves.",
  enforcementLevel: "mandatory",
  check(resource, _config, report) {
    if (!isKubernetesObject(resource) || !isKind(resource, "Ingress")) return;
    const tlsHosts = new Set(asArray(get(resource.props, "spec.tls")).flatMap((t) => asArray(asRecord(t)["hosts"]).map(String)));
    const hosts = asArray(get(resource.props, "spec.rules")).map((rule) => asRecord(rule)["host"]);
    if (tlsHosts.size === 0) {
      report(`${displayName(resource)}: add spec.tls with a certificate secret for its hosts.`);
      return;
    }
    for (const host of hosts) {
      if (typeof host !== "string" || !tlsHosts.has(host)) {
        report(`${displayName(resource)}: host ${String(host ?? "(any)")} is not covered by spec.tls.`);
      }
    }
  },
};

export const exposureRules = [loadBalancerServices, ingressTls];
