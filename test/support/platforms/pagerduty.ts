import { check, FakePlatform, requireJson, ShapeError, type RecordedRequest, type Reply } from "./server";

export interface FakePdAlert {
  dedupKey: string;
  status: "triggered" | "resolved";
  events: any[]; // eslint-disable-line @typescript-eslint/no-explicit-any -- event payloads as sent
}

const SEVERITIES = ["critical", "error", "warning", "info"];

/**
 * PagerDuty Events API v2 (`POST /v2/enqueue`): no auth header, the routing key in the body; trigger
 * needs payload.summary (<= 1024), source and severity; acknowledge/resolve need a dedup_key;
 * 202 {status, message, dedup_key}; 400 {status: "invalid event", errors}. Served over https.
 */
export class FakePagerDuty extends FakePlatform {
  readonly alerts = new Map<string, FakePdAlert>();

  constructor(private readonly routingKey: string) {
    super();
  }

  protected route(r: RecordedRequest): Reply {
    if (r.method !== "POST" || r.path !== "/v2/enqueue") throw new ShapeError(`unknown endpoint ${r.method} ${r.path}`, 404);
    const invalid = (message: string) => new ShapeError(message, 400, { status: "invalid event", message: "Event object is invalid", errors: [message] });
    try {
      requireJson(r);
    } catch (err) {
      throw invalid((err as Error).message);
    }
    const e = r.body;
    if (e.routing_key !== this.routingKey) throw invalid("'routing_key' is invalid");
    if (!["trigger", "acknowledge", "resolve"].includes(e.event_action)) throw invalid("'event_action' is invalid");
    if (e.dedup_key !== undefined && (typeof e.dedup_key !== "string" || e.dedup_key.length > 255)) throw invalid("'dedup_key' is invalid");
    if (e.event_action === "trigger") {
      const p = e.payload;
      if (!p || typeof p.summary !== "string" || p.summary.length === 0 || p.summary.length > 1024) throw invalid("'payload.summary' is missing or too long");
      if (typeof p.source !== "string" || p.source.length === 0) throw invalid("'payload.source' is missing");
      if (!SEVERITIES.includes(p.severity)) throw invalid("'payload.severity' is invalid");
      const dedupKey = e.dedup_key ?? `generated-${this.alerts.size + 1}`;
      const alert = this.alerts.get(dedupKey);
      if (alert && alert.status === "triggered") alert.events.push(e);
      else this.alerts.set(dedupKey, { dedupKey, status: "triggered", events: [e] });
      return { status: 202, body: { status: "success", message: "Event processed", dedup_key: dedupKey } };
    }
    check(typeof e.dedup_key === "string", "'dedup_key' is required for acknowledge and resolve");
    const alert = this.alerts.get(e.dedup_key);
    if (alert && e.event_action === "resolve") {
      alert.status = "resolved";
      alert.events.push(e);
    }
    return { status: 202, body: { status: "success", message: "Event processed", dedup_key: e.dedup_key } };
  }
}
