import type { Random } from "./random";
import type { FailureKind } from "./types";

/** How an injected failure changes a service while it is active. */
export interface FailureEffect {
  id: string;
  kind: FailureKind;
  service: string;
  startMs: number;
  endMs: number;
  /** Share of requests that fail at the service (for kinds that do not take it down). */
  errorRate: number;
  /** Status the service answers with when a request fails; 200 means callers do not notice. */
  status: number;
  /** Extra latency of a failing request (timeouts). */
  delayMs: number;
  /** Extra latency of every request (the latency kind). */
  slowMs: number;
  /** Callers do not notice in their logs: they fall back silently (their client spans still fail). */
  silent: boolean;
  /** Crash-like kinds: periods in which the process is dead (callers get connection refused). */
  downtimes: [number, number][];
  /** The error line the service writes for a failing request. */
  message: (rng: Random, n: number) => string;
  severityNumber: number;
  attributes: Record<string, string>;
}

const JAVA_STACK = "\n\tat java.util.Arrays.copyOf(Arrays.java:3236)\n\tat com.shop.cart.CartSerializer.write(CartSerializer.java:88)";
const GO_STACK = "\n\ngoroutine 1 [running]:\nmain.(*Handler).Reserve(0x0, 0xc000112000)\n\t/app/handler.go:142 +0x1d";

export function failureEffect(kind: FailureKind, id: string, service: string, startMs: number, endMs: number, rng: Random): FailureEffect {
  const base = { id, kind, service, startMs, endMs, errorRate: 0, status: 500, delayMs: 0, slowMs: 0, silent: false, downtimes: [] as [number, number][], severityNumber: 17, attributes: {} };
  const silent = { ...base, silent: true, status: 200, severityNumber: 9, message: () => "" };
  switch (kind) {
    case "oom":
    case "crash": {
      // A crash loop: the process dies, is dead for a while, restarts, and dies again.
      const downtimes: [number, number][] = [];
      let t = startMs;
      while (t < endMs - 10_000) {
        const down = rng.int(15_000, 30_000);
        downtimes.push([t, Math.min(endMs, t + down)]);
        t += down + rng.int(20_000, 50_000);
      }
      return {
        ...base,
        downtimes,
        severityNumber: 21,
        message:
          kind === "oom"
            ? (_r, n) => `java.lang.OutOfMemoryError: Java heap space while serializing cart ${n}${JAVA_STACK}`
            : (_r, n) => `panic: runtime error: invalid memory address or nil pointer dereference [signal SIGSEGV: segmentation violation code=0x1 addr=0x${(n % 4096).toString(16)}]${GO_STACK}`,
        attributes: kind === "oom" ? { "exception.type": "java.lang.OutOfMemoryError" } : {},
      };
    }
    case "resource_exhaustion":
      return {
        ...base,
        errorRate: 0.7,
        status: 503,
        message: (r) =>
          `HikariPool-1 - Connection is not available, request timed out after 3000ms: connection pool exhausted (active=50, idle=0, waiting=${r.int(40, 200)})`,
      };
    case "database":
      return {
        ...base,
        errorRate: 0.5,
        status: 500,
        message: (_r, n) => `ERROR: deadlock detected (SQLSTATE 40P01) while updating row ${n % 10000} in table stock_reservations`,
      };
    case "timeout":
      return {
        ...base,
        errorRate: 0.6,
        status: 504,
        delayMs: 5000,
        message: (r) => `query to index shard ${r.int(0, 7)} timed out after 5000ms`,
      };
    case "connection":
      return {
        ...base,
        errorRate: 0.8,
        status: 503,
        message: (r) => `redis: dial tcp 10.0.3.${r.int(2, 9)}:6379: connect: connection refused`,
      };
    case "dependency":
      return {
        ...base,
        errorRate: 0.6,
        status: 502,
        message: (r) => `settlement provider bank-gw returned 503 Service Unavailable after ${r.int(20, 400)}ms`,
      };
    case "auth":
      return {
        ...base,
        errorRate: 0.9,
        status: 500,
        message: () => "x509: certificate has expired or is not yet valid when verifying identity provider token signature",
      };
    case "new_error_template":
      // A brand-new error with no failure word, which the service logs but does not surface to callers.
      return {
        ...base,
        errorRate: 0.5,
        status: 200,
        message: (r, n) => `journal entry ${n} rejected: balance mismatch between journal and snapshot (delta=${r.int(1, 900)}.${r.int(10, 99)})`,
      };
    case "latency":
      // A noisy neighbour or a lost index: every request's own work takes several times longer.
      return { ...silent, slowMs: rng.int(120, 300) };
    case "vanished_logs":
      return { ...silent, errorRate: rng.int(60, 90) / 100 };
    case "template_mix":
      // The share of requests taking the service's alternative path (normally about a tenth).
      return { ...silent, errorRate: rng.int(70, 95) / 100 };
    case "caller_only_errors":
      return { ...silent, errorRate: rng.int(40, 70) / 100, status: 0 };
    case "silent_errors":
      return { ...silent, errorRate: rng.int(40, 70) / 100, status: 500, message: (r, n) => `request ${n} completed with result code ${r.int(17, 19)}` };
  }
}

export function isDown(effect: FailureEffect, t: number): boolean {
  return effect.downtimes.some(([a, b]) => t >= a && t < b);
}
