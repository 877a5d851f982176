import type {
  EnforcementLevel,
  PolicyConfigSchema,
  ReportViolation,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  StackValidationArgs,
  StackValidationPolicy,
} from "@pulumi/policy";

import type { ResourceView } from "./resources";

/**
 * Policies are written against plain views and plain config so tests drive them exactly as the
 * engine does (through `validateResource` / `validateStack`) without constructing a PolicyPack,
 * which would start a gRPC server.
 */
export interface ResourceRule<C extends object> {
  name: string;
  description: string;
  enforcementLevel: EnforcementLevel;
  configSchema?: PolicyConfigSchema;
  check(resource: ResourceView, config: C, report: (message: string) => void): void;
}

export interface StackRule<C extends object> {
  name: string;
  description: string;
  enforcementLevel: EnforcementLevel;
  configSchema?: PolicyConfigSchema;
  check(resources: ResourceView[], config: C, report: ReportViolation): void;
}

export function resourcePolicy<C extends object>(rule: ResourceRule<C>): ResourceValidationPolicy {
  return {
    name: rule.name,
    description: rule.description,
    enforcementLevel: rule.enforcementLevel,
    configSchema: rule.configSchema,
    validateResource: (args: ResourceValidationArgs, report: ReportViolation) => {
      rule.check({ type: args.type, name: args.name, urn: args.urn, props: args.props }, args.getConfig<C>(), (m) => report(m));
    },
  };
}

export function stackPolicy<C extends object>(rule: StackRule<C>): StackValidationPolicy {
  return {
    name: rule.name,
    description: rule.description,
    enforcementLevel: rule.enforcementLevel,
    configSchema: rule.configSchema,
    validateStack: (args: StackValidationArgs, report: ReportViolation) => {
      const views = args.resources.map((r) => ({
        type: r.type,
        name: r.name,
        urn: r.urn,
        props: r.props,
        dependencies: [...r.dependencies, ...Object.values(r.propertyDependencies).flat()].map((d) => d.urn),
      }));
      rule.check(views, args.getConfig<C>(), report);
    },
  };
}
