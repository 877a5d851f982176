export { BridgePipeline } from "./bridge-pipeline";
export type { BridgePipelineOptions } from "./bridge-pipeline";
export { PIPELINE_STATE_VERSION, pipelineStateSchema } from "./state";
export type { PipelineState } from "./state";
export { detectionTuningSchema } from "./tuning";
export type { DetectionTuning, DetectionTuningInput } from "./tuning";
export type { BatchResult, ContextSummary } from "./types";
