export { API_KEY_HEADER, checkApiKey, type ApiKeyVerdict } from "./auth";
export { LOGS_SERVICE_EXPORT_PATH, TRACE_SERVICE_EXPORT_PATH, startOtlpGrpcReceiver, type OtlpGrpcReceiverOptions } from "./grpc-receiver";
export {
  OTLP_LOGS_PATH,
  OTLP_TRACES_PATH,
  startOtlpHttpReceiver,
  type OtlpHttpReceiverOptions,
  type OtlpReceiverLimits,
  type RunningReceiver,
} from "./http-receiver";
export { ReceiverMetrics, type RefusalReason, type Transport } from "./metrics";
export { encodeExportResponse, encodeRpcStatus, RPC_CODE } from "./responses";
export { ReceiverOverloadedError, type OtlpEncoding, type OtlpExportResult, type OtlpSignal, type OtlpSink } from "./sink";
