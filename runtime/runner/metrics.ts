import { Counter, Gauge, type Registry } from "prom-client";
import { INCIDENT_SEVERITIES } from "../../contracts/records";
import { TIME_ADJUSTMENTS } from "../bridge/normalize";
import type { DeliveredBatch } from "./runner";

/** Size of the log store: documents, and bytes on disk when the store can tell cheaply. */
export interface LogStoreSize {
  records: number;
  bytes: number | null;
}

export interface DetectionMetricsOptions {
  registry: Registry;
  /** Read at scrape time; throws or rejects when the store cannot answer (the scrape keeps the last value). */
  storeSize: () => LogStoreSize | Promise<LogStoreSize>;
}

/**
 * What detection did, the same for every assembly of the runner (local mode, the Kafka bridge):
 * incidents opened and resolved, windows closed, records placed at their received time, how far
 * event time trails the wall clock when a batch is processed, and how large the log store is.
 */
export class DetectionMetrics {
  private readonly opened: Counter<"severity">;
  private readonly resolved: Counter<"severity">;
  private readonly windowsClosed: Counter;
  private readonly timeAdjusted: Counter<"reason">;
  private readonly lag: Gauge<"pipeline">;

  constructor(options: DetectionMetricsOptions) {
    const registers = [options.registry];
    this.opened = new Counter({ name: "logclaw_incidents_opened_total", help: "Incidents opened, by severity at opening.", labelNames: ["severity"], registers });
    this.resolved = new Counter({ name: "logclaw_incidents_resolved_total", help: "Incidents resolved after their quiet period, by severity.", labelNames: ["severity"], registers });
    this.windowsClosed = new Counter({ name: "logclaw_detection_windows_closed_total", help: "Detection windows closed (by later records, the wall clock or shutdown).", registers });
    this.timeAdjusted = new Counter({
      name: "logclaw_event_time_adjusted_total",
      help: "Accepted records placed at their received time instead of their own timestamp, by reason (ahead, behind, unset, invalid).",
      labelNames: ["reason"],
      registers,
    });
    this.lag = new Gauge({
      name: "logclaw_pipeline_lag_seconds",
      help: "Wall clock minus the newest event time when the pipeline last processed records: how far detection trails real time.",
      labelNames: ["pipeline"],
      registers,
    });
    // Every series exists from the start, so a rate() over them never begins with a gap.
    for (const severity of INCIDENT_SEVERITIES) {
      this.opened.inc({ severity }, 0);
      this.resolved.inc({ severity }, 0);
    }
    for (const reason of TIME_ADJUSTMENTS) this.timeAdjusted.inc({ reason }, 0);
    let last: LogStoreSize | null = null;
    const size = async (): Promise<LogStoreSize | null> => {
      try {
        last = await options.storeSize();
      } catch {
        // An unreachable store must not fail the whole scrape; the gauges keep their last value.
      }
      return last;
    };
    new Gauge({
      name: "logclaw_log_store_records",
      help: "Log documents in the store.",
      registers,
      async collect() {
        const s = await size();
        if (s) this.set(s.records);
      },
    });
    new Gauge({
      name: "logclaw_log_store_bytes",
      help: "Bytes the log store occupies (primary copies).",
      registers,
      async collect() {
        const s = last ?? (await size());
        if (s?.bytes !== null && s?.bytes !== undefined) this.set(s.bytes);
      },
    });
  }

  /** Counts what a delivered batch did. */
  record(batch: DeliveredBatch): void {
    for (const e of batch.incidentEvents) {
      if (e.type === "opened") this.opened.inc({ severity: e.incident.severity });
      else if (e.type === "resolved") this.resolved.inc({ severity: e.incident.severity });
    }
    if (batch.windowsClosed > 0) this.windowsClosed.inc(batch.windowsClosed);
    for (const reason of TIME_ADJUSTMENTS) if (batch.timeAdjustments[reason] > 0) this.timeAdjusted.inc({ reason }, batch.timeAdjustments[reason]);
  }

  /** After a pipeline processed records: how far the newest event time among them trails the wall clock. */
  observeLag(pipeline: string, nowMs: number, batch: DeliveredBatch): void {
    let newest = Number.NEGATIVE_INFINITY;
    for (const d of batch.documents) newest = Math.max(newest, Date.parse(d["@timestamp"]));
    if (Number.isFinite(newest)) this.lag.set({ pipeline }, Math.max(0, nowMs - newest) / 1000);
  }
}
