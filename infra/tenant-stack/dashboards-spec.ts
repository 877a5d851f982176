import { createHash } from "node:crypto";
import { RAW_TOPICS } from "../../contracts/topics";

/**
 * The tenant's Grafana dashboard (JSON model) and its URL. Grafana's dashboard sidecar loads every
 * ConfigMap labelled `grafana_dashboard: "1"`, so each tenant ships its own.
 */

/** Grafana dashboard uids are at most 40 characters. */
export function dashboardUid(tenantId: string): string {
  const uid = `logclaw-${tenantId}`;
  return uid.length <= 40 ? uid : `logclaw-${createHash("sha256").update(tenantId).digest("hex").slice(0, 24)}`;
}

export function dashboardSlug(tenantId: string): string {
  return `logclaw-${tenantId}`;
}

/** `<grafanaUrl>/d/<uid>/<slug>?var-tenant=<id>&from=now-6h&to=now`. */
export function dashboardUrl(grafanaUrl: string, tenantId: string): string {
  const base = grafanaUrl.replace(/\/+$/, "");
  const query = new URLSearchParams({ "var-tenant": tenantId, from: "now-6h", to: "now" });
  return `${base}/d/${dashboardUid(tenantId)}/${dashboardSlug(tenantId)}?${query.toString()}`;
}

function panel(id: number, title: string, expr: string, x: number, y: number): Record<string, unknown> {
  return {
    id,
    title,
    type: "timeseries",
    datasource: { type: "prometheus", uid: "${datasource}" },
    gridPos: { x, y, w: 12, h: 8 },
    targets: [{ refId: "A", expr }],
  };
}

export function buildDashboard(tenantId: string): Record<string, unknown> {
  const t = 'tenant="$tenant"';
  return {
    uid: dashboardUid(tenantId),
    title: `LogClaw: ${tenantId}`,
    tags: ["logclaw", `tenant:${tenantId}`],
    schemaVersion: 39,
    time: { from: "now-6h", to: "now" },
    templating: {
      list: [
        { name: "datasource", type: "datasource", query: "prometheus" },
        {
          name: "tenant",
          type: "custom",
          query: tenantId,
          current: { text: tenantId, value: tenantId },
          options: [{ text: tenantId, value: tenantId, selected: true }],
        },
      ],
    },
    panels: [
      panel(1, "Logs ingested per second", `sum(rate(logclaw_bridge_records_accepted_total{${t}}[5m]))`, 0, 0),
      panel(2, "Dead letters per second by reason", `sum by (reason) (rate(logclaw_bridge_dead_letters_total{${t}}[5m]))`, 12, 0),
      panel(3, "Incidents opened by severity", `sum by (severity) (increase(logclaw_incidents_opened_total{${t}}[1h]))`, 0, 8),
      panel(4, "Tickets filed by platform", `sum by (platform) (increase(logclaw_tickets_created_total{${t}}[1h]))`, 12, 8),
      panel(5, `Kafka consumer lag (${RAW_TOPICS.join(", ")})`, `sum by (topic) (kafka_consumergroup_lag{namespace="logclaw-${tenantId}",topic=~"${RAW_TOPICS.join("|")}"})`, 0, 16),
      panel(
        6,
        "Collector refused log records and spans",
        `sum(rate({__name__=~"otelcol_receiver_refused_(log_records|spans)_total",namespace="logclaw-${tenantId}"}[5m]))`,
        12,
        16,
      ),
    ],
  };
}
