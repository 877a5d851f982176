/**
 * The production bridge process (`logclaw bridge`): configuration from the environment, the Kafka
 * consumer group on raw-logs, OpenSearch and Kafka outputs, checkpoints and the ops endpoints.
 */
export { BridgeConfigError, bridgeEnvSchema, loadBridgeConfig, type BridgeConfig } from "./config";
export { createBridgeMetrics, type BridgeMetrics } from "./metrics";
export { startBridge, type RunningBridge } from "./service";
