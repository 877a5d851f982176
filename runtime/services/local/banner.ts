import type { LiveStats } from "../../dashboard/live-feed";

export interface BannerInfo {
  version: string;
  dashboardUrl: string;
  otlpHttpUrl: string;
  otlpGrpcUrl: string;
  dataDir: string;
  ticketsDir: string;
  apiKeyRequired: boolean;
  ticketing: string;
  rca: string;
}

const bold = (s: string, color: boolean): string => (color ? `\x1b[1m${s}\x1b[22m` : s);
const accent = (s: string, color: boolean): string => (color ? `\x1b[38;5;99m${s}\x1b[39m` : s);
const dim = (s: string, color: boolean): string => (color ? `\x1b[2m${s}\x1b[22m` : s);

/** The start-up banner: where to look and where to send logs and traces. */
export function renderBanner(info: BannerInfo, color: boolean): string {
  const row = (label: string, value: string): string => `  ${dim(label.padEnd(12), color)} ${value}`;
  return [
    "",
    `  ${accent(bold("LogClaw", color), color)} ${dim(`v${info.version} · local mode`, color)}`,
    "",
    row("Dashboard", bold(info.dashboardUrl, color)),
    row("OTLP/HTTP", `${info.otlpHttpUrl}/v1/logs, /v1/traces ${dim("(protobuf or JSON, gzip)", color)}`),
    row("OTLP/gRPC", info.otlpGrpcUrl),
    row("API key", info.apiKeyRequired ? "required in x-logclaw-api-key" : dim("not required (set --api-key or LOGCLAW_API_KEY)", color)),
    row("Data", info.dataDir),
    row("Tickets", `${info.ticketing}`),
    row("RCA", info.rca),
    "",
    `  ${dim("Try it:", color)} npm run demo ${dim(`· or point any OpenTelemetry SDK at ${info.otlpHttpUrl}`, color)}`,
    "",
  ].join("\n");
}

/** One line of live counters, rewritten in place on a terminal. */
export function renderCounters(stats: LiveStats, color: boolean): string {
  const n = (v: number): string => bold(new Intl.NumberFormat("en").format(Math.round(v)), color);
  return `  ${accent("●", color)} ${n(stats.logs)} logs · ${n(stats.logsPerSecond)}/s · ${n(stats.incidents)} incidents (${n(stats.openIncidents)} open) · ${n(stats.tickets)} tickets · ${n(stats.rejected + stats.refused)} refused`;
}
