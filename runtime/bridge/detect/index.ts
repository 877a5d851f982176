export { classifyClientSide, FAILURE_FAMILIES, IMMEDIATE_FAMILIES, matchFamily } from "./families";
export type { ClientSideKind, FailureFamily, FamilyMatch } from "./families";
export { assessRecord } from "./record-signals";
export type { RecordAssessment } from "./record-signals";
export { compositeScore, evaluateWindow } from "./window";
export type { ServiceHistory, ServiceWindow, TemplateSpike, WindowFinding } from "./window";
