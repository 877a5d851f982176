export { evidenceLimits, fingerprintOf, IncidentManager } from "./incident-manager";
export type { Detection } from "../detect/detection";
export type { EvidenceLimits, TrackedIncident } from "./incident-manager";
export { maxSeverity, severityOf } from "./severity";
export { beyondDismissed, Dismissals, feedbackOf, type Dismissal } from "./feedback";
