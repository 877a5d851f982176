import type { SecretBackend } from "../cloud/types";

import { TENANT_LABEL } from "../../contracts/labels";

/** Service account in the Kubernetes-backed secret store's namespace that the store authenticates as. */
export const SECRET_READER_SERVICE_ACCOUNT = "logclaw-secret-reader";

/**
 * `spec` of the ClusterSecretStore (external-secrets.io/v1). It serves only tenant namespaces
 * (label `logclaw.io/tenant`), so no other namespace can pull LogClaw secrets through it. Cloud
 * stores use the controller's ambient identity (IRSA / Workload Identity annotations on its
 * service account), which is scoped to LogClaw's secrets.
 */
export function clusterSecretStoreSpec(backend: SecretBackend): Record<string, unknown> {
  const conditions = [{ namespaceSelector: { matchExpressions: [{ key: TENANT_LABEL, operator: "Exists" }] } }];
  switch (backend.kind) {
    case "aws":
      return { conditions, provider: { aws: { service: "SecretsManager", region: backend.region } } };
    case "gcp":
      return { conditions, provider: { gcpsm: { projectID: backend.projectId } } };
    case "kubernetes":
      return {
        conditions,
        provider: {
          kubernetes: {
            remoteNamespace: backend.namespace,
            server: {
              caProvider: { type: "ConfigMap", name: "kube-root-ca.crt", key: "ca.crt", namespace: backend.namespace },
            },
            auth: { serviceAccount: { name: SECRET_READER_SERVICE_ACCOUNT, namespace: backend.namespace } },
          },
        },
      };
  }
}

/** ClusterIssuer settings: ACME when an email is configured, otherwise self-signed. */
export interface ClusterIssuerArgs {
  /** ACME account email; unset = a self-signed issuer. */
  acmeEmail?: string;
  /** ACME directory URL (default Let's Encrypt production). */
  acmeServer: string;
  /** Ingress class the HTTP-01 solver uses. */
  ingressClass: string;
}

/** Name and `spec` of the ClusterIssuer (cert-manager.io/v1). */
export function clusterIssuerSpec(args: ClusterIssuerArgs): { name: string; spec: Record<string, unknown> } {
  if (args.acmeEmail === undefined) {
    return { name: "logclaw-selfsigned", spec: { selfSigned: {} } };
  }
  return {
    name: "logclaw-acme",
    spec: {
      acme: {
        email: args.acmeEmail,
        server: args.acmeServer,
        privateKeySecretRef: { name: "logclaw-acme-account-key" },
        solvers: [{ http01: { ingress: { ingressClassName: args.ingressClass } } }],
      },
    },
  };
}

/**
 * Rules of the ClusterRole a tenant namespace binds to its `flink` service account: what a Flink
 * JobManager needs to run native Kubernetes HA and manage its TaskManagers (mirrors the operator
 * chart's `jobRole`, which the chart only creates in explicitly watched namespaces).
 */
export function flinkJobRules(): { apiGroups: string[]; resources: string[]; verbs: string[] }[] {
  const all = ["get", "list", "watch", "create", "update", "patch", "delete"];
  return [
    { apiGroups: [""], resources: ["pods", "configmaps"], verbs: all },
    { apiGroups: ["apps"], resources: ["deployments", "deployments/finalizers"], verbs: all },
  ];
}
