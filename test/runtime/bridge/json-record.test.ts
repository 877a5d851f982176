import { describe, expect, it } from "vitest";
import { BridgePipeline, decodeOtlpLogs, readJsonLogRecord, recordFields } from "../../../runtime/bridge";
import { createTemplateMiner } from "../../../runtime/bridge/template";

const T = 1767600000000;
const ns = (ms: number) => `${ms}000000`;

/** Records that take every branch of decoding: each AnyValue kind, snake_case, map bodies, and a bad field in every position. */
const RECORDS: unknown[] = [
  { timeUnixNano: ns(T), severityNumber: 9, body: { stringValue: "plain" }, attributes: [{ key: "k", value: { stringValue: "v" } }] },
  {
    time_unix_nano: ns(T + 1),
    observed_time_unix_nano: Number(ns(T + 2)),
    severity_number: "SEVERITY_NUMBER_ERROR",
    severity_text: "ERROR",
    trace_id: "5B8EFFF798038103D269B633813FC60C",
    span_id: "7u4bfsPBsXQ=",
    body: { string_value: "snake body password=hunter2" },
    attributes: [
      { key: "b", value: { boolValue: false } },
      { key: "i", value: { intValue: "-0042" } },
      { key: "big", value: { int_value: "9223372036854775807" } },
      { key: "d", value: { doubleValue: "NaN" } },
      { key: "d2", value: { double_value: 2.5 } },
      { key: "y", value: { bytesValue: "AQID" } },
      { key: "a", value: { arrayValue: { values: [{ stringValue: "p" }, { intValue: 1 }] } } },
      { key: "m", value: { kvlistValue: { values: [{ key: "n", value: { kvlistValue: { values: [{ key: "x", value: { stringValue: "1.2.3.4" } }] } } }] } } },
      { key: "e", value: {} },
      { key: "none" },
      { key: "k", value: { stringValue: "first" } },
      { key: "k", value: { stringValue: "second" } },
      { key: "http.response.status_code", value: { intValue: "503" } },
      { key: "s", value: { stringValue: "mail bob@example.com", intValue: "3" } },
      { key: "api_key", value: { stringValue: "secret" } },
    ],
  },
  { timeUnixNano: ns(T + 3), body: { kvlistValue: { values: [{ key: "msg", value: { stringValue: "map body" } }, { key: "user", value: { stringValue: "ann" } }] } } },
  { timeUnixNano: ns(T + 4), body: { kvlistValue: { values: [{ key: "other", value: { intValue: "7" } }] } } },
  { timeUnixNano: ns(T + 5), body: { arrayValue: { values: [{ stringValue: "x" }, { boolValue: true }] } } },
  { timeUnixNano: ns(T + 6), body: {} },
  { timeUnixNano: ns(T + 7), body: { intValue: 12 } },
  { observedTimeUnixNano: ns(T + 8), severityText: "warning", body: { stringValue: "no own time" } },
  { timeUnixNano: "99999999999999999999999", body: { stringValue: "beyond any date" } },
  { timeUnixNano: ns(T + 90 * 86_400_000), observedTimeUnixNano: ns(T + 9), body: { stringValue: "from the future" } },
  { timeUnixNano: ns(T + 10), traceId: "00000000000000000000000000000000", spanId: "0000000000000000", flags: 1, droppedAttributesCount: 2 },
  // One bad field in each position, in decodeLogRecord's order: each is rejected with its own reason.
  "not a record",
  { timeUnixNano: "soon" },
  { observedTimeUnixNano: -1 },
  { severityNumber: 99 },
  { severityText: 5 },
  { body: "bare string" },
  { body: { stringValue: 5 } },
  { attributes: {} },
  { attributes: [{ value: { stringValue: "no key" } }] },
  { attributes: [{ key: "ok", value: { stringValue: "x" } }, { key: "bad", value: { boolValue: "yes" } }] },
  { attributes: [{ key: "m", value: { kvlistValue: { values: [{ key: 1 }] } } }] },
  { attributes: [{ key: "s", value: "not an AnyValue" }] },
  // Arrays where objects belong: refused where the decoder refuses them.
  [{ timeUnixNano: ns(T) }],
  { body: [{ stringValue: "in an array" }] },
  { attributes: [["key", "value"]] },
  { attributes: [{ key: "a", value: [{ stringValue: "in an array" }] }] },
  // Values the fast paths leave to the decoder: padded, negative-zero and long timestamps and integers, text severities.
  { timeUnixNano: `0${ns(T)}`, observedTimeUnixNano: "0", severityNumber: "17", body: { stringValue: "x" } },
  { timeUnixNano: "", body: { stringValue: "empty time" } },
  { observedTimeUnixNano: "123456", attributes: [{ key: "z", value: { intValue: "-0" } }, { key: "n", value: { intValue: "-1234567890123456" } }, { key: "p", value: { intValue: 42 } }] },
  { droppedAttributesCount: -1 },
  { flags: 1.5 },
  { traceId: "zz" },
  { spanId: 17 },
  // A bad body and bad attributes: the body is reported, as decodeLogRecord checks it first.
  { body: { boolValue: 1 }, attributes: 3 },
];

function payload(records: unknown[]): string {
  return JSON.stringify({
    resourceLogs: [
      {
        resource: { attributes: [{ key: "service.name", value: { stringValue: "checkout" } }, { key: "k8s.pod.name", value: { stringValue: "checkout-1" } }] },
        scopeLogs: [{ scope: { name: "app" }, logRecords: records.slice(0, 12) }, { logRecords: records.slice(12) }],
      },
      { resource: { attributes: [{ key: "service.name", value: { stringValue: "stock" } }] }, scopeLogs: [{ scope: { name: "lib" }, logRecords: records.slice(5, 9) }] },
    ],
  });
}

const pipeline = () => new BridgePipeline({ tenantId: "acme", miner: createTemplateMiner() });

describe("OTLP/JSON decoded and normalized in one pass", () => {
  it("gives a record the same fields as decoding it first, and rejects a bad one with the same reason", () => {
    for (const raw of RECORDS) {
      const decoded = decodeOtlpLogs(JSON.stringify({ resourceLogs: [{ scopeLogs: [{ logRecords: [raw] }] }] }), "json");
      if (!decoded.ok) throw decoded.error;
      const [record] = decoded.request.resourceLogs[0].scopeLogs[0].logRecords;
      if (record) expect(readJsonLogRecord(raw)).toEqual(recordFields(record));
      else expect(() => readJsonLogRecord(raw)).toThrow(decoded.rejected[0].reason);
    }
  });

  it("produces the same documents, rejections and incidents as the decoded request, live and in replay", () => {
    for (const receivedMs of [undefined, T + 5]) {
      const fused = pipeline().processOtlp(payload(RECORDS), "json", "raw-logs/0/1", receivedMs);
      const decoded = decodeOtlpLogs(payload(RECORDS), "json");
      if (!decoded.ok) throw decoded.error;
      const viaRequest = pipeline().processRequest(decoded.request, "raw-logs/0/1", decoded.rejected, receivedMs);
      expect(fused).toEqual(viaRequest);
      expect(fused.accepted).toBe(17);
      expect(fused.rejected).toBe(22);
      expect(fused.rejections.map((r) => r.source)).toContain("raw-logs/0/1 resourceLogs[0].scopeLogs[1].logRecords[0]");
    }
  });

  it("still refuses a payload whose structure is bad after good records, as a whole", () => {
    const text = JSON.stringify({ resourceLogs: [{ scopeLogs: [{ logRecords: RECORDS.slice(0, 3) }] }, { scopeLogs: [{ logRecords: [], schemaUrl: 3 }] }] });
    const p = pipeline();
    const result = p.processOtlp(text, "json", "raw-logs/0/2");
    expect(result).toMatchObject({ accepted: 0, rejected: 1, documents: [] });
    expect(result.rejections[0].reason).toBe("invalid_structure: resourceLogs[1].scopeLogs[0]: schemaUrl must be a string");
    // Nothing of the refused payload reached detection: the next payload starts from a clean state.
    expect(p.exportState()).toEqual(pipeline().exportState());
  });
});
