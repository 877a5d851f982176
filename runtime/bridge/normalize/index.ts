export { flattenAttributes, plainValue } from "./attributes";
export { httpStatusOf } from "./http-status";
export { createResourceContexts, nanosToMs, normalizeRecord, resourceContext } from "./normalize";
export type { NormalizedRecord, ResourceContext } from "./normalize";
export { normalizeSeverity, severityTextOf } from "./severity";
