export { flattenAttributes, plainValue } from "./attributes";
export { httpStatusOf } from "./http-status";
export { boundsViolation, nanosToEpochMs, placeEventMs, placeEventTime, TIME_ADJUSTMENTS, usableMs } from "./event-time";
export type { EventTimeBounds, EventTimePlacement, TimeAdjustment } from "./event-time";
export { readJsonLogRecord } from "./json-record";
export { createResourceContexts, messageOf, nanosToMs, normalizeFields, normalizeRecord, ORIGINAL_TIME_ATTRIBUTE, recordFields, resourceContext } from "./normalize";
export type { NormalizedRecord, RecordFields, ResourceContext } from "./normalize";
export { normalizeSeverity, severityTextOf } from "./severity";
