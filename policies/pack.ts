import type { Policies } from "@pulumi/policy";
import { resourcePolicy, stackPolicy } from "./lib/policy";
import { cloudRules } from "./rules/cloud";
import { containerRules } from "./rules/containers";
import { exposureRules } from "./rules/exposure";
import { isolationRules } from "./rules/isolation";
import { kafkaRules } from "./rules/kafka";
import { opensearchRules } from "./rules/opensearch";
import { secretRules } from "./rules/secrets";

/** Every LogClaw policy, in report order. Kept apart from `index.ts`, which starts the pack's server. */
export const logclawPolicies: Policies = [
  ...containerRules.map(resourcePolicy),
  ...secretRules.map(resourcePolicy),
  ...exposureRules.map(resourcePolicy),
  ...isolationRules.stack.map(stackPolicy),
  ...kafkaRules.stack.map(stackPolicy),
  ...opensearchRules.stack.map(stackPolicy),
  ...cloudRules.stack.map(stackPolicy),
];
