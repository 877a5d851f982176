import { Counter, type Registry } from "prom-client";
import type { OtlpSignal } from "./sink";

export type Transport = "http" | "grpc";

/** Why a receiver refused a whole request. */
export type RefusalReason =
  | "malformed"
  | "oversized"
  | "unauthenticated"
  | "forbidden"
  | "overloaded"
  | "unsupported_media_type"
  | "not_found"
  | "method_not_allowed"
  | "internal";

/** Receiver counters on the registry passed in, plus a plain snapshot for the start-up banner. */
export class ReceiverMetrics {
  private readonly requests: Counter<"transport" | "outcome">;
  private readonly records: Counter<"transport" | "outcome">;
  private readonly spans: Counter<"transport" | "outcome">;
  private readonly refusals: Counter<"transport" | "reason">;
  /** `accepted` / `rejected` count log records; spans are counted apart so the log rate stays a log rate. */
  readonly totals = { requests: 0, accepted: 0, rejected: 0, refused: 0, acceptedSpans: 0, rejectedSpans: 0 };

  constructor(registry: Registry) {
    this.requests = new Counter({
      name: "logclaw_receiver_requests_total",
      help: "OTLP export requests by transport and outcome (ok, partial, refused).",
      labelNames: ["transport", "outcome"],
      registers: [registry],
    });
    this.records = new Counter({
      name: "logclaw_receiver_log_records_total",
      help: "Log records received by transport and outcome (accepted, rejected).",
      labelNames: ["transport", "outcome"],
      registers: [registry],
    });
    this.spans = new Counter({
      name: "logclaw_receiver_spans_total",
      help: "Spans received by transport and outcome (accepted, rejected).",
      labelNames: ["transport", "outcome"],
      registers: [registry],
    });
    this.refusals = new Counter({
      name: "logclaw_receiver_refused_requests_total",
      help: "Whole OTLP requests refused, by reason.",
      labelNames: ["transport", "reason"],
      registers: [registry],
    });
  }

  exported(transport: Transport, signal: OtlpSignal, accepted: number, rejected: number): void {
    this.totals.requests += 1;
    if (signal === "logs") {
      this.totals.accepted += accepted;
      this.totals.rejected += rejected;
    } else {
      this.totals.acceptedSpans += accepted;
      this.totals.rejectedSpans += rejected;
    }
    this.requests.inc({ transport, outcome: rejected > 0 ? "partial" : "ok" });
    const counter = signal === "logs" ? this.records : this.spans;
    counter.inc({ transport, outcome: "accepted" }, accepted);
    if (rejected > 0) counter.inc({ transport, outcome: "rejected" }, rejected);
  }

  refused(transport: Transport, reason: RefusalReason): void {
    this.totals.requests += 1;
    this.totals.refused += 1;
    this.requests.inc({ transport, outcome: "refused" });
    this.refusals.inc({ transport, reason });
  }
}
