import { hash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { decodeOtlpLogs } from "../../../runtime/bridge/decode";
import type { AnyValue, Resource } from "../../../runtime/bridge/decode/otlp-types";
import { createResourceContexts, normalizeRecord, normalizeSeverity, resourceContext } from "../../../runtime/bridge/normalize";
import { createRedactor, DEFAULT_REDACTION } from "../../../runtime/bridge/redact";

const redactor = createRedactor(DEFAULT_REDACTION);

function normalize(record: Record<string, unknown>, resource: unknown[] = [{ key: "service.name", value: { stringValue: "checkout" } }]) {
  const decoded = decodeOtlpLogs(
    JSON.stringify({ resourceLogs: [{ resource: { attributes: resource }, scopeLogs: [{ scope: { name: "s" }, logRecords: [record] }] }] }),
    "json",
  );
  if (!decoded.ok) throw decoded.error;
  const rl = decoded.request.resourceLogs[0];
  // Unbounded: these cases are about the document, not about time hygiene (event-time.test.ts).
  return normalizeRecord(resourceContext("acme", rl, redactor), rl.scopeLogs[0], rl.scopeLogs[0].logRecords[0], redactor, 1234, {
    maxAheadMs: Number.POSITIVE_INFINITY,
    maxBehindMs: Number.POSITIVE_INFINITY,
  });
}

describe("normalizeRecord", () => {
  it("builds the document of ARCHITECTURE.md with flattened attributes and resource", () => {
    const { document, timeMs } = normalize(
      {
        timeUnixNano: "1700000000123456789",
        observedTimeUnixNano: "1700000000200000000",
        severityNumber: 18,
        traceId: "5b8efff798038103d269b633813fc60c",
        spanId: "eee19b7ec3c1b174",
        body: { stringValue: "payment failed" },
        attributes: [
          { key: "http.response.status_code", value: { intValue: "503" } },
          { key: "db", value: { kvlistValue: { values: [{ key: "system", value: { stringValue: "postgresql" } }] } } },
          { key: "tags", value: { arrayValue: { values: [{ stringValue: "a" }, { intValue: "2" }] } } },
          { key: "big", value: { intValue: "9223372036854775807" } },
        ],
      },
      [
        { key: "service.name", value: { stringValue: "payment-api" } },
        { key: "service.namespace", value: { stringValue: "shop" } },
        { key: "deployment.environment.name", value: { stringValue: "prod" } },
        { key: "host.name", value: { stringValue: "node-1" } },
        { key: "k8s.pod.name", value: { stringValue: "payment-api-7d9" } },
      ],
    );
    expect(timeMs).toBe(1700000000123);
    expect(document).toMatchObject({
      "@timestamp": "2023-11-14T22:13:20.123Z",
      observed_timestamp: "2023-11-14T22:13:20.200Z",
      tenant_id: "acme",
      service: "payment-api",
      service_namespace: "shop",
      environment: "prod",
      host: "node-1",
      pod: "payment-api-7d9",
      severity_text: "error",
      severity_number: 18,
      message: "payment failed",
      trace_id: "5b8efff798038103d269b633813fc60c",
      span_id: "eee19b7ec3c1b174",
      http_status: 503,
      redacted: false,
    });
    expect(document.attributes).toEqual({
      "http.response.status_code": 503,
      "db.system": "postgresql",
      tags: '["a",2]',
      big: "9223372036854775807",
    });
    expect(document.id).toMatch(/^[0-9a-f]{32}$/);
  });

  it("gives the same record the same id and a different record another", () => {
    const a = normalize({ timeUnixNano: "1", body: { stringValue: "x" } }).document.id;
    expect(normalize({ timeUnixNano: "1", body: { stringValue: "x" } }).document.id).toBe(a);
    expect(normalize({ timeUnixNano: "2", body: { stringValue: "x" } }).document.id).not.toBe(a);
  });

  it("hashes the record's attributes as their JSON text, whatever they hold", () => {
    // The id is a replay's dedup key: its hashed bytes must never drift (quotes, control characters, lone
    // surrogates, index-like keys JSON orders first, repeated keys, non-finite doubles, ints beyond 2^53).
    const kv = (key: string, value: unknown) => ({ key, value });
    const attributes = [
      kv("plain", { stringValue: "v" }),
      kv('q"uote', { stringValue: 'say "hi"\\ \n\t\u0001' }),
      kv("surrogates", { stringValue: "ok \u{1F600} lone \ud800 end" }),
      kv("7", { intValue: "-12" }),
      kv("0", { boolValue: true }),
      kv("plain", { stringValue: "again" }),
      kv("nan", { doubleValue: "NaN" }),
      kv("inf", { doubleValue: "-Infinity" }),
      kv("d", { doubleValue: 0.1 }),
      kv("big", { intValue: "-9223372036854775808" }),
      kv("padded", { intValue: "-0007" }),
      kv("arr", { arrayValue: { values: [{ stringValue: 'a"b' }] } }),
      kv("map", { kvlistValue: { values: [kv("é\u2028", { bytesValue: "AQID" })] } }),
      kv("__proto__", { stringValue: "x" }),
      kv("empty", {}),
    ];
    const record = { timeUnixNano: "5", severityText: "INFO", body: { stringValue: "m" }, attributes };
    const { document } = normalize(record);
    const identity = hash("sha1", `acme\u0000${JSON.stringify([{ key: "service.name", value: { stringValue: "checkout" } }])}`, "hex");
    const flat = { plain: "again", 'q"uote': 'say "hi"\\ \n\t\u0001', surrogates: "ok \u{1F600} lone \ud800 end", "7": -12, "0": true, nan: "NaN", inf: "-Infinity", d: 0.1, big: "-9223372036854775808", padded: -7, arr: '["a\\"b"]', "map.é\u2028": "AQID", empty: null };
    const text = `${identity}\u0000s\u00005\u00000\u00000\u0000INFO\u0000\u0000\u00000\u0000m\u0000${JSON.stringify(flat)}`;
    expect(document.id).toBe(hash("sha1", text, "hex").slice(0, 32));
  });

  it("reads the legacy HTTP status key and numeric strings", () => {
    const { document } = normalize({ attributes: [{ key: "http.status_code", value: { stringValue: "404" } }] });
    expect(document.http_status).toBe(404);
  });

  it("falls back to observed time, then to the received time, and to unknown_service", () => {
    expect(normalize({ observedTimeUnixNano: "2000000000" }, []).timeMs).toBe(2000);
    const { document, timeMs } = normalize({}, []);
    expect(timeMs).toBe(1234);
    expect(document.service).toBe("unknown_service");
    expect(document.observed_timestamp).toBeNull();
  });

  it("formats event times exactly, including small fractions and five-digit years", () => {
    expect(normalize({ timeUnixNano: "1700000000005000000" }).document["@timestamp"]).toBe("2023-11-14T22:13:20.005Z");
    expect(normalize({ timeUnixNano: "1700000000050000000" }).document["@timestamp"]).toBe("2023-11-14T22:13:20.050Z");
    expect(normalize({ timeUnixNano: "253402300800001000000" }).document["@timestamp"]).toBe("+010000-01-01T00:00:00.001Z");
  });

  it("places a timestamp no date can hold at the received time and keeps it as an attribute", () => {
    const { document, timeMs, timeAdjustment } = normalize({ timeUnixNano: "99999999999999999999999" });
    expect(timeMs).toBe(1234);
    expect(timeAdjustment).toBe("invalid");
    expect(document.attributes["logclaw.original_time_unix_nano"]).toBe("99999999999999999999999");
  });

  it("uses the message of a map body and keeps its other keys as attributes", () => {
    const { document } = normalize({
      body: {
        kvlistValue: {
          values: [
            { key: "msg", value: { stringValue: "order placed" } },
            { key: "order", value: { intValue: "7" } },
          ],
        },
      },
    });
    expect(document.message).toBe("order placed");
    expect(document.attributes["body.order"]).toBe(7);
  });

  it("renders non-string bodies as JSON", () => {
    expect(normalize({ body: { arrayValue: { values: [{ intValue: "1" }] } } }).document.message).toBe("[1]");
    expect(normalize({ body: { boolValue: true } }).document.message).toBe("true");
  });
});

describe("normalizeSeverity", () => {
  it.each([
    [1, "", "trace"],
    [5, "", "debug"],
    [9, "", "info"],
    [13, "", "warn"],
    [17, "", "error"],
    [24, "", "fatal"],
    [0, "WARNING", "warn"],
    [0, "Error", "error"],
    [0, "ERROR2", "error"],
    [0, "critical", "fatal"],
    [0, "", "info"],
    [0, "whatever", "info"],
  ])("(%i, %j) is %s", (n, text, expected) => {
    expect(normalizeSeverity(n, text).text).toBe(expected);
  });
});

describe("redaction", () => {
  it.each([
    ["mail jane.doe@example.com now", "mail [REDACTED:email] now"],
    ["card 4111 1111 1111 1111 declined", "card [REDACTED:card] declined"],
    ["order 1234567890123 placed", "order 1234567890123 placed"],
    // Card layouts the one-scan prefilter must let through: dashes, no separators, a digit per group, at the edges.
    ["paid 4111-1111-1111-1111.", "paid [REDACTED:card]."],
    ["4111111111111111", "[REDACTED:card]"],
    ["span 5f2a0c9e1b3d4a77 card 4111 1111 1111 1111", "span 5f2a0c9e1b3d4a77 card [REDACTED:card]"],
    // Two separators in a row end a card number.
    ["card 4111  1111 1111 1111", "card 4111  1111 1111 1111"],
    ["card 4111 -1111-1111-1111", "card 4111 -1111-1111-1111"],
    ["Authorization: Bearer abc.def-123", "Authorization: Bearer [REDACTED:token]"],
    ["jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig", "jwt [REDACTED:token]"],
    ["login password=hunter2 user=bob", "login password=[REDACTED:password] user=bob"],
    ["dsn postgres://app:s3cret@db:5432/x", "dsn postgres://app:[REDACTED:password]@db:5432/x"],
    ["api_key: 'abcd1234'", "api_key: '[REDACTED:apikey]'"],
    ["aws AKIAIOSFODNN7EXAMPLE used", "aws [REDACTED:apikey] used"],
    ["from 10.0.0.1", "from 10.0.0.1"],
  ])("%j -> %j", (input, output) => {
    expect(redactor.text(input).value).toBe(output);
  });

  it("redacts attributes by value and by secret key names, and flags the document", () => {
    const { document } = normalize({
      body: { stringValue: "user bob@example.com logged in" },
      attributes: [
        { key: "http.request.header.authorization", value: { stringValue: "Basic Ym9iOnB3" } },
        { key: "user.email", value: { stringValue: "bob@example.com" } },
        { key: "gen_ai.usage.input_tokens", value: { intValue: "12" } },
      ],
    });
    expect(document.message).toBe("user [REDACTED:email] logged in");
    expect(document.attributes).toEqual({
      "http.request.header.authorization": "[REDACTED:secret]",
      "user.email": "[REDACTED:email]",
      "gen_ai.usage.input_tokens": 12,
    });
    expect(document.redacted).toBe(true);
  });

  it("redacts an attribute value exactly as the same text, memoized or not", () => {
    const values = [
      "5f2a0c9e1b3d4a77",
      "GET",
      "/api/login",
      "Mozilla/5.0 (X11; Linux x86_64) from 10.0.0.1",
      "jane@example.com",
      "token=abc123",
      `${"x".repeat(300)} password=hunter2`,
      "4111-1111-1111-1111",
    ];
    const fresh = createRedactor({ enabled: true, rules: ["email", "creditCard", "token", "password", "apiKey", "ipAddress"], extraPatterns: [] });
    // Twice: the second pass answers from the memo.
    for (let pass = 0; pass < 2; pass++) {
      for (const value of values) {
        const attrs: Record<string, string> = { "some.value": value };
        const expected = fresh.text(value);
        expect(fresh.attributes(attrs)).toBe(expected.redacted);
        expect(attrs["some.value"]).toBe(expected.value);
      }
    }
  });

  it("follows the tenant's rules: ip addresses on demand, extra patterns, or nothing when disabled", () => {
    const custom = createRedactor({ enabled: true, rules: ["ipAddress"], extraPatterns: ["ACCT-\\d+"] });
    expect(custom.text("from 10.0.0.1 acct ACCT-991 jane@x.io").value).toBe("from [REDACTED:ip] acct [REDACTED:custom] jane@x.io");
    const off = createRedactor({ enabled: false, rules: ["email"], extraPatterns: [] });
    expect(off.text("jane@example.com")).toEqual({ value: "jane@example.com", redacted: false });
  });
});

describe("createResourceContexts", () => {
  const redactor = createRedactor(DEFAULT_REDACTION);
  const attrs = (...kvs: [string, AnyValue][]): Resource => ({ attributes: kvs.map(([key, value]) => ({ key, value })), droppedAttributesCount: 0 });
  const s = (stringValue: string): AnyValue => ({ stringValue });

  it("gives the same context to equal resources and another to any resource whose attributes' JSON differs", () => {
    const contexts = createResourceContexts("acme", redactor);
    const a = contexts(attrs(["service.name", s("api")], ["host.name", s("n1")]));
    expect(contexts(attrs(["service.name", s("api")], ["host.name", s("n1")]))).toBe(a);
    const others = [
      attrs(["service.name", s("api")], ["host.name", s("n2")]),
      attrs(["service.name", s("api")], ["k8s.node.name", s("n1")]),
      attrs(["service.name", s("api")]),
      attrs(["service.name", s("api")], ["host.name", s("n1")], ["k8s.pod.name", s("p")]),
      attrs(["host.name", s("n1")], ["service.name", s("api")]),
      // Not a plain string: told apart by its JSON, though its flat value is the same text.
      attrs(["service.name", s("api")], ["host.name", { stringValue: "n1", boolValue: true }]),
      attrs(["service.name", s("api")], ["host.name", { intValue: "1" }]),
      attrs(),
    ];
    const seen = new Set([a]);
    for (const resource of others) {
      const ctx = contexts(resource);
      expect(seen.has(ctx), JSON.stringify(resource)).toBe(false);
      seen.add(ctx);
      // Asked again, the same context, and it is the one a fresh computation gives.
      expect(contexts(resource)).toBe(ctx);
      expect(ctx.identity).toBe(resourceContext("acme", { resource, scopeLogs: [], schemaUrl: "" }, redactor).identity);
    }
  });

  it("remembers many resources under one first value (one service on many hosts) by their keys", () => {
    const contexts = createResourceContexts("acme", redactor);
    const host = (i: number) => attrs(["service.name", s("api")], ["host.name", s(`node-${i}`)]);
    const first = Array.from({ length: 50 }, (_, i) => contexts(host(i)));
    expect(new Set(first).size).toBe(50);
    for (let i = 0; i < 50; i++) {
      expect(contexts(host(i))).toBe(first[i]);
      expect(first[i].host).toBe(`node-${i}`);
    }
  });

  it("starts over past its bound and still gives each resource its own context", () => {
    const contexts = createResourceContexts("acme", redactor);
    const first = contexts(attrs(["service.name", s("svc-0")]));
    for (let i = 1; i <= 5000; i++) expect(contexts(attrs(["service.name", s(`svc-${i}`)])).service).toBe(`svc-${i}`);
    const again = contexts(attrs(["service.name", s("svc-0")]));
    expect(again).not.toBe(first);
    expect(again.identity).toBe(first.identity);
  });
});
