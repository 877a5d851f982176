/** The one pipeline runner and its ports: local mode and the Kafka bridge assemble it with their own source and sinks. */
export { PipelineRunner, type DeliveredBatch, type PipelineRunnerOptions, type ProcessedBatch } from "./runner";
export type { DeadLetterSink, DetectionCore, IncidentSink, LogSink, PipelineSinks, RefusedDocument, SourceRecord } from "./ports";
export { DetectionMetrics, type DetectionMetricsOptions, type LogStoreSize } from "./metrics";
