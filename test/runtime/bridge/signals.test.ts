import { describe, expect, it } from "vitest";
import { assessRecord, classifyClientSide, compositeScore, matchFamily } from "../../../runtime/bridge";
import { poissonUpperTail } from "../../../runtime/bridge/detect/baseline";
import { detectionTuningSchema } from "../../../runtime/bridge/detect/tuning";
import { evaluateWindow, newServiceHistory, newServiceWindow, type ServiceWindow } from "../../../runtime/bridge/detect/window";
import { Random } from "../../../runtime/scenarios";
import type { LogDocument } from "../../../contracts/records";

function doc(message: string, severity_number = 17, extra: Partial<LogDocument> = {}): LogDocument {
  const severity_text = severity_number >= 21 ? "fatal" : severity_number >= 17 ? "error" : severity_number >= 13 ? "warn" : "info";
  return {
    id: "x",
    "@timestamp": "2026-01-05T08:00:00.000Z",
    observed_timestamp: null,
    tenant_id: "acme",
    service: "payment-api",
    service_namespace: null,
    environment: null,
    host: null,
    pod: null,
    severity_text,
    severity_number,
    message,
    template_id: "t",
    template: message,
    trace_id: null,
    span_id: null,
    http_status: null,
    attributes: {},
    resource: {},
    redacted: false,
    ...extra,
  };
}

describe("matchFamily", () => {
  it.each([
    ["java.lang.OutOfMemoryError: Java heap space", "oom"],
    ["container OOMKilled", "oom"],
    ["panic: runtime error: index out of range", "crash"],
    ["Segmentation fault (core dumped)", "crash"],
    ["HikariPool-1 - connection pool exhausted", "resource_exhaustion"],
    ["write failed: no space left on device", "resource_exhaustion"],
    ["ERROR: deadlock detected (SQLSTATE 40P01)", "database"],
    ["request timed out after 3000ms", "timeout"],
    ["rpc error: DEADLINE_EXCEEDED", "timeout"],
    ["dial tcp 10.0.0.1:5432: connect: connection refused", "connection"],
    ["upstream connect error or disconnect/reset before headers", "dependency"],
    ["call to ledger-api failed: 503 Service Unavailable", "dependency"],
    ["x509: certificate has expired or is not yet valid", "auth"],
  ])("%j is %s", (text, family) => {
    expect(matchFamily(text)?.family).toBe(family);
  });

  it.each([
    "metric timeouts_total incremented",
    "setTimeoutMs=300 applied",
    "crashpad handler started",
    "loaded module oomph-utils",
    "0 deadlocks detected in the last minute",
    "no timeout configured for this route",
    "completed without crashing",
    "journal entry 7 rejected: balance mismatch",
  ])("%j names no failure (words, not substrings; negations skipped)", (text) => {
    expect(matchFamily(text)).toBeNull();
  });

  it("matches a failure word after any non-word character, never after a letter, digit or underscore", () => {
    for (const word of ["timeout", "SIGSEGV", "deadlock", "econnrefused", "Unauthorized", "panic:"]) {
      for (const before of ["", " ", "-", ".", "(", "/", ":", "\u00e9", "\u212a"]) expect(matchFamily(`${before}${word} now`), `${before}${word}`).not.toBeNull();
      for (const before of ["a", "Z", "0", "_"]) expect(matchFamily(`${before}${word} now`), `${before}${word}`).toBeNull();
    }
  });

  it("prefers the most specific family when several match", () => {
    expect(matchFamily("request timed out: connection pool exhausted")?.family).toBe("resource_exhaustion");
  });
});

describe("classifyClientSide", () => {
  it.each([
    ["GET /api/orders/7 404", 404, {}, "client_error"],
    ["POST /api/login 401", 401, {}, "client_error"],
    ["too many requests", 429, {}, "client_error"],
    ["GET /wp-login.php", 404, { "url.path": "/wp-login.php" }, "scanner"],
    ["GET /", 200, { "user_agent.original": "sqlmap/1.7" }, "scanner"],
    ["GET / 404", 404, { "url.path": "/", "http.user_agent": "curl/8.5", "http.target": "/.env" }, "scanner"],
    ["JWT expired at 2026-01-01T00:00:00Z", null, {}, "expired_credentials"],
    ["session expired for user 7", 500, {}, null],
    ["Validation failed for field 'email': must be a valid email", null, {}, "validation"],
    ["x509: certificate has expired", null, {}, null],
    ["payment failed", 503, {}, null],
  ])("%j (status %s) is %s", (message, status, attrs, kind) => {
    expect(classifyClientSide(message, status as number | null, attrs)).toBe(kind);
  });
});

describe("assessRecord", () => {
  it("weights a failure family by severity, HTTP status and stack trace", () => {
    const info = assessRecord(doc("request timed out", 9));
    const warn = assessRecord(doc("request timed out", 13));
    const error = assessRecord(doc("request timed out", 17));
    const error5xx = assessRecord(doc("request timed out", 17, { http_status: 504 }));
    const withStack = assessRecord(doc("request timed out", 17, { attributes: { "exception.stacktrace": "at x" } }));
    expect(info.weight).toBeLessThan(warn.weight);
    expect(warn.weight).toBeLessThan(error.weight);
    expect(error.weight).toBeLessThan(error5xx.weight);
    expect(error.weight).toBeLessThan(withStack.weight);
    expect([info.isError, warn.isError, error.isError]).toEqual([false, false, true]);
    expect(withStack.stackTrace).toBe(true);
  });

  it("counts a 5xx at info level as an error and a 4xx at error level as client noise", () => {
    expect(assessRecord(doc("GET /x 503", 9, { http_status: 503 })).isError).toBe(true);
    const client = assessRecord(doc("GET /x 404 connection refused", 17, { http_status: 404 }));
    expect(client.isError).toBe(false);
    expect(client.clientSide).toBe("client_error");
    expect(client.immediate).toBe(false);
  });

  it("takes the immediate path only for OOM, crash and resource exhaustion at error severity", () => {
    expect(assessRecord(doc("java.lang.OutOfMemoryError: Java heap space", 21)).immediate).toBe(true);
    expect(assessRecord(doc("no space left on device", 17)).immediate).toBe(true);
    expect(assessRecord(doc("request timed out", 21)).immediate).toBe(false);
    expect(assessRecord(doc("no out of memory risk: heap at 40%", 17)).immediate).toBe(false);
    expect(assessRecord(doc("OutOfMemoryError recovered by cache eviction", 9)).immediate).toBe(false);
  });

  it("with errorsOnly, keeps what the windows read: the same verdict, and for an error the whole assessment", () => {
    const messages = ["request timed out", "java.lang.OutOfMemoryError: Java heap space", "JWT expired", "GET /wp-login.php not found", "order 7 placed", "boom\n    at f (a.js:1:2)"];
    const extras: Partial<LogDocument>[] = [{}, { http_status: 404 }, { http_status: 503 }, { attributes: { "exception.type": "IOError" } }, { attributes: { "user_agent.original": "sqlmap/1.7" } }];
    for (const message of messages) {
      for (const severity of [5, 9, 13, 17, 21]) {
        for (const extra of extras) {
          const full = assessRecord(doc(message, severity, extra));
          const lean = assessRecord(doc(message, severity, extra), true);
          expect([lean.isError, lean.clientSide, lean.immediate]).toEqual([full.isError, full.clientSide, full.immediate]);
          if (full.isError) expect(lean).toEqual(full);
        }
      }
    }
  });

  it("gives a generic error without failure words some weight", () => {
    const a = assessRecord(doc("journal entry 7 rejected: balance mismatch", 17));
    expect(a.family).toBeNull();
    expect(a.isError).toBe(true);
    expect(a.weight).toBeGreaterThan(0.2);
  });
});

describe("statistics", () => {
  it("computes the Poisson upper tail", () => {
    expect(poissonUpperTail(0, 3)).toBe(1);
    expect(poissonUpperTail(1, 1)).toBeCloseTo(1 - Math.exp(-1), 10);
    expect(poissonUpperTail(3, 2)).toBeCloseTo(1 - Math.exp(-2) * (1 + 2 + 2), 10);
    expect(poissonUpperTail(40, 5)).toBeLessThan(1e-15);
  });

  it("combines signals as a noisy-OR in [0,1]", () => {
    expect(compositeScore([])).toBe(0);
    expect(compositeScore([{ name: "a", weight: 0.5 }, { name: "b", weight: 0.5 }])).toBeCloseTo(0.75, 10);
    expect(compositeScore([{ name: "a", weight: 1.7 }])).toBe(1);
  });
});

describe("a service's window against its own baseline", () => {
  /** One window of `total` records, `errors` of them errors of one template. */
  function windowOf(total: number, errors: number): ServiceWindow {
    const w = newServiceWindow();
    w.total = total;
    w.errors = errors;
    if (errors > 0) {
      w.families.timeout = { count: errors, weightSum: errors * 0.5, phrase: "timeout" };
      w.templates.t = { template: "timeout while refreshing <*>", errors, weightSum: errors * 0.5 };
    }
    return w;
  }

  it("does not count a chronically flaky service (a steady 5 % of errors) as failing by chance", () => {
    const tuning = detectionTuningSchema.parse({});
    const rng = new Random(5);
    const history = newServiceHistory(0);
    let elevated = 0;
    const windows = 2000;
    for (let i = 0; i < windows; i++) {
      const total = rng.int(100, 160);
      let errors = 0;
      for (let r = 0; r < total; r++) if (rng.chance(0.05)) errors++;
      const f = evaluateWindow("flaky", windowOf(total, errors), history, i, (i + 1) * 10_000 + 600_000, tuning);
      if (i >= tuning.minBaselineWindows && f.elevated) elevated++;
    }
    // At most the test's own rate (0.001 a window): 2 expected in 2000; the old two-sigma rule gave ~50.
    expect(elevated).toBeLessThanOrEqual(6);
    // A real failure of the same service clears it at once.
    expect(evaluateWindow("flaky", windowOf(130, 40), history, windows, (windows + 1) * 10_000 + 600_000, tuning).elevated).toBe(true);
  });
});
