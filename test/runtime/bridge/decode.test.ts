import path from "node:path";
import protobuf from "protobufjs";
import { beforeAll, describe, expect, it } from "vitest";
import { decodeOtlpLogs } from "../../../runtime/bridge/decode";
import { longText, type PbLong } from "../../../runtime/bridge/decode/otlp-protobuf";
import { sharedPath } from "../../support/shared";

const protoRoot = sharedPath("otlp-proto");
let RequestType: protobuf.Type;

beforeAll(async () => {
  const root = new protobuf.Root();
  root.resolvePath = (_origin, target) => path.join(protoRoot, target);
  await root.load("opentelemetry/proto/collector/logs/v1/logs_service.proto", { keepCase: false });
  RequestType = root.lookupType("opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest");
});

const TRACE = "5b8efff798038103d269b633813fc60c";
const SPAN = "eee19b7ec3c1b174";

function request(record: Record<string, unknown>, resource: unknown[] = [{ key: "service.name", value: { stringValue: "checkout" } }]) {
  return { resourceLogs: [{ resource: { attributes: resource }, scopeLogs: [{ scope: { name: "s" }, logRecords: [record] }] }] };
}

function decodeJson(value: unknown) {
  const result = decodeOtlpLogs(JSON.stringify(value), "json");
  if (!result.ok) throw result.error;
  return result;
}

describe("decodeOtlpLogs (json)", () => {
  it("decodes every AnyValue variant, hex ids and int64 as string or number", () => {
    const { request: req, rejected } = decodeJson(
      request({
        timeUnixNano: "1700000000123456789",
        observedTimeUnixNano: 1700000000200000000,
        severityNumber: 17,
        severityText: "ERROR",
        traceId: TRACE.toUpperCase(),
        spanId: SPAN,
        body: { stringValue: "boom" },
        attributes: [
          { key: "s", value: { stringValue: "x" } },
          { key: "b", value: { boolValue: true } },
          { key: "i", value: { intValue: "-9223372036854775808" } },
          { key: "n", value: { intValue: 42 } },
          { key: "d", value: { doubleValue: 1.5 } },
          { key: "y", value: { bytesValue: "AQID" } },
          { key: "a", value: { arrayValue: { values: [{ stringValue: "p" }, { intValue: "1" }] } } },
          { key: "m", value: { kvlistValue: { values: [{ key: "k", value: { stringValue: "v" } }] } } },
          { key: "e", value: {} },
        ],
      }),
    );
    expect(rejected).toEqual([]);
    const r = req.resourceLogs[0].scopeLogs[0].logRecords[0];
    expect(r.timeUnixNano).toBe("1700000000123456789");
    expect(r.observedTimeUnixNano).toBe("1700000000200000000");
    expect(r.traceId).toBe(TRACE);
    expect(r.spanId).toBe(SPAN);
    expect(r.severityNumber).toBe(17);
    expect(r.attributes.map((a) => a.value)).toEqual([
      { stringValue: "x" },
      { boolValue: true },
      { intValue: "-9223372036854775808" },
      { intValue: "42" },
      { doubleValue: 1.5 },
      { bytesValue: "AQID" },
      { arrayValue: { values: [{ stringValue: "p" }, { intValue: "1" }] } },
      { kvlistValue: { values: [{ key: "k", value: { stringValue: "v" } }] } },
      {},
    ]);
  });

  it("fills missing fields with defaults and accepts proto field names and enum names", () => {
    const { request: req } = decodeJson({
      resource_logs: [{ scope_logs: [{ log_records: [{ severity_number: "SEVERITY_NUMBER_WARN", time_unix_nano: "5" }] }] }],
    });
    expect(req.resourceLogs[0].resource).toEqual({ attributes: [], droppedAttributesCount: 0 });
    expect(req.resourceLogs[0].scopeLogs[0].logRecords[0]).toEqual({
      timeUnixNano: "5",
      observedTimeUnixNano: "0",
      severityNumber: 13,
      severityText: "",
      body: null,
      attributes: [],
      droppedAttributesCount: 0,
      flags: 0,
      traceId: "",
      spanId: "",
    });
  });

  it("treats all-zero ids as absent and accepts base64 ids", () => {
    const b64 = Buffer.from(TRACE, "hex").toString("base64");
    const { request: req } = decodeJson({
      resourceLogs: [
        { scopeLogs: [{ logRecords: [{ traceId: "0".repeat(32), spanId: "0".repeat(16) }, { traceId: b64 }] }] },
      ],
    });
    const [a, b] = req.resourceLogs[0].scopeLogs[0].logRecords;
    expect(a.traceId).toBe("");
    expect(a.spanId).toBe("");
    expect(b.traceId).toBe(TRACE);
  });

  it("rejects a malformed record with its path and reason and keeps the others", () => {
    const result = decodeJson({
      resourceLogs: [
        {
          scopeLogs: [
            {
              logRecords: [
                { body: { stringValue: "ok" } },
                { traceId: "xyz" },
                { timeUnixNano: "12abc" },
                { severityNumber: 99 },
                { body: { intValue: 1.5 } },
                "not a record",
              ],
            },
          ],
        },
      ],
    });
    expect(result.request.resourceLogs[0].scopeLogs[0].logRecords).toHaveLength(1);
    expect(result.rejected.map((r) => r.path)).toEqual([1, 2, 3, 4, 5].map((i) => `resourceLogs[0].scopeLogs[0].logRecords[${i}]`));
    expect(result.rejected[0].reason).toMatch(/traceId must be 32 hex/);
    expect(result.rejected[1].reason).toMatch(/timeUnixNano must be an integer/);
    expect(result.rejected[2].reason).toMatch(/outside 0..24/);
    expect(result.rejected[0].payload).toBe('{"traceId":"xyz"}');
  });

  it.each([
    ["", "empty_payload"],
    ["{nope", "invalid_json"],
    ["[1,2]", "not_an_object"],
    ['{"resourceLogs":{}}', "invalid_structure"],
    ['{"resourceLogs":[{"scopeLogs":[{"logRecords":7}]}]}', "invalid_structure"],
  ])("fails the whole payload %j with %s", (payload, reason) => {
    const result = decodeOtlpLogs(payload, "json");
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.reason).toBe(reason);
  });

  it("ignores unknown fields", () => {
    const { request: req } = decodeJson({ resourceLogs: [], futureField: 1 });
    expect(req.resourceLogs).toEqual([]);
  });
});

describe("decodeOtlpLogs (protobuf) [reads ../shared/otlp-proto]", () => {
  const json = request(
    {
      timeUnixNano: "1700000000123456789",
      severityNumber: 21,
      severityText: "FATAL",
      traceId: TRACE,
      spanId: SPAN,
      body: { kvlistValue: { values: [{ key: "message", value: { stringValue: "hi" } }] } },
      attributes: [
        { key: "i", value: { intValue: "-5" } },
        { key: "y", value: { bytesValue: "AQID" } },
        { key: "a", value: { arrayValue: { values: [{ doubleValue: 2.5 }, { boolValue: false }] } } },
      ],
      flags: 1,
    },
    [
      { key: "service.name", value: { stringValue: "checkout" } },
      { key: "k8s.pod.name", value: { stringValue: "checkout-1" } },
    ],
  );

  function encode(value: unknown): Uint8Array {
    const converted = JSON.parse(JSON.stringify(value), (key, v) =>
      (key === "traceId" || key === "spanId") && typeof v === "string" ? Buffer.from(v, "hex").toString("base64") : v,
    );
    return RequestType.encode(RequestType.fromObject(converted)).finish();
  }

  it("decodes a reference encoding to the same object as the JSON form", () => {
    const pb = decodeOtlpLogs(encode(json), "protobuf");
    expect(pb.ok).toBe(true);
    if (pb.ok) expect(pb.request).toEqual(decodeJson(json).request);
  });

  it("writes 64-bit integers as long.js would, unsigned and signed, at their extremes", () => {
    for (const [text, unsigned] of [
      ["0", true],
      ["1700000000123456789", true],
      ["18446744073709551615", true],
      ["9223372036854775807", false],
      ["-9223372036854775808", false],
      ["-5", false],
      ["4294967296", false],
    ] as const) {
      // long.js, as protobufjs decodes 64-bit fields with it (its typings declare only the constructor).
      const long = (protobuf.util.Long as unknown as { fromString(text: string, unsigned: boolean): PbLong & { toString(): string } }).fromString(text, unsigned);
      expect(longText(long)).toBe(long.toString());
      expect(longText(long)).toBe(text);
    }
    expect(longText(42)).toBe("42");
    expect(longText(null)).toBe("0");
  });

  it("fails garbage with invalid_protobuf", () => {
    const result = decodeOtlpLogs(new Uint8Array([0x0a, 0xff, 0xff, 0xff, 0x0f]), "protobuf");
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.reason).toBe("invalid_protobuf");
  });
});
