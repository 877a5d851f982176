export { BridgePipeline } from "./bridge-pipeline";
export { PIPELINE_STATE_VERSION, pipelineStateSchema, repairEventClock } from "./state";
export type { PipelineState } from "./state";
export { detectionTuningSchema } from "../detect/tuning";
export type { DetectionTuning, DetectionTuningInput } from "../detect/tuning";
export type { BatchResult, BridgePipelineOptions, ContextSummary } from "./types";
