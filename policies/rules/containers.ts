import { asArray, asRecord, containersOf, displayName, namespaceOf, podSpecOf } from "../lib/resources";
import type { ResourceRule } from "../lib/policy";

/** Namespaces of third-party operator charts whose pods the chart authors own. */
export interface ExemptionConfig {
  exemptNamespaces: string[];
}

export const exemptNamespacesSchema = {
  exemptNamespaces: {
    type: "array" as const,
    items: { type: "string" as const },
    default: [] as string[],
    description: "Namespaces whose workloads these checks skip (for example vendored third-party charts).",
  },
};

function isExempt(namespace: string | undefined, config: ExemptionConfig): boolean {
  return namespace !== undefined && (config.exemptNamespaces ?? []).includes(namespace);
}

export const containerResources: ResourceRule<ExemptionConfig & { requireCpuLimit: boolean }> = {
  name: "container-resources",
  description: "Every container sets CPU and memory requests and limits, so quotas and scheduling hold.",
  enforcementLevel: "mandatory",
  configSchema: {
    properties: {
      ...exemptNamespacesSchema,
      requireCpuLimit: { type: "boolean", default: true, description: "Also require a CPU limit." },
    },
  },
  check(resource, config, report) {
    const pod = podSpecOf(resource);
    if (!pod || isExempt(namespaceOf(resource), config)) return;
    for (const c of containersOf(pod)) {
      const resources = asRecord(c.spec["resources"]);
      const requests = asRecord(resources["requests"]);
      const limits = asRecord(resources["limits"]);
      const missing = [
        requests["cpu"] === undefined && "requests.cpu",
        requests["memory"] === undefined && "requests.memory",
        limits["memory"] === undefined && "limits.memory",
        config.requireCpuLimit !== false && limits["cpu"] === undefined && "limits.cpu",
      ].filter(Boolean);
      if (missing.length > 0) {
        report(`${displayName(resource)}: container '${c.name}' must set resources ${missing.join(", ")}.`);
      }
    }
  },
};

/** True for `repo/img:1.2.3` and `repo/img@sha256:...`; false for no tag or `:latest`. */
export function isPinnedImage(image: string): boolean {
  if (image.includes("@sha256:")) return true;
  const lastSegment = image.slice(image.lastIndexOf("/") + 1);
  const colon = lastSegment.lastIndexOf(":");
  if (colon < 0) return false;
  const tag = lastSegment.slice(colon + 1);
  return tag.length > 0 && tag !== "latest";
}

export const imagePinned: ResourceRule<ExemptionConfig> = {
  name: "container-image-pinned",
  description: "Container images carry an explicit tag other than `latest`, or a digest.",
  enforcementLevel: "mandatory",
  configSchema: { properties: { ...exemptNamespacesSchema } },
  check(resource, config, report) {
    const pod = podSpecOf(resource);
    if (!pod || isExempt(namespaceOf(resource), config)) return;
    for (const c of containersOf(pod)) {
      const image = c.spec["image"];
      if (typeof image !== "string" || !isPinnedImage(image)) {
        report(
          `${displayName(resource)}: container '${c.name}' image '${String(image)}' must be pinned to a version tag or digest, not 'latest' or untagged.`,
        );
      }
    }
  },
};

export const securityContext: ResourceRule<ExemptionConfig> = {
  name: "container-security-context",
  description:
    "Containers run as non-root, without privilege escalation, with a read-only root filesystem and all capabilities dropped.",
  enforcementLevel: "mandatory",
  configSchema: { properties: { ...exemptNamespacesSchema } },
  check(resource, config, report) {
    const pod = podSpecOf(resource);
    if (!pod || isExempt(namespaceOf(resource), config)) return;
    const podContext = asRecord(pod["securityContext"]);
    for (const c of containersOf(pod)) {
      const ctx = asRecord(c.spec["securityContext"]);
      const problems: string[] = [];
      const nonRoot = ctx["runAsNonRoot"] ?? podContext["runAsNonRoot"];
      const uid = ctx["runAsUser"] ?? podContext["runAsUser"];
      if (nonRoot !== true || uid === 0) problems.push("set securityContext.runAsNonRoot: true (and no runAsUser: 0)");
      if (ctx["privileged"] === true) problems.push("drop securityContext.privileged");
      if (ctx["allowPrivilegeEscalation"] !== false) problems.push("set securityContext.allowPrivilegeEscalation: false");
      if (ctx["readOnlyRootFilesystem"] !== true) problems.push("set securityContext.readOnlyRootFilesystem: true");
      const drop = asArray(asRecord(ctx["capabilities"])["drop"]).map((d) => String(d).toUpperCase());
      if (!drop.includes("ALL")) problems.push("set securityContext.capabilities.drop: [ALL]");
      if (problems.length > 0) report(`${displayName(resource)}: container '${c.name}' must ${problems.join("; ")}.`);
    }
  },
};

export const hostAccess: ResourceRule<ExemptionConfig> = {
  name: "pod-no-host-access",
  description: "Pods use no hostPath volumes, host network, host PID or host IPC.",
  enforcementLevel: "mandatory",
  configSchema: { properties: { ...exemptNamespacesSchema } },
  check(resource, config, report) {
    const pod = podSpecOf(resource);
    if (!pod || isExempt(namespaceOf(resource), config)) return;
    for (const flag of ["hostNetwork", "hostPID", "hostIPC"]) {
      if (pod[flag] === true) report(`${displayName(resource)}: remove ${flag}: true from the pod spec.`);
    }
    for (const volume of asArray(pod["volumes"]).map(asRecord)) {
      if (volume["hostPath"] !== undefined) {
        report(`${displayName(resource)}: volume '${String(volume["name"])}' must not be a hostPath; use an emptyDir or a PVC.`);
      }
    }
  },
};

export const containerRules = [containerResources, imagePinned, securityContext, hostAccess];
