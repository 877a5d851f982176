import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sharedPath } from "../../support/shared";

/**
 * The Nezha TrainTicket day (../shared/datasets/nezha-trainticket) as OTLP/JSON export requests, the
 * way an OpenTelemetry Collector would ship it: a filelog receiver that parses the level out of each
 * container line (severity text only; nothing else is interpreted) and the traces the services
 * exported. The data set has no span kind and no span status, so neither is invented here.
 */

export interface NezhaFault {
  injectMs: number;
  /** The faulty pod's service (PodName without its two trailing hash segments). */
  service: string;
  pod: string;
  type: string;
}

export interface NezhaLog {
  timeMs: number;
  timeUnixNano: string;
  pod: string;
  node: string;
  container: string;
  traceId: string;
  spanId: string;
  level: string;
  line: string;
}

export interface NezhaSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  pod: string;
  name: string;
  startUnixNano: string;
  endUnixNano: string;
  endMs: number;
}

export interface NezhaDay {
  faults: NezhaFault[];
  logs: NezhaLog[];
  spans: NezhaSpan[];
  /** Event-time minutes covered by data: [start, start + 60 s) per minute file, fault-free ones flagged. */
  minutes: { startMs: number; faultFree: boolean }[];
}

export const NEZHA_ARCHIVE = sharedPath("datasets", "nezha-trainticket", "trainticket-2023-01-30.tgz");
const DAY = "2023-01-30";

/** Extracts the archive once into a cache folder outside the repository (keyed by the archive's size and mtime). */
export function extractNezha(archive = NEZHA_ARCHIVE): string {
  if (!existsSync(archive)) throw new Error(`nezha: data set not found at ${archive}`);
  const st = statSync(archive);
  const key = createHash("sha256").update(`${archive}:${st.size}:${st.mtimeMs}`).digest("hex").slice(0, 12);
  const dir = join(tmpdir(), `logclaw-nezha-${key}`);
  if (existsSync(join(dir, "rca_data"))) return dir;
  const staging = `${dir}.tmp-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  execFileSync("tar", ["xzf", archive, "-C", staging]);
  rmSync(dir, { recursive: true, force: true });
  renameSync(staging, dir);
  return dir;
}

/** RFC 4180 CSV: quoted fields with doubled quotes, embedded commas and newlines. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") {
      row.push(field);
      field = "";
    } else if (c === "\n" || c === "\r") {
      if (c === "\r" && text[i + 1] === "\n") i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
    } else field += c;
  }
  if (field !== "" || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

function records(path: string): Record<string, string>[] {
  const [header, ...rows] = parseCsv(readFileSync(path, "utf8"));
  return rows.filter((r) => r.length === header.length).map((r) => Object.fromEntries(header.map((h, i) => [h, r[i]])));
}

/** `ts-travel-service-64469b5b48-25zj6` -> `ts-travel-service`. */
export function serviceOfPod(pod: string): string {
  return pod.split("-").slice(0, -2).join("-");
}

const LINE = /^\d{2}:\d{2}:\d{2}\.\d+\s+([A-Z]+)\s/;

/** One container log row; Docker's `time` is the timestamp (a few rows overflow `TimeUnixNano`). */
export function logOf(row: Record<string, string>): NezhaLog | null {
  let docker: { log?: string; time?: string };
  try {
    docker = JSON.parse(row.Log) as { log?: string; time?: string };
  } catch {
    return null;
  }
  const line = (docker.log ?? "").replace(/\s+$/, "");
  const time = docker.time ?? row.Timestamp;
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?Z$/.exec(time);
  if (!m || line === "") return null;
  const seconds = Date.parse(`${m[1]}Z`) / 1000;
  const nanos = (m[2] ?? "").padEnd(9, "0");
  const timeUnixNano = `${seconds}${nanos}`;
  return {
    timeMs: seconds * 1000 + Number(nanos.slice(0, 3)),
    timeUnixNano,
    pod: row.PodName,
    node: row.Node,
    container: row.Container,
    traceId: /^[0-9a-f]{32}$/.test(row.TraceID) ? row.TraceID : "",
    spanId: /^[0-9a-f]{16}$/.test(row.SpanID) ? row.SpanID : "",
    level: LINE.exec(line)?.[1] ?? "",
    line,
  };
}

export function spanOf(row: Record<string, string>): NezhaSpan | null {
  if (!/^[0-9a-f]{32}$/.test(row.TraceID) || !/^[0-9a-f]{16}$/.test(row.SpanID)) return null;
  if (!/^\d+$/.test(row.StartTimeUnixNano) || !/^\d+$/.test(row.EndTimeUnixNano)) return null;
  return {
    traceId: row.TraceID,
    spanId: row.SpanID,
    parentSpanId: row.ParentID === "root" ? "" : row.ParentID,
    pod: row.PodName,
    name: row.OperationName,
    startUnixNano: row.StartTimeUnixNano,
    endUnixNano: row.EndTimeUnixNano,
    endMs: Number(row.EndTimeUnixNano.slice(0, -6)),
  };
}

function minuteStart(file: string): number {
  const [hh, mm] = file.split("_");
  return Date.parse(`${DAY}T${hh}:${mm}:00Z`);
}

export function loadNezha(root = extractNezha()): NezhaDay {
  const faultList = JSON.parse(readFileSync(join(root, "rca_data", DAY, `${DAY}-fault_list.json`), "utf8")) as Record<
    string,
    { inject_time: string; inject_pod: string; inject_type: string }[]
  >;
  const faults = Object.values(faultList)
    .flat()
    // inject_time is naive UTC (it matches the logs); inject_timestamp is 8 hours off.
    .map((f) => ({ injectMs: Date.parse(`${f.inject_time.replace(" ", "T")}Z`), service: serviceOfPod(f.inject_pod), pod: f.inject_pod, type: f.inject_type }))
    .sort((a, b) => a.injectMs - b.injectMs);
  const logs: NezhaLog[] = [];
  const spans: NezhaSpan[] = [];
  const minutes: NezhaDay["minutes"] = [];
  for (const [part, faultFree] of [
    ["construct_data", true],
    ["rca_data", false],
  ] as const) {
    for (const file of readdirSync(join(root, part, DAY, "log")).sort()) {
      minutes.push({ startMs: minuteStart(file), faultFree });
      for (const row of records(join(root, part, DAY, "log", file))) {
        const log = logOf(row);
        if (log) logs.push(log);
      }
    }
    for (const file of readdirSync(join(root, part, DAY, "trace")).sort()) {
      for (const row of records(join(root, part, DAY, "trace", file))) {
        const span = spanOf(row);
        if (span) spans.push(span);
      }
    }
  }
  logs.sort((a, b) => a.timeMs - b.timeMs);
  minutes.sort((a, b) => a.startMs - b.startMs);
  return { faults, logs, spans: completeTraces(spans, minutes).sort((a, b) => a.endMs - b.endMs), minutes };
}

/**
 * The data set cuts every minute file by time, and runs of minute files are separated by gaps, so a
 * trace that began before its run started has lost the spans that ended in the missing minutes (a
 * parent without its children looks as if all of its time were its own). A collector would have seen
 * them whole; such traces are left out rather than fed in broken.
 */
function completeTraces(spans: NezhaSpan[], minutes: NezhaDay["minutes"]): NezhaSpan[] {
  const runStart = new Map<number, number>();
  let start = Number.NaN;
  let previous = Number.NaN;
  for (const m of minutes) {
    if (m.startMs !== previous + 60_000) start = m.startMs;
    runStart.set(m.startMs, start);
    previous = m.startMs;
  }
  const earliest = new Map<string, number>();
  const latest = new Map<string, number>();
  for (const s of spans) {
    const startMs = Number(s.startUnixNano.slice(0, -6));
    earliest.set(s.traceId, Math.min(earliest.get(s.traceId) ?? Infinity, startMs));
    latest.set(s.traceId, Math.max(latest.get(s.traceId) ?? -Infinity, s.endMs));
  }
  return spans.filter((s) => {
    const end = latest.get(s.traceId) as number;
    const run = runStart.get(Math.floor(end / 60_000) * 60_000);
    return run !== undefined && (earliest.get(s.traceId) as number) >= run;
  });
}

function resource(pod: string, node: string, container: string): Record<string, unknown> {
  return {
    attributes: [
      { key: "service.name", value: { stringValue: serviceOfPod(pod) } },
      { key: "k8s.pod.name", value: { stringValue: pod } },
      { key: "k8s.node.name", value: { stringValue: node } },
      { key: "k8s.container.name", value: { stringValue: container } },
    ],
  };
}

/**
 * OTLP/JSON request lines in event order: per `flushMs` of event time one logs request (records by
 * pod) and one traces request (spans by pod, placed at their end time, when an SDK exports them).
 */
export function toOtlpLines(day: NezhaDay, flushMs = 1000): string[] {
  const nodeOf = new Map<string, string>();
  for (const l of day.logs) nodeOf.set(l.pod, l.node);
  const batches = new Map<number, { logs: NezhaLog[]; spans: NezhaSpan[] }>();
  const batch = (ms: number) => {
    const key = Math.floor(ms / flushMs);
    let b = batches.get(key);
    if (!b) batches.set(key, (b = { logs: [], spans: [] }));
    return b;
  };
  for (const l of day.logs) batch(l.timeMs).logs.push(l);
  for (const s of day.spans) batch(s.endMs).spans.push(s);
  const lines: string[] = [];
  for (const key of [...batches.keys()].sort((a, b) => a - b)) {
    const b = batches.get(key) as { logs: NezhaLog[]; spans: NezhaSpan[] };
    if (b.logs.length > 0) {
      const byPod = groupBy(b.logs, (l) => l.pod);
      lines.push(
        JSON.stringify({
          resourceLogs: [...byPod].map(([pod, logs]) => ({
            resource: resource(pod, logs[0].node, logs[0].container),
            scopeLogs: [
              {
                scope: { name: "filelog" },
                logRecords: logs.map((l) => ({
                  timeUnixNano: l.timeUnixNano,
                  observedTimeUnixNano: l.timeUnixNano,
                  severityText: l.level,
                  body: { stringValue: l.line },
                  ...(l.traceId ? { traceId: l.traceId } : {}),
                  ...(l.spanId ? { spanId: l.spanId } : {}),
                })),
              },
            ],
          })),
        }),
      );
    }
    if (b.spans.length > 0) {
      const byPod = groupBy(b.spans, (s) => s.pod);
      lines.push(
        JSON.stringify({
          resourceSpans: [...byPod].map(([pod, spans]) => ({
            resource: resource(pod, nodeOf.get(pod) ?? "", "server"),
            scopeSpans: [
              {
                scope: { name: "trainticket" },
                spans: spans.map((s) => ({
                  traceId: s.traceId,
                  spanId: s.spanId,
                  ...(s.parentSpanId ? { parentSpanId: s.parentSpanId } : {}),
                  name: s.name,
                  startTimeUnixNano: s.startUnixNano,
                  endTimeUnixNano: s.endUnixNano,
                })),
              },
            ],
          })),
        }),
      );
    }
  }
  return lines;
}

function groupBy<T>(items: readonly T[], key: (t: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = out.get(k);
    if (list) list.push(item);
    else out.set(k, [item]);
  }
  return out;
}
