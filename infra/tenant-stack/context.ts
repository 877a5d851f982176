import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { TenantPlan } from "../../contracts/tenant/tiers";
import { tenantLabels } from "./names";

/** What every child component of a TenantStack needs: the plan, where to put things, and how. */
export interface TenantContext {
  plan: TenantPlan;
  tenantId: string;
  /** `logclaw-<tenantId>`. */
  namespace: string;
  provider: k8s.Provider;
  /** The Namespace object: every namespaced resource depends on it. */
  namespaceResource: pulumi.Resource;
  /** Storage class for persistent volumes; the cluster default when empty. */
  storageClass: pulumi.Output<string | undefined>;
}

/** Options for a Kubernetes child: parented, explicit provider, after the namespace exists. */
export function k8sOptions(
  parent: pulumi.Resource,
  ctx: TenantContext,
  dependsOn: pulumi.Resource[] = [],
): pulumi.CustomResourceOptions {
  return { parent, provider: ctx.provider, dependsOn: [ctx.namespaceResource, ...dependsOn] };
}

/** Metadata of a namespaced object of the tenant. */
export function objectMeta(
  ctx: TenantContext,
  name: string,
  component: string,
  extraLabels: Record<string, string> = {},
  annotations?: Record<string, string>,
): { name: string; namespace: string; labels: Record<string, string>; annotations?: Record<string, string> } {
  return {
    name,
    namespace: ctx.namespace,
    labels: { ...tenantLabels(ctx.tenantId, component), ...extraLabels },
    ...(annotations ? { annotations } : {}),
  };
}

/**
 * Hands plain data from a pure builder to the typed Kubernetes SDK. The builders' output is
 * checked against the real Kubernetes schemas in the tests, which is stricter than these types.
 */
export function typed<T>(plain: object): T {
  return plain as unknown as T;
}
