import type {
  EnforcementLevel,
  PolicyResource,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  StackValidationPolicy,
  Policies,
} from "@pulumi/policy";
import type { ResourceView } from "./resources";

export interface Violation {
  policy: string;
  enforcementLevel: EnforcementLevel;
  message: string;
  urn?: string;
}

/** Per-policy config as users write it in a policy config file: `{ "<policy>": { key: value } }`. */
export type PackConfig = Record<string, Record<string, unknown>>;

function configFor(policy: ResourceValidationPolicy | StackValidationPolicy, config: PackConfig): Record<string, unknown> {
  const defaults: Record<string, unknown> = {};
  for (const [key, schema] of Object.entries(policy.configSchema?.properties ?? {})) {
    if (schema.default !== undefined) defaults[key] = schema.default;
  }
  return { ...defaults, ...(config[policy.name] ?? {}) };
}

function notApplicable(): never {
  throw new NotApplicable();
}
class NotApplicable extends Error {}

/**
 * Runs a pack's policies over resources the way the engine does: `validateResource` once per
 * resource with its args, `validateStack` once with every resource, config defaults from each
 * policy's schema overlaid with `config`. Disabled policies are skipped.
 */
export async function evaluatePolicies(policies: Policies, resources: ResourceView[], config: PackConfig = {}): Promise<Violation[]> {
  const violations: Violation[] = [];
  for (const policy of policies) {
    const level = (config[policy.name]?.["enforcementLevel"] as EnforcementLevel | undefined) ?? policy.enforcementLevel ?? "advisory";
    if (level === "disabled") continue;
    const cfg = configFor(policy, config);
    const report = (message: string, urn?: string) => violations.push({ policy: policy.name, enforcementLevel: level, message, urn });
    try {
      if ("validateResource" in policy && policy.validateResource) {
        const validators = Array.isArray(policy.validateResource) ? policy.validateResource : [policy.validateResource];
        for (const r of resources) {
          const args = {
            type: r.type,
            props: r.props,
            urn: r.urn,
            name: r.name,
            opts: { protect: false, ignoreChanges: [], aliases: [], customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 }, additionalSecretOutputs: [] },
            stackTags: new Map<string, string>(),
            isType: () => false,
            asType: () => undefined,
            getConfig: <T extends object>() => cfg as T,
            notApplicable,
          } as ResourceValidationArgs;
          for (const validate of validators) await validate(args, (m, urn) => report(m, urn ?? r.urn));
        }
      }
      if ("validateStack" in policy && policy.validateStack) {
        const byUrn = new Map<string, PolicyResource>();
        const policyResources = resources.map((r) => {
          const pr = {
            type: r.type,
            props: r.props,
            urn: r.urn,
            name: r.name,
            opts: { protect: false, ignoreChanges: [], aliases: [], customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 }, additionalSecretOutputs: [] },
            dependencies: [] as PolicyResource[],
            propertyDependencies: {},
            isType: () => false,
            asType: () => undefined,
          } as unknown as PolicyResource;
          byUrn.set(r.urn, pr);
          return pr;
        });
        resources.forEach((r, i) => {
          policyResources[i]!.dependencies.push(...(r.dependencies ?? []).flatMap((u) => byUrn.get(u) ?? []));
        });
        await policy.validateStack(
          { resources: policyResources, stackTags: new Map(), getConfig: <T extends object>() => cfg as T, notApplicable },
          report,
        );
      }
    } catch (err) {
      if (!(err instanceof NotApplicable)) throw err;
    }
  }
  return violations;
}
