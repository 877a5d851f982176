/**
 * The bridge detection core: OTLP logs in, normalized documents and incident events out. Pure and
 * event-time driven (the logs' timestamps advance every window), so the same input always yields the
 * same output; the Kafka/OpenSearch wiring and local mode reuse it unchanged.
 *
 * Public face:
 * - `decodeOtlpLogs(payload, "json" | "protobuf")`: `{ ok: true, request, rejected }` with the canonical
 *   `ExportLogsServiceRequest` (OTLP/JSON shape, hex ids, int64 as decimal strings) and the malformed
 *   records it skipped, or `{ ok: false, error: OtlpDecodeError }` (`error.reason`) for an unusable payload.
 * - `normalizeRecord` / `resourceContext`: one OTLP record to a `LogDocument` (ARCHITECTURE.md);
 *   `readJsonLogRecord` + `normalizeFields`: the same straight from a parsed OTLP/JSON record (the
 *   pipeline's JSON path, after `readOtlpJsonLogs` checked the payload's structure).
 * - `createRedactor(config)`: PII redaction per the tenant file's `redaction` section.
 * - `class BridgePipeline({ tenantId, redaction, miner, tuning })`:
 *   - `processOtlp(payload, encoding, source)` / `processRequest(request, source)` -> `BatchResult`
 *     `{ documents, incidentEvents, rejections, accepted, rejected }`; `source` names where the input
 *     came from (topic/partition/offset, receiver, file:line) and ends up in the dead letters the runner makes;
 *   - `flush()`: end of input, closes the remaining windows in event time;
 *   - `exportState()` and `BridgePipeline.restore(options, state)` (with the miner restored from
 *     `state.miner`): a restart keeps baselines, the call graph and open incidents;
 *   - `takeContextSummaries()` / `applyContextSummary(summary)`: per-window summaries of failing
 *     services and call-graph edges, exchanged between replicas that each see part of the traffic;
 *   - `openIncidents()`.
 * - Detection building blocks for other stages and tests: `assessRecord`, `matchFamily`,
 *   `classifyClientSide`, `IncidentManager`, `CallGraph`, `findRootCause`.
 *
 * Incident events: `opened` once per failure, `updated` when severity escalates, the blast radius grows
 * or a resolved incident recurs within its cooldown, `resolved` after a quiet period (event time).
 */
export * from "./correlate";
export * from "./decode";
export * from "./detect";
export * from "./lifecycle";
export * from "./normalize";
export * from "./pipeline";
export * from "./redact";
