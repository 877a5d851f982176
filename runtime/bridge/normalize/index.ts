export { flattenAttributes, plainValue } from "./attributes";
export { httpStatusOf } from "./http-status";
export { boundsViolation, nanosToEpochMs, placeEventTime, TIME_ADJUSTMENTS } from "./event-time";
export type { EventTimeBounds, EventTimePlacement, TimeAdjustment } from "./event-time";
export { createResourceContexts, nanosToMs, normalizeRecord, ORIGINAL_TIME_ATTRIBUTE, resourceContext } from "./normalize";
export type { NormalizedRecord, ResourceContext } from "./normalize";
export { normalizeSeverity, severityTextOf } from "./severity";
