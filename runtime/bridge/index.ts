/**
 * The bridge detection core: OTLP logs in, normalized documents and incident events out. Pure and
 * event-time driven (the logs' timestamps advance every window), so the same input always yields the
 * same output; the Kafka/OpenSearch wiring and local mode reuse it unchanged.
 *
 * Public face:
 * - `decodeOtlpLogs(payload, "json" | "protobuf")`: `{ ok: true, request, rejected }` with the canonical
 *   `ExportLogsServiceRequest` (OTLP/JSON shape, hex ids, int64 as decimal strings) and the malformed
 *   records it skipped, or `{ ok: false, error: OtlpDecodeError }` (`error.reason`) for an unusable payload.
 * - `normalizeRecord` / `resourceContext`: one OTLP record to a `LogDocument` (ARCHITECTURE.md).
 * - `createRedactor(config)`: PII redaction per the tenant file's `redaction` section.
 */
export * from "./decode";
export * from "./normalize";
export * from "./redact";
