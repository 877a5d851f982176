// LogClaw dashboard: a dependency-free single-page app over the HTTP API (ARCHITECTURE.md) plus
// the dashboard's own /api/overview and /api/events (server-sent events for live updates).

const view = document.getElementById("view");
const SEVERITY_ORDER = { critical: 0, high: 1, medium: 2, low: 3 };
const LOG_LEVELS = ["trace", "debug", "info", "warn", "error", "fatal"];

const state = { overview: null, lastRoute: "", logQuery: { q: "", service: "", severity: "", range: "60" } };

// ---------- helpers ----------

function esc(value) {
  return String(value ?? "").replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
}

async function postJson(path, body) {
  const res = await fetch(path, { method: "POST", headers: { "content-type": "application/json", accept: "application/json" }, body: JSON.stringify(body ?? {}) });
  const data = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(data.error ?? `${path}: HTTP ${res.status}`);
  return data;
}

async function getJson(path) {
  const res = await fetch(path, { headers: { accept: "application/json" } });
  if (res.status === 401) {
    // The key protects this LogClaw and this browser session holds none (yet): log in, then come back.
    location.href = `/login?next=${encodeURIComponent(location.pathname + location.hash)}`;
    throw new Error("login required");
  }
  if (!res.ok) throw new Error(`${path}: HTTP ${res.status}`);
  return res.json();
}

function listOf(data, ...keys) {
  if (Array.isArray(data)) return data;
  for (const key of keys) if (data && Array.isArray(data[key])) return data[key];
  return [];
}

function relTime(iso) {
  if (!iso) return "—";
  const diff = (Date.now() - Date.parse(iso)) / 1000;
  if (Number.isNaN(diff)) return esc(iso);
  const abs = Math.abs(diff);
  const unit = abs < 60 ? [Math.round(abs), "s"] : abs < 3600 ? [Math.round(abs / 60), "m"] : abs < 86400 ? [Math.round(abs / 3600), "h"] : [Math.round(abs / 86400), "d"];
  return diff >= 0 ? `${unit[0]}${unit[1]} ago` : `in ${unit[0]}${unit[1]}`;
}

// ---------- time zone: every time shown carries its zone; UTC or the browser's, chosen in the top bar ----------

const TZ_KEY = "logclaw.timezone";
function zoneMode() {
  return localStorage.getItem(TZ_KEY) === "local" ? "local" : "utc";
}

/** Short name of the zone times are shown in at `d` (UTC, or e.g. CET / GMT+1). */
function zoneName(d = new Date()) {
  if (zoneMode() === "utc") return "UTC";
  return new Intl.DateTimeFormat("en", { timeZoneName: "short" }).formatToParts(d).find((p) => p.type === "timeZoneName")?.value ?? "local";
}

function pad(n, w = 2) {
  return String(n).padStart(w, "0");
}

/** `2026-12-07 08:50:12.123 UTC` in the chosen zone. */
function clock(iso, withMs = true) {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return esc(iso);
  const utc = zoneMode() === "utc";
  const [y, mo, da, h, mi, se, ms] = utc
    ? [d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate(), d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds(), d.getUTCMilliseconds()]
    : [d.getFullYear(), d.getMonth() + 1, d.getDate(), d.getHours(), d.getMinutes(), d.getSeconds(), d.getMilliseconds()];
  return `${y}-${pad(mo)}-${pad(da)} ${pad(h)}:${pad(mi)}:${pad(se)}${withMs ? `.${pad(ms, 3)}` : ""} ${zoneName(d)}`;
}

/** A `datetime-local` input value for an ISO time, in the chosen zone (and back). */
function toInputTime(iso) {
  if (!iso) return "";
  const d = new Date(iso);
  const shifted = zoneMode() === "utc" ? d : new Date(d.getTime() - d.getTimezoneOffset() * 60000);
  return shifted.toISOString().slice(0, 19);
}
function fromInputTime(value) {
  if (!value) return "";
  const d = zoneMode() === "utc" ? new Date(`${value}Z`) : new Date(value);
  return Number.isNaN(d.getTime()) ? "" : d.toISOString();
}

function fmt(n) {
  return new Intl.NumberFormat("en", { notation: n >= 100000 ? "compact" : "standard", maximumFractionDigits: 1 }).format(n ?? 0);
}

function pct(part, whole) {
  return whole > 0 ? (100 * part) / whole : 0;
}

function sev(severity) {
  return `<span class="sev sev-${esc(severity)}">${esc(severity)}</span>`;
}

function highlight(text, query) {
  const words = (query.match(/[\p{L}\p{N}_]+/gu) ?? []).map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
  if (words.length === 0) return esc(text);
  const re = new RegExp(`(${words.join("|")})`, "giu");
  return String(text)
    .split(re)
    .map((part, i) => (i % 2 === 1 ? `<mark>${esc(part)}</mark>` : esc(part)))
    .join("");
}

function ticketLinks(tickets) {
  if (!tickets || tickets.length === 0) return `<span class="muted">—</span>`;
  return tickets
    .map((t) => {
      const label = `${esc(t.platform ?? "ticket")} ${esc(t.externalId ?? t.key ?? t.id ?? "")}`;
      const href = t.externalUrl ?? t.url;
      const icon = `<svg width="13" height="13" viewBox="0 0 16 16" aria-hidden="true"><path fill="currentColor" d="M2 4a2 2 0 0 1 2-2h8a2 2 0 0 1 2 2v2a2 2 0 0 0 0 4v2a2 2 0 0 1-2 2H4a2 2 0 0 1-2-2v-2a2 2 0 0 0 0-4z"/></svg>`;
      return href
        ? `<a class="ticket-link" href="${esc(href)}" target="_blank" rel="noopener">${icon}${label}</a>`
        : `<span class="ticket-link">${icon}${label}</span>`;
    })
    .join("<br>");
}

// ---------- charts (uPlot, served from /assets/vendor/uplot) ----------

const charts = new Set();

function destroyCharts() {
  for (const chart of charts) chart.destroy();
  charts.clear();
}

/** Vertical markers (detection, first error, resolution) drawn over a time chart. */
function markerPlugin(markers) {
  return {
    hooks: {
      draw: [
        (u) => {
          const { ctx } = u;
          ctx.save();
          ctx.font = `${11 * devicePixelRatio}px system-ui, sans-serif`;
          for (const m of markers) {
            const x = Math.round(u.valToPos(m.at, "x", true));
            if (x < u.bbox.left || x > u.bbox.left + u.bbox.width) continue;
            ctx.strokeStyle = m.color;
            ctx.fillStyle = m.color;
            ctx.lineWidth = 2 * devicePixelRatio;
            ctx.setLineDash(m.dash ? [6 * devicePixelRatio, 4 * devicePixelRatio] : []);
            ctx.beginPath();
            ctx.moveTo(x, u.bbox.top);
            ctx.lineTo(x, u.bbox.top + u.bbox.height);
            ctx.stroke();
            ctx.fillText(m.label, x + 4 * devicePixelRatio, u.bbox.top + 12 * devicePixelRatio + m.row * 14 * devicePixelRatio);
          }
          ctx.restore();
        },
      ],
    },
  };
}

/** A time chart: `xs` in seconds; the axis follows the chosen time zone. */
function timeChart(el, { xs, series, bands = [], markers = [], height = 220, bars = false, onSelect }) {
  const UPlot = window.uPlot;
  if (!UPlot) {
    el.innerHTML = `<p class="muted">Chart library not loaded.</p>`;
    return null;
  }
  const opts = {
    width: Math.max(el.clientWidth, 300),
    height,
    tzDate: (ts) => (zoneMode() === "utc" ? UPlot.tzDate(new Date(ts * 1000), "Etc/UTC") : new Date(ts * 1000)),
    cursor: { drag: { x: !!onSelect, y: false, setScale: false } },
    legend: { show: true },
    scales: { x: { time: true } },
    axes: [
      { stroke: "#9096a8", grid: { stroke: "#2a2f40" }, ticks: { stroke: "#2a2f40" }, label: `time (${zoneName()})`, labelSize: 18 },
      { stroke: "#9096a8", grid: { stroke: "#2a2f40" }, ticks: { stroke: "#2a2f40" } },
    ],
    series: [
      { label: "time", value: (u, v) => (v == null ? "—" : clock(new Date(v * 1000).toISOString(), false)) },
      ...series.map(({ data: _data, band, ...s }) => ({ ...s, ...(bars && !band ? { paths: UPlot.paths.bars({ size: [0.9, 40] }) } : {}) })),
    ],
    bands,
    plugins: [markerPlugin(markers)],
    hooks: onSelect
      ? {
          setSelect: [
            (u) => {
              if (u.select.width < 4) return;
              onSelect(u.posToVal(u.select.left, "x"), u.posToVal(u.select.left + u.select.width, "x"));
            },
          ],
        }
      : {},
  };
  const chart = new UPlot(opts, [xs, ...series.map((s) => s.data)], el);
  charts.add(chart);
  return chart;
}

// ---------- live updates ----------

function renderStats(stats) {
  if (!stats) return;
  document.getElementById("stat-logs").textContent = fmt(stats.logs);
  document.getElementById("stat-rate").textContent = fmt(Math.round(stats.logsPerSecond ?? 0));
  document.getElementById("stat-incidents").textContent = fmt(stats.incidents);
  document.getElementById("stat-tickets").textContent = fmt(stats.tickets);
  document.getElementById("open-count").textContent = stats.openIncidents > 0 ? String(stats.openIncidents) : "";
  if (stats.tenant) document.getElementById("tenant").textContent = stats.tenant;
}

function connectLive() {
  const live = document.getElementById("live");
  const label = document.getElementById("live-label");
  const source = new EventSource("/api/events");
  source.addEventListener("open", () => {
    live.classList.add("on");
    label.textContent = "Live";
  });
  source.addEventListener("error", () => {
    live.classList.remove("on");
    label.textContent = "reconnecting…";
  });
  source.addEventListener("stats", (e) => renderStats(JSON.parse(e.data)));
  source.addEventListener("incident", () => refresh(true));
  source.addEventListener("ticket", () => refresh(true));
  // The services view follows the traffic itself.
  setInterval(() => {
    if (location.hash.startsWith("#/services")) refresh(true);
  }, 5000);
}

// ---------- incidents ----------

function isSnoozed(i) {
  const until = i.workflow?.snoozedUntil;
  return i.status !== "resolved" && !!until && Date.parse(until) > Date.now();
}

/** What people did, as small badges next to the status. */
function workflowBadges(i) {
  const w = i.workflow;
  if (!w) return "";
  const out = [];
  if (w.verdict === "not_an_incident") out.push(`<span class="badge badge-dismissed" title="${esc(w.verdictReason)}">not an incident</span>`);
  else if (w.acknowledgedAt) out.push(`<span class="badge badge-ack" title="by ${esc(w.acknowledgedBy)} at ${clock(w.acknowledgedAt)}">acknowledged</span>`);
  if (w.assignee) out.push(`<span class="badge" title="assignee">@${esc(w.assignee)}</span>`);
  if (isSnoozed(i)) out.push(`<span class="badge badge-snoozed">snoozed until ${clock(w.snoozedUntil, false)}</span>`);
  return out.join(" ");
}

async function renderIncidents() {
  const all = listOf(await getJson("/api/incidents?limit=200"), "incidents", "items");
  const showSnoozed = hashParams().get("snoozed") === "1";
  const snoozed = all.filter(isSnoozed);
  const incidents = showSnoozed ? all : all.filter((i) => !isSnoozed(i));
  const open = all.filter((i) => i.status !== "resolved" && !isSnoozed(i)).length;
  const confirmed = all.filter((i) => i.workflow?.verdict === "confirmed").length;
  const dismissed = all.filter((i) => i.workflow?.verdict === "not_an_incident").length;
  const head = `<div class="page-head"><div><h1>Incidents</h1><p id="incident-counts">${open} open · ${all.length} total · ${confirmed} confirmed · ${dismissed} not an incident · newest first</p></div>
    ${snoozed.length ? `<a class="button-link" href="#/incidents${showSnoozed ? "" : "?snoozed=1"}">${showSnoozed ? "Hide" : "Show"} ${snoozed.length} snoozed</a>` : ""}</div>`;
  if (all.length === 0) {
    view.innerHTML = `${head}<div class="panel empty"><h3>No incidents yet</h3>
      <p>Point an OpenTelemetry SDK at <code>http://localhost:4318</code> (or gRPC <code>:4317</code>),
      or run <code>npm run demo</code> to see LogClaw detect a failure.</p></div>`;
    return;
  }
  const rows = incidents
    .map(
      (i) => `<tr class="link" data-href="#/incidents/${encodeURIComponent(i.id)}" data-id="${esc(i.id)}">
      <td>${sev(i.severity)}</td>
      <td><div class="incident-title">${esc(i.title || i.template || i.family)}</div>
        <div class="incident-sub">${esc(i.family ?? "")} · ${esc(i.path ?? "")} detection · score ${(i.score ?? 0).toFixed(2)}</div></td>
      <td><b>${esc(i.rootCauseService)}</b>${i.rootCauseService !== i.service ? `<div class="incident-sub">seen in ${esc(i.service)}</div>` : ""}</td>
      <td>${(i.affectedServices ?? []).map((s) => `<span class="chip">${esc(s)}</span>`).join("") || `<span class="muted">—</span>`}</td>
      <td><span class="status status-${esc(i.status)}">${esc(i.status)}</span> ${workflowBadges(i)}</td>
      <td class="mono">${esc(i.occurrences ?? 1)}</td>
      <td title="${clock(i.detectedAt)}">${relTime(i.detectedAt)}<div class="incident-sub">${clock(i.detectedAt, false)}</div></td>
    </tr>`,
    )
    .join("");
  view.innerHTML = `${head}<div class="panel"><table class="grid" id="incident-table">
    <thead><tr><th>Severity</th><th>Incident</th><th>Root cause</th><th>Blast radius</th><th>Status</th><th>Seen</th><th>Detected</th></tr></thead>
    <tbody>${rows}</tbody></table></div>`;
}

function blastRadiusSvg(incident) {
  const root = incident.rootCauseService;
  const others = [...new Set([incident.service, ...(incident.affectedServices ?? [])])].filter((s) => s && s !== root);
  const width = 520;
  const height = Math.max(200, 70 * Math.max(others.length, 1) + 40);
  const rootX = 110;
  const rootY = height / 2;
  const node = (x, y, name, color, sub) => `
    <g><circle cx="${x}" cy="${y}" r="24" fill="${color}" fill-opacity="0.16" stroke="${color}" stroke-width="2"/>
    <circle cx="${x}" cy="${y}" r="6" fill="${color}"/>
    <text class="node-label" x="${x}" y="${y + 42}" text-anchor="middle">${esc(name)}</text>
    ${sub ? `<text class="node-sub" x="${x}" y="${y + 56}" text-anchor="middle">${esc(sub)}</text>` : ""}</g>`;
  const edges = others
    .map((name, i) => {
      const y = others.length === 1 ? rootY : 40 + (i * (height - 80)) / (others.length - 1);
      return `<path d="M${rootX + 26},${rootY} C${rootX + 160},${rootY} ${width - 260},${y} ${width - 140},${y}" fill="none" stroke="#ff8c42" stroke-width="2" stroke-opacity="0.7" marker-end="url(#arrow)"/>`;
    })
    .join("");
  const targets = others
    .map((name, i) => {
      const y = others.length === 1 ? rootY : 40 + (i * (height - 80)) / (others.length - 1);
      return node(width - 110, y, name, "#ff8c42", name === incident.service ? "fired detection" : "affected");
    })
    .join("");
  return `<svg viewBox="0 0 ${width} ${height + 20}" role="img" aria-label="Blast radius of the incident">
    <defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#ff8c42"/></marker></defs>
    ${edges}${node(rootX, rootY, root, "#ff4d6d", "root cause")}${targets}</svg>`;
}

function signalDetails(signal) {
  return Object.entries(signal)
    .filter(([k]) => k !== "name" && k !== "weight")
    .map(([k, v]) => `<span class="chip">${esc(k)}: ${esc(typeof v === "object" ? JSON.stringify(v) : v)}</span>`)
    .join("");
}

async function renderIncident(id) {
  const data = await getJson(`/api/incidents/${encodeURIComponent(id)}`);
  const incident = data.incident ?? data;
  const rca = data.rca ?? incident.rca ?? null;
  const tickets = data.tickets ?? incident.tickets ?? [];
  const signals = [...(incident.signals ?? [])].sort((a, b) => (b.weight ?? 0) - (a.weight ?? 0));
  const timeline = [...(incident.timeline ?? [])].sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  view.innerHTML = `
    <a class="back" href="#/incidents">← All incidents</a>
    <div class="page-head"><div>
      <h1 id="incident-title">${esc(incident.title || incident.template)}</h1>
      <p>${sev(incident.severity)} <span class="status status-${esc(incident.status)}">${esc(incident.status)}</span>
        <span class="muted"> · ${esc(incident.id)} · fingerprint <span class="mono">${esc(incident.fingerprint)}</span></span></p>
    </div></div>
    <dl class="facts">
      <div><dt>Root cause service</dt><dd>${esc(incident.rootCauseService)}</dd></div>
      <div><dt>Detected in</dt><dd>${esc(incident.service)}</dd></div>
      <div><dt>Failure family</dt><dd>${esc(incident.family)}</dd></div>
      <div><dt>Score</dt><dd>${(incident.score ?? 0).toFixed(2)} · ${esc(incident.path)}</dd></div>
      <div><dt>First seen</dt><dd class="mono">${clock(incident.firstSeen)}</dd></div>
      <div><dt>Detected</dt><dd class="mono">${clock(incident.detectedAt)}</dd></div>
      <div><dt>Last seen</dt><dd class="mono">${clock(incident.lastSeen)}</dd></div>
      ${incident.resolvedAt ? `<div><dt>Resolved</dt><dd class="mono">${clock(incident.resolvedAt)}</dd></div>` : ""}
      <div><dt>Occurrences</dt><dd>${esc(incident.occurrences ?? 1)}</dd></div>
    </dl>
    <section class="panel" id="incident-chart"><h2>Signal · ${esc(incident.rootCauseService)} errors and volume, baseline band, detection marked</h2>
      <div class="panel-body"><div class="chart" id="signal-chart"></div><p class="muted chart-note" id="signal-note"></p></div></section>
    <!-- Filled by drawWaterfall once the incident's exemplar traces load; stays hidden when none are stored. -->
    <section class="panel" id="trace-waterfall" hidden></section>
    <div class="detail-grid">
      <div class="stack">
        ${workflowPanel(incident)}
        <section class="panel" id="rca"><h2>Root-cause analysis ${rca ? `<span class="muted">· ${esc(rca.source === "llm" ? `LLM ${rca.model ?? ""}` : "rule-based")}</span>` : ""}</h2>
          <div class="panel-body">${
            rca
              ? `<p class="rca-cause">${esc(rca.rootCause)}</p>
                 ${(rca.evidence ?? []).length ? `<ul class="evidence">${rca.evidence.map((e) => `<li>${esc(e)}</li>`).join("")}</ul>` : ""}
                 ${rca.suggestedFix ? `<div class="rca-fix"><b>Suggested fix</b><br>${esc(rca.suggestedFix)}</div>` : ""}
                 <p class="muted" style="margin:12px 0 0">Confidence ${Math.round((rca.confidence ?? 0) * 100)}%</p>
                 <div class="confidence"><span style="width:${Math.round((rca.confidence ?? 0) * 100)}%"></span></div>`
              : `<p class="muted">The ticketing agent has not analysed this incident yet.</p>`
          }</div></section>
        <section class="panel"><h2>Timeline</h2>
          <ol class="timeline">${
            timeline
              .map(
                (t) => `<li class="${esc(t.severity)}"><span class="when">${clock(t.at)}</span><span class="svc">${esc(t.service)}</span><span class="lvl lvl-${esc(t.severity)}">${esc(t.severity)}</span>
                <span class="msg">${esc(t.message)}</span></li>`,
              )
              .join("") || `<li class="muted">No timeline entries.</li>`
          }</ol></section>
      </div>
      <div class="stack">
        ${candidatesPanel(incident)}
        <section class="panel" id="tickets"><h2>Tickets</h2><div class="panel-body">${ticketLinks(tickets)}</div></section>
        <section class="panel graph"><h2>Blast radius</h2><div class="panel-body">${blastRadiusSvg(incident)}</div>
          <div class="legend"><span><i style="background:#ff4d6d"></i>root cause</span><span><i style="background:#ff8c42"></i>affected</span></div></section>
        <section class="panel"><h2>Signals</h2>
          <table class="grid"><thead><tr><th>Signal</th><th>Weight</th><th>Evidence</th></tr></thead><tbody>${
            signals.map((s) => `<tr><td><b>${esc(s.name)}</b></td><td class="mono">${Number(s.weight ?? 0).toFixed(2)}</td><td>${signalDetails(s)}</td></tr>`).join("") ||
            `<tr><td colspan="3" class="muted">No signals.</td></tr>`
          }</tbody></table></section>
        <section class="panel"><h2>Evidence</h2><div class="panel-body">
          ${(incident.traceIds ?? []).slice(0, 8).map((t) => `<div class="mono"><a href="#/logs?${new URLSearchParams({ q: `trace_id:${t}`, order: "asc" })}">trace ${esc(t)} →</a></div>`).join("") || `<span class="muted">No traces.</span>`}
          <p class="muted" style="margin-bottom:0"><a id="incident-logs-link" href="#/logs?${new URLSearchParams({ service: incident.rootCauseService, from: new Date(Date.parse(incident.firstSeen) - 300000).toISOString(), to: new Date(Date.parse(incident.resolvedAt ?? incident.lastSeen) + 300000).toISOString() })}">Logs of ${esc(incident.rootCauseService)} around the incident →</a></p>
        </div></section>
      </div>
    </div>`;
  bindWorkflow(incident);
  await Promise.all([drawIncidentChart(incident), drawWaterfall(incident)]);
}

// ---------- root-cause candidates ----------

const EVIDENCE_LABELS = { span_latency: "slower spans", span_errors: "failing spans" };

function candidatesPanel(incident) {
  const candidates = incident.rootCauseCandidates ?? [];
  if (candidates.length === 0) return "";
  const items = candidates
    .map((c, rank) => {
      const share = Math.round((c.score ?? 0) * 100);
      const evidence = (c.evidence ?? [])
        .map(
          (e) => `<li><span class="ev-signal">${esc(EVIDENCE_LABELS[e.signal] ?? e.signal.replace(/_/g, " "))}</span> <b>${esc(e.what)}</b>
            ${e.surprise > 0 ? `<span class="muted" title="-log10 of the corrected p-value beyond the false-alarm level, plus one">· surprise ${Number(e.surprise).toFixed(1)}</span>` : ""}
            <div class="ev-detail">${esc(e.detail)}</div></li>`,
        )
        .join("");
      return `<li class="candidate${rank === 0 ? " root" : ""}" data-service="${esc(c.service)}">
        <div class="candidate-head"><span class="rank">${rank + 1}</span><b>${esc(c.service)}</b>
          ${rank === 0 ? `<span class="badge badge-root">root cause</span>` : ""}<span class="share mono">${share}%</span></div>
        <div class="confidence"><span style="width:${share}%"></span></div>
        ${evidence ? `<ul class="candidate-evidence">${evidence}</ul>` : `<p class="muted">No anomaly recorded.</p>`}</li>`;
    })
    .join("");
  return `<section class="panel" id="candidates"><h2>Root-cause candidates <span class="muted">· share of the evidence</span></h2>
    <ol class="candidates">${items}</ol></section>`;
}

// ---------- exemplar trace waterfall ----------

const SERVICE_COLORS = ["#6d5efc", "#4cc9f0", "#3ddc97", "#f5c542", "#ff8c42", "#c77dff", "#48cae4", "#90be6d", "#f28482", "#b8c0ff"];

function durationText(ms) {
  if (ms === 0) return "0 ms";
  if (ms >= 1000) return `${(ms / 1000).toFixed(ms >= 10000 ? 1 : 2)} s`;
  return `${ms >= 10 ? Math.round(ms) : Number(ms).toFixed(ms >= 1 ? 1 : 2)} ms`;
}

/** Depth of each span: its parent's plus one; spans come in waterfall order, each after its parent. */
function spanDepths(spans) {
  const depth = new Map();
  for (const s of spans) depth.set(s.span_id, s.parent_span_id !== null && depth.has(s.parent_span_id) ? depth.get(s.parent_span_id) + 1 : 0);
  return depth;
}

function waterfallHtml(trace, colorOf) {
  const spans = trace.spans;
  const t0 = Math.min(...spans.map((s) => s.start_ms));
  const total = Math.max(Math.max(...spans.map((s) => s.end_ms)) - t0, 0.001);
  const depth = spanDepths(spans);
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => `<span style="left:${f * 100}%">${durationText(f * total)}</span>`).join("");
  const rows = spans
    .map((s) => {
      const left = ((s.start_ms - t0) / total) * 100;
      const width = Math.max((s.duration_ms / total) * 100, 0.3);
      const error = s.status === "error";
      const title = [`${s.name}`, `service: ${s.service}`, `kind: ${s.kind}`, `duration: ${durationText(s.duration_ms)}`, `status: ${s.status}${s.status_message ? ` (${s.status_message})` : ""}`, `start: ${clock(new Date(s.start_ms).toISOString())}`, s.peer ? `peer: ${s.peer}` : null]
        .filter(Boolean)
        .join("\n");
      return `<div class="span-row${error ? " error" : ""}" data-span="${esc(s.span_id)}" data-service="${esc(s.service)}" title="${esc(title)}">
        <div class="span-label" style="padding-left:${8 + depth.get(s.span_id) * 16}px"><i style="background:${colorOf(s.service)}"></i>
          <span class="span-service">${esc(s.service)}</span> <span class="span-name">${esc(s.name)}</span>${error ? ` <span class="badge badge-error">error</span>` : ""}</div>
        <div class="span-track"><div class="span-bar" style="left:${left}%;width:${width}%;background:${colorOf(s.service)}"></div>
          <span class="span-duration" style="left:${Math.min(left + width, 88)}%">${durationText(s.duration_ms)}</span></div></div>`;
    })
    .join("");
  const errors = spans.filter((s) => s.status === "error").length;
  return `<p class="muted waterfall-meta">Started <span class="mono">${clock(new Date(t0).toISOString())}</span> · ${durationText(total)} · ${spans.length} spans · ${errors} failed ·
      <a href="#/logs?${new URLSearchParams({ q: `trace_id:${trace.traceId}`, order: "asc", range: "all" })}">logs of this trace →</a></p>
    <div class="waterfall"><div class="span-row axis"><div class="span-label">Span</div><div class="span-track ticks">${ticks}</div></div>${rows}</div>`;
}

async function drawWaterfall(incident) {
  const section = document.getElementById("trace-waterfall");
  const data = await getJson(`/api/incidents/${encodeURIComponent(incident.id)}/traces`).catch(() => ({ traces: [] }));
  const traces = (data.traces ?? []).filter((t) => t.spans.length > 0);
  if (!section.isConnected) return;
  // Tells a reader (and the browser test) the answer is in, even when it leaves the panel hidden.
  section.dataset.traces = String(traces.length);
  if (traces.length === 0) return;
  // One colour per service across all exemplars, so a service keeps its colour when switching traces.
  const services = [...new Set(traces.flatMap((t) => t.spans.map((s) => s.service)))].sort();
  const colorOf = (service) => SERVICE_COLORS[services.indexOf(service) % SERVICE_COLORS.length];
  const label = (t) => {
    const start = Math.min(...t.spans.map((s) => s.start_ms));
    const end = Math.max(...t.spans.map((s) => s.end_ms));
    const failed = t.spans.filter((s) => s.status === "error").length;
    return `${t.spans[0].service} ${t.spans[0].name} · ${durationText(end - start)}${failed ? ` · ${failed} failed` : ""} · …${t.traceId.slice(-8)}`;
  };
  const selector =
    traces.length > 1
      ? `<select id="trace-select" aria-label="Exemplar trace">${traces.map((t, i) => `<option value="${i}">${esc(label(t))}</option>`).join("")}</select>`
      : `<span class="mono muted">${esc(traces[0].traceId)}</span>`;
  section.innerHTML = `<h2 class="waterfall-head">Exemplar trace${traces.length > 1 ? `s · ${traces.length}` : ""} ${selector}</h2>
    <div class="panel-body"><div id="waterfall-body"></div>
    <div class="legend">${services.map((s) => `<span><i style="background:${colorOf(s)}"></i>${esc(s)}</span>`).join("")}<span><i class="legend-error"></i>error span</span></div></div>`;
  const body = document.getElementById("waterfall-body");
  const show = (i) => {
    body.innerHTML = waterfallHtml(traces[i], colorOf);
    body.dataset.traceId = traces[i].traceId;
  };
  show(0);
  document.getElementById("trace-select")?.addEventListener("change", (e) => show(Number(e.target.value)));
  section.hidden = false;
}

async function drawIncidentChart(incident) {
  const el = document.getElementById("signal-chart");
  const series = await getJson(`/api/incidents/${encodeURIComponent(incident.id)}/series`);
  const root = series.services[0];
  const xs = root.buckets.map((b) => Date.parse(b.at) / 1000);
  const lines = [
    { label: `${root.service} errors`, stroke: "#ff4d6d", width: 2, data: root.buckets.map((b) => b.errors) },
    { label: `${root.service} volume`, stroke: "#6d5efc", width: 1, data: root.buckets.map((b) => b.total) },
  ];
  for (const other of series.services.slice(1)) lines.push({ label: `${other.service} errors (fired)`, stroke: "#ff8c42", width: 1.5, dash: [4, 3], data: other.buckets.map((b) => b.errors) });
  const bands = [];
  if (series.baseline) {
    const hi = lines.push({ label: "baseline p95", stroke: "rgba(61,220,151,0.6)", width: 1, band: true, data: xs.map(() => series.baseline.high) }) - 1;
    const lo = lines.push({ label: "baseline p5", stroke: "rgba(61,220,151,0.6)", width: 1, band: true, data: xs.map(() => series.baseline.low) }) - 1;
    bands.push({ series: [hi + 1, lo + 1], fill: "rgba(61,220,151,0.14)" });
  }
  const at = (iso) => Date.parse(iso) / 1000;
  const markers = [
    { at: at(series.markers.firstSeen), label: "first error", color: "#ff8c42", dash: true, row: 0 },
    { at: at(series.markers.detectedAt), label: "detected", color: "#ff4d6d", row: 1 },
  ];
  if (series.markers.resolvedAt) markers.push({ at: at(series.markers.resolvedAt), label: "resolved", color: "#3ddc97", row: 2 });
  el.dataset.markers = markers.map((m) => m.label).join(",");
  timeChart(el, { xs, series: lines, bands, markers, height: 240 });
  document.getElementById("signal-note").textContent = series.baseline
    ? `Per ${series.bucketSeconds} s. Band: 5th–95th percentile of ${root.service}'s errors per bucket in the ${series.baseline.buckets} buckets before the first error (median ${series.baseline.median}).`
    : `Per ${series.bucketSeconds} s. Too little traffic before the first error for a baseline band.`;
}

// ---------- incident workflow ----------

function workflowPanel(incident) {
  const w = incident.workflow ?? { notes: [], history: [] };
  const dismissed = w.verdict === "not_an_incident";
  const facts = [
    w.acknowledgedAt ? `Acknowledged by <b>${esc(w.acknowledgedBy)}</b> at ${clock(w.acknowledgedAt, false)}` : "Not acknowledged",
    w.assignee ? `Assigned to <b>${esc(w.assignee)}</b>` : "Unassigned",
    isSnoozed({ ...incident, workflow: w }) ? `Snoozed until ${clock(w.snoozedUntil, false)}` : null,
    w.verdict === "confirmed" ? "Confirmed as an incident" : dismissed ? `<b>Not an incident</b>: ${esc(w.verdictReason)}` : null,
  ].filter(Boolean);
  return `<section class="panel" id="workflow"><h2>Workflow</h2><div class="panel-body">
    <ul class="wf-facts" id="wf-facts">${facts.map((f) => `<li>${f}</li>`).join("")}</ul>
    <div class="wf-actions">
      <input id="wf-by" placeholder="your name" value="${esc(localStorage.getItem("logclaw.by") ?? "")}" aria-label="Your name">
      <button data-action="acknowledge" ${w.acknowledgedAt ? "disabled" : ""}>Acknowledge</button>
      <button data-action="resolve" ${incident.status === "resolved" ? "disabled" : ""}>Resolve</button>
      ${dismissed ? `<button data-action="confirm">It is an incident</button>` : ""}
    </div>
    <form class="wf-form" data-action="assign"><input name="owner" placeholder="owner, e.g. payments on-call" value="${esc(w.assignee ?? "")}" aria-label="Owner"><button>Assign</button></form>
    <form class="wf-form" data-action="snooze"><select name="hours" aria-label="Snooze for">${[1, 4, 24].map((h) => `<option value="${h}">${h} h</option>`).join("")}</select><button>Snooze</button></form>
    <form class="wf-form" data-action="notes"><textarea name="text" rows="2" placeholder="Add a note" aria-label="Note"></textarea><button>Add note</button></form>
    ${dismissed ? "" : `<form class="wf-form" data-action="not-an-incident"><input name="reason" placeholder="why this is not an incident" required aria-label="Reason"><button class="danger">Not an incident</button></form>`}
    <p class="error" id="wf-error" role="alert" hidden></p>
    ${(w.notes ?? []).length ? `<h3 class="wf-h">Notes</h3><ol class="wf-notes">${w.notes.map((n) => `<li><span class="when">${clock(n.at, false)}</span> <b>${esc(n.author)}</b>: ${esc(n.text)}</li>`).join("")}</ol>` : ""}
    ${(w.history ?? []).length ? `<h3 class="wf-h">History</h3><ol class="wf-history">${w.history.map((h) => `<li><span class="when">${clock(h.at, false)}</span> ${esc(h.by)} · ${esc(h.action.replace(/_/g, " "))}${h.detail ? `: ${esc(h.detail)}` : ""}</li>`).join("")}</ol>` : ""}
  </div></section>`;
}

function bindWorkflow(incident) {
  const panel = document.getElementById("workflow");
  const act = async (action, body) => {
    const by = document.getElementById("wf-by").value.trim();
    if (by) localStorage.setItem("logclaw.by", by);
    const error = document.getElementById("wf-error");
    try {
      await postJson(`/api/incidents/${encodeURIComponent(incident.id)}/${action}`, { ...body, ...(by ? { by } : {}) });
      await refresh();
    } catch (err) {
      error.hidden = false;
      error.textContent = err.message;
    }
  };
  for (const button of panel.querySelectorAll(".wf-actions button[data-action]")) button.addEventListener("click", () => act(button.dataset.action, {}));
  for (const form of panel.querySelectorAll("form.wf-form")) {
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      const data = new FormData(form);
      const action = form.dataset.action;
      if (action === "assign") act(action, { owner: String(data.get("owner") ?? "").trim() || null });
      else if (action === "snooze") act(action, { until: new Date(Date.now() + Number(data.get("hours")) * 3600000).toISOString() });
      else if (action === "notes") act(action, { text: String(data.get("text") ?? "") });
      else act(action, { reason: String(data.get("reason") ?? "") });
    });
  }
}

// ---------- services ----------

function sparkline(buckets) {
  if (!buckets || buckets.length === 0) return "";
  const max = Math.max(...buckets.map((b) => b.total), 1);
  const w = 100 / buckets.length;
  const bars = buckets
    .map((b, i) => {
      const h = (40 * b.total) / max;
      const eh = (40 * b.errors) / max;
      return `<rect x="${i * w + 0.15}" y="${42 - h}" width="${Math.max(w - 0.3, 0.3)}" height="${h}" fill="#2f3650"/>
        <rect x="${i * w + 0.15}" y="${42 - eh}" width="${Math.max(w - 0.3, 0.3)}" height="${eh}" fill="#ff4d6d"/>`;
    })
    .join("");
  return `<svg viewBox="0 0 100 44" preserveAspectRatio="none">${bars}</svg>`;
}

/** Least window error count k with P(X >= k | Poisson(mean)) <= 1e-6: what reopens a dismissed fingerprint (README). */
function reopenThreshold(mean) {
  const lambda = Math.max(mean, 1);
  let k = 0;
  let term = Math.exp(-lambda);
  let cdf = term;
  while (1 - cdf > 1e-6 && k < 100000) {
    k++;
    term *= lambda / k;
    cdf += term;
  }
  return k + 1;
}

/** Why a service with errors has (or has no) incident: open incident, a verdict, or errors at its own normal level. */
function errorExplanation(service, rate, buckets, incidents, since) {
  if (rate < 1) return "";
  const open = incidents.find((i) => i.status !== "resolved" && (i.rootCauseService === service || (i.affectedServices ?? []).includes(service)));
  if (open) return `<p class="why">Incident open: <a href="#/incidents/${encodeURIComponent(open.id)}">${esc(open.title)}</a></p>`;
  const dismissed = incidents.find((i) => i.rootCauseService === service && i.workflow?.verdict === "not_an_incident");
  const involved = (i) => i.rootCauseService === service || (i.affectedServices ?? []).includes(service);
  const recent = incidents.find((i) => involved(i) && i !== dismissed && i.workflow?.verdict !== "not_an_incident" && Date.parse(i.lastSeen) >= Date.parse(since));
  if (recent) return `<p class="why">Incident in this hour (${esc(recent.status)}): <a href="#/incidents/${encodeURIComponent(recent.id)}">${esc(recent.title)}</a></p>`;
  if (dismissed) {
    const peak = dismissed.workflow.dismissed?.peakErrors ?? 0;
    return `<p class="why">No incident: marked <b>not an incident</b> (${esc(dismissed.workflow.verdictReason)}); it opens again above ${reopenThreshold(peak)} errors in a 10 s window (dismissed peak ${peak}) or when it reaches another service.</p>`;
  }
  const rates = buckets.filter((b) => b.total > 0).map((b) => b.errors / b.total);
  const earlier = rates.slice(0, -3);
  const base = earlier.length ? (100 * earlier.reduce((a, b) => a + b, 0)) / earlier.length : rate;
  return `<p class="why">No incident: errors run at this service's own level (${base.toFixed(1)}% earlier in the hour). Detection judges each service against its own baseline: it needs a rise of 5 points and z ≥ 4 over it, a spiking error template, or a failure phrase (OOM, crash, …).</p>`;
}

async function renderServices() {
  const [overview, incidentData] = await Promise.all([getJson("/api/overview?minutes=60"), getJson("/api/incidents?limit=200").catch(() => ({ incidents: [] }))]);
  const incidents = listOf(incidentData, "incidents");
  state.overview = overview;
  const head = `<div class="page-head"><div><h1>Services</h1><p>Error rate per service over the last ${esc(overview.minutes)} minutes · bars per ${esc(Math.round(overview.bucketSeconds / 60))} min, red = errors</p></div></div>`;
  if (overview.services.length === 0) {
    view.innerHTML = `${head}<div class="panel empty"><h3>No traffic yet</h3><p>Services appear as soon as their logs arrive.</p></div>`;
    return;
  }
  const cards = overview.services
    .map((s) => {
      const rate = pct(s.errors, s.total);
      const cls = rate >= 5 ? "bad" : rate >= 1 ? "warn" : "good";
      const color = { bad: "var(--critical)", warn: "var(--medium)", good: "var(--ok)" }[cls];
      return `<article class="panel service-card" data-service="${esc(s.service)}">
        <header><h3><span class="health" style="background:${color}"></span>${esc(s.service)}</h3>
          <a href="#/logs?service=${encodeURIComponent(s.service)}">logs →</a></header>
        <div class="rate ${cls}">${rate.toFixed(rate < 10 ? 2 : 1)}%</div>
        <div class="muted">${fmt(s.errors)} errors · ${fmt(s.warnings)} warnings · ${fmt(s.total)} logs · last ${relTime(s.lastSeen)}</div>
        <div class="spark">${sparkline(s.buckets)}</div>
        ${errorExplanation(s.service, rate, s.buckets, incidents, overview.from)}
      </article>`;
    })
    .join("");
  view.innerHTML = `${head}<div class="services">${cards}</div>`;
}

// ---------- logs ----------

function hashParams() {
  const q = location.hash.indexOf("?");
  return new URLSearchParams(q >= 0 ? location.hash.slice(q + 1) : "");
}

const RANGES = [["15", "Last 15 min"], ["60", "Last hour"], ["1440", "Last 24 h"], ["10080", "Last 7 days"], ["all", "All time"]];
const PAGE_SIZE = 100;
let tail = null;

function stopTail() {
  if (tail) tail.close();
  tail = null;
}

/** The hash's log view: q (query syntax), service, severity, from/to (win over range), range, cursor, page, order. */
function logView() {
  const p = hashParams();
  return {
    q: p.get("q") ?? "",
    service: p.get("service") ?? "",
    severity: p.get("severity") ?? "",
    from: p.get("from") ?? "",
    to: p.get("to") ?? "",
    range: p.get("range") ?? "1440",
    cursor: p.get("cursor") ?? "",
    page: Number(p.get("page") ?? "1") || 1,
    order: p.get("order") === "asc" ? "asc" : "desc",
  };
}

function logHash(v) {
  const next = new URLSearchParams();
  for (const key of ["q", "service", "severity", "from", "to", "range", "cursor", "order"]) if (v[key] && !(key === "order" && v[key] === "desc")) next.set(key, v[key]);
  if (v.page > 1) next.set("page", String(v.page));
  return `#/logs?${next}`;
}

/** API parameters for the view's filters (from/to beat the relative range). */
function logFilters(v) {
  const api = new URLSearchParams();
  if (v.q) api.set("q", v.q);
  if (v.service) api.set("service", v.service);
  if (v.severity) api.set("severity", v.severity);
  if (v.from || v.to) {
    if (v.from) api.set("from", v.from);
    if (v.to) api.set("to", v.to);
  } else if (v.range !== "all") api.set("from", new Date(Date.now() - Number(v.range) * 60000).toISOString());
  return api;
}

function logRow(l, i, q) {
  return `<tr class="log-row link" data-row="${i}" data-id="${esc(l.id)}">
      <td class="ts">${clock(l["@timestamp"])}</td>
      <td><span class="lvl lvl-${esc(l.severity_text)}">${esc(l.severity_text)}</span></td>
      <td><a href="#/logs?${new URLSearchParams({ q: `service:${l.service}` })}">${esc(l.service)}</a></td>
      <td class="message">${highlight(l.message, q)}</td></tr>
      <tr class="log-details" data-details="${i}" hidden><td colspan="4">
        <div class="log-tools"><button class="context-button" data-id="${esc(l.id)}">Context: lines around this one in ${esc(l.service)}</button>
        ${l.trace_id ? `<a class="trace-link" href="#/logs?${new URLSearchParams({ q: `trace_id:${l.trace_id}`, order: "asc", range: "all" })}">All logs of trace ${esc(l.trace_id)} →</a>` : ""}</div>
        <div class="context" hidden></div>
        <pre>${esc(JSON.stringify(l, null, 2))}</pre></td></tr>`;
}

async function renderLogs() {
  stopTail();
  const v = logView();
  const overview = state.overview ?? (await getJson("/api/overview?minutes=1440").catch(() => ({ services: [] })));
  const services = overview.services.map((s) => s.service);
  const filters = logFilters(v);
  const api = new URLSearchParams(filters);
  api.set("limit", String(PAGE_SIZE));
  if (v.order === "asc") api.set("order", "asc");
  if (v.cursor) api.set("cursor", v.cursor);
  const started = performance.now();
  const result = await getJson(`/api/logs?${api}`);
  const logs = listOf(result, "logs");
  const took = Math.round(performance.now() - started);
  const first = (v.page - 1) * PAGE_SIZE + 1;
  const opt = (value, label, selected) => `<option value="${esc(value)}" ${selected ? "selected" : ""}>${esc(label)}</option>`;
  view.innerHTML = `<div class="page-head"><div><h1>Logs</h1><p>Search with filters (<code>service:checkout level>=warn status>=500 http.route:/pay "timed out" -env:test</code>), ${v.order === "asc" ? "oldest" : "newest"} first; drag over the chart to zoom</p></div></div>
    <div class="panel">
      <form class="search" id="log-search">
        <input type="search" name="q" placeholder="service:checkout level>=error timeout" value="${esc(v.q)}" autocomplete="off" aria-label="Search logs">
        <select name="service" aria-label="Service">${opt("", "All services", !v.service)}${services.map((s) => opt(s, s, s === v.service)).join("")}</select>
        <select name="severity" aria-label="Severity">${opt("", "Any severity", !v.severity)}${LOG_LEVELS.map((s) => opt(s, s, s === v.severity)).join("")}</select>
        <select name="range" aria-label="Time range">${RANGES.map(([val, l]) => opt(val, l, val === v.range && !v.from && !v.to)).join("")}${v.from || v.to ? opt("custom", "Custom range", true) : ""}</select>
        <input type="datetime-local" step="1" name="from" value="${esc(toInputTime(v.from))}" aria-label="From (${esc(zoneName())})" title="From (${esc(zoneName())})">
        <input type="datetime-local" step="1" name="to" value="${esc(toInputTime(v.to))}" aria-label="To (${esc(zoneName())})" title="To (${esc(zoneName())})">
        <button type="submit">Search</button>
        <button type="button" id="tail-toggle" class="secondary">Live tail</button>
      </form>
      <div class="chart" id="log-histogram"></div>
      <div class="result-meta"><span id="log-count">${logs.length ? `${fmt(first)}–${fmt(first + logs.length - 1)} of ${fmt(result.total)}` : `0 of ${fmt(result.total ?? 0)}`} ${result.total === 1 ? "match" : "matches"} · page ${v.page} · ${took} ms</span>
        <span class="pager">${v.page > 1 ? `<a id="first-page" href="${logHash({ ...v, cursor: "", page: 1 })}">« First page</a>` : ""}
        ${result.nextCursor ? `<a id="next-page" href="${logHash({ ...v, cursor: result.nextCursor, page: v.page + 1 })}">Next page »</a>` : ""}</span>
        <span id="tail-status" class="muted"></span></div>
      ${logs.length ? `<table class="grid" id="log-table"><thead><tr><th>Time (${esc(zoneName())})</th><th>Level</th><th>Service</th><th>Message</th></tr></thead><tbody>${logs.map((l, i) => logRow(l, i, v.q)).join("")}</tbody></table>` : `<div class="empty"><h3>No matching logs</h3><p>Try fewer terms, another service or a wider time range.</p></div>`}
    </div>`;
  const form = document.getElementById("log-search");
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    const data = new FormData(form);
    const range = String(data.get("range") ?? "1440");
    const from = fromInputTime(String(data.get("from") ?? ""));
    const to = fromInputTime(String(data.get("to") ?? ""));
    // A relative range chosen after a custom one drops the custom bounds.
    const custom = range === "custom" || (range === v.range && (from || to));
    location.hash = logHash({ q: String(data.get("q") ?? "").trim(), service: String(data.get("service") ?? ""), severity: String(data.get("severity") ?? ""), range: custom ? v.range : range, from: custom ? from : "", to: custom ? to : "", cursor: "", page: 1, order: v.order });
  });
  document.getElementById("tail-toggle").addEventListener("click", () => toggleTail(v));
  await drawLogHistogram(v, filters);
}

async function drawLogHistogram(v, filters) {
  const el = document.getElementById("log-histogram");
  const params = new URLSearchParams(filters);
  params.set("buckets", "80");
  // Without bounds the chart spans the matches themselves: the oldest to the newest.
  const edge = async (order) => {
    const one = new URLSearchParams(filters);
    one.set("limit", "1");
    one.set("order", order);
    return listOf(await getJson(`/api/logs?${one}`), "logs")[0]?.["@timestamp"];
  };
  if (!params.get("from")) {
    const oldest = await edge("asc");
    if (!oldest) return;
    params.set("from", oldest);
  }
  if (!params.get("to")) params.set("to", (await edge("desc")) ?? new Date().toISOString());
  const hist = await getJson(`/api/logs/histogram?${params}`);
  const xs = hist.buckets.map((b) => Date.parse(b.at) / 1000);
  timeChart(el, {
    xs,
    bars: true,
    height: 150,
    series: [
      { label: "matches", stroke: "#6d5efc", fill: "rgba(109,94,252,0.55)", data: hist.buckets.map((b) => b.total) },
      { label: "errors", stroke: "#ff4d6d", fill: "rgba(255,77,109,0.7)", data: hist.buckets.map((b) => b.errors) },
    ],
    onSelect: (fromS, toS) => {
      location.hash = logHash({ ...v, from: new Date(fromS * 1000).toISOString(), to: new Date(toS * 1000).toISOString(), cursor: "", page: 1 });
    },
  });
}

function toggleTail(v) {
  const status = document.getElementById("tail-status");
  const button = document.getElementById("tail-toggle");
  if (tail) {
    stopTail();
    button.textContent = "Live tail";
    status.textContent = "";
    return;
  }
  const params = new URLSearchParams();
  if (v.q) params.set("q", v.q);
  if (v.service) params.set("service", v.service);
  if (v.severity) params.set("severity", v.severity);
  tail = new EventSource(`/api/logs/tail?${params}`);
  button.textContent = "Stop tail";
  status.textContent = " · tailing new records…";
  let n = 0;
  tail.addEventListener("logs", (e) => {
    let body = document.querySelector("#log-table tbody");
    if (!body) {
      document.querySelector(".panel .empty")?.remove();
      document.querySelector(".result-meta").insertAdjacentHTML("afterend", `<table class="grid" id="log-table"><thead><tr><th>Time (${esc(zoneName())})</th><th>Level</th><th>Service</th><th>Message</th></tr></thead><tbody></tbody></table>`);
      body = document.querySelector("#log-table tbody");
    }
    const docs = JSON.parse(e.data);
    n += docs.length;
    status.textContent = ` · tailing: ${n} new`;
    body.insertAdjacentHTML("afterbegin", docs.map((l, i) => logRow(l, `t${n}-${i}`, v.q)).join(""));
  });
  tail.addEventListener("skipped", (e) => {
    status.textContent += ` (${JSON.parse(e.data).count} more not shown)`;
  });
}

async function showContext(button) {
  const box = button.closest("td").querySelector(".context");
  if (!box.hidden) {
    box.hidden = true;
    return;
  }
  const data = await getJson(`/api/logs/${encodeURIComponent(button.dataset.id)}/context?before=10&after=10`);
  const line = (l, current) => `<li class="${current ? "current" : ""}"><span class="ts">${clock(l["@timestamp"])}</span> <span class="lvl lvl-${esc(l.severity_text)}">${esc(l.severity_text)}</span> ${esc(l.message)}</li>`;
  box.innerHTML = `<ol class="context-lines">${[...data.before.map((l) => line(l, false)), line(data.record, true), ...data.after.map((l) => line(l, false))].join("")}</ol>`;
  box.hidden = false;
}

// ---------- routing ----------

async function refresh(background = false) {
  const hash = location.hash || "#/incidents";
  const route = hash.split("?")[0];
  if (background && (route === "#/logs" || document.activeElement?.closest?.("#workflow"))) return;
  if (!background) stopTail();
  destroyCharts();
  for (const a of document.querySelectorAll(".tabs a")) a.classList.toggle("active", route.startsWith(`#/${a.dataset.tab}`));
  try {
    if (route === "#/incidents") await renderIncidents();
    else if (route.startsWith("#/incidents/")) await renderIncident(decodeURIComponent(route.slice("#/incidents/".length)));
    else if (route === "#/services") await renderServices();
    else if (route === "#/logs") await renderLogs();
    else location.hash = "#/incidents";
  } catch (err) {
    if (!background) view.innerHTML = `<div class="panel empty"><h3>Could not load this view</h3><p class="mono">${esc(err.message)}</p></div>`;
  }
}

view.addEventListener("click", (e) => {
  const contextButton = e.target.closest(".context-button");
  if (contextButton) {
    showContext(contextButton).catch((err) => alert(err.message));
    return;
  }
  const row = e.target.closest("tr[data-href]");
  if (row && !e.target.closest("a")) location.hash = row.dataset.href;
  const logRow = e.target.closest("tr[data-row]");
  if (logRow && !e.target.closest("a") && !e.target.closest("button")) {
    const details = view.querySelector(`tr[data-details="${logRow.dataset.row}"]`);
    if (details) details.hidden = !details.hidden;
  }
});
window.addEventListener("hashchange", () => refresh());
const tzSelect = document.getElementById("tz");
tzSelect.value = zoneMode();
tzSelect.addEventListener("change", () => {
  localStorage.setItem(TZ_KEY, tzSelect.value);
  refresh();
});
connectLive();
refresh();
