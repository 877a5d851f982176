export { fingerprintOf, IncidentManager } from "./incident-manager";
export type { Detection, EvidenceLimits, TrackedIncident } from "./incident-manager";
export { maxSeverity, severityOf } from "./severity";
