/**
 * Helpers that read Pulumi resource properties the way the policy engine hands them over: plain
 * JSON (secrets already unwrapped), Kubernetes resources typed `kubernetes:<group/version>:<Kind>`.
 */

/** A minimal view of a resource, shared by resource and stack policies. */
export interface ResourceView {
  type: string;
  name: string;
  urn: string;
  props: Record<string, unknown>;
  /** URNs this resource depends on (stack policies only). */
  dependencies?: string[];
}

export type Json = Record<string, unknown>;

export function asRecord(value: unknown): Json {
  return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Json) : {};
}

export function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

export function get(value: unknown, path: string): unknown {
  let current: unknown = value;
  for (const key of path.split(".")) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Json)[key];
  }
  return current;
}

/** `kubernetes:apps/v1:Deployment` -> `{ apiVersion: "apps/v1", kind: "Deployment" }`. */
export function kubernetesKind(type: string): { apiVersion: string; kind: string } | undefined {
  const match = /^kubernetes:([^:]+):(.+)$/.exec(type);
  if (!match) return undefined;
  const apiVersion = match[1]!.replace(/^core\//, "");
  return { apiVersion, kind: match[2]! };
}

/**
 * The object's kind: `props.kind` when present (a CustomResource whose apiVersion was not known at
 * construction is registered under a generic type token), else the kind in the type token.
 */
export function kindOf(resource: ResourceView): string | undefined {
  const fromType = kubernetesKind(resource.type)?.kind;
  if (fromType === undefined) return undefined;
  return typeof resource.props["kind"] === "string" ? resource.props["kind"] : fromType;
}

export function isKind(resource: ResourceView, ...kinds: string[]): boolean {
  const kind = kindOf(resource);
  return kind !== undefined && kinds.includes(kind);
}

/** Helm charts, YAML bundles and ComponentResources are not objects in the cluster. */
export function isKubernetesObject(resource: ResourceView): boolean {
  const k = kubernetesKind(resource.type);
  return k !== undefined && !k.apiVersion.startsWith("helm.sh") && !k.apiVersion.startsWith("yaml") && !/^(kustomize|helm)/.test(k.apiVersion);
}

export function metadata(resource: ResourceView): Json {
  return asRecord(resource.props["metadata"]);
}

export function labels(resource: ResourceView): Record<string, string> {
  return asRecord(metadata(resource)["labels"]) as Record<string, string>;
}

export function namespaceOf(resource: ResourceView): string | undefined {
  const ns = metadata(resource)["namespace"];
  return typeof ns === "string" ? ns : undefined;
}

export function displayName(resource: ResourceView): string {
  const kind = kindOf(resource) ?? resource.type;
  const name = metadata(resource)["name"];
  const ns = namespaceOf(resource);
  return `${kind} ${ns ? `${ns}/` : ""}${typeof name === "string" ? name : resource.name}`;
}

/** Kinds that hold a pod template, with the path to the pod spec. */
const POD_SPEC_PATHS: Record<string, string> = {
  Pod: "spec",
  Deployment: "spec.template.spec",
  StatefulSet: "spec.template.spec",
  DaemonSet: "spec.template.spec",
  ReplicaSet: "spec.template.spec",
  Job: "spec.template.spec",
  CronJob: "spec.jobTemplate.spec.template.spec",
};

export function podSpecOf(resource: ResourceView): Json | undefined {
  const kind = kindOf(resource);
  if (!kind || !isKubernetesObject(resource)) return undefined;
  const path = POD_SPEC_PATHS[kind];
  if (!path) return undefined;
  const spec = get(resource.props, path);
  return spec && typeof spec === "object" ? (spec as Json) : undefined;
}

export interface ContainerView {
  name: string;
  init: boolean;
  spec: Json;
}

export function containersOf(podSpec: Json): ContainerView[] {
  const named = (list: unknown, init: boolean): ContainerView[] =>
    asArray(list).map((c) => {
      const spec = asRecord(c);
      return { name: String(spec["name"] ?? "?"), init, spec };
    });
  return [...named(podSpec["initContainers"], true), ...named(podSpec["containers"], false)];
}

