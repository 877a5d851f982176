/** Where the bridge's results go: OpenSearch (bulk, idempotent ids) and the Kafka output topics. */
export { backoffDelay, DEFAULT_BACKOFF, retryWithBackoff, RetryAbortedError, type BackoffPolicy, type RetryHooks } from "./backoff";
export { writeLogDocuments, writeSpanDocuments, type BulkSinkOptions, type BulkWriteResult, type RejectedDocument } from "./opensearch-bulk";
export { publishOutputs, sliceForSend, topicMessages, type OutputTopics, type TopicOutputs } from "./kafka-topics";
export { DocumentJson } from "./document-json";
