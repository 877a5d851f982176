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

function clock(iso) {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return esc(iso);
  return d.toISOString().replace("T", " ").replace("Z", "").slice(0, 23);
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

async function renderIncidents() {
  const incidents = listOf(await getJson("/api/incidents?limit=200"), "incidents", "items");
  const open = incidents.filter((i) => i.status !== "resolved").length;
  const head = `<div class="page-head"><div><h1>Incidents</h1><p>${open} open · ${incidents.length} total · newest first</p></div></div>`;
  if (incidents.length === 0) {
    view.innerHTML = `${head}<div class="panel empty"><h3>No incidents yet</h3>
      <p>Point an OpenTelemetry SDK at <code>http://localhost:4318</code> (or gRPC <code>:4317</code>),
      or run <code>npm run demo</code> to see LogClaw detect a failure.</p></div>`;
    return;
  }
  const rows = incidents
    .map(
      (i) => `<tr class="link" data-href="#/incidents/${encodeURIComponent(i.id)}">
      <td>${sev(i.severity)}</td>
      <td><div class="incident-title">${esc(i.title || i.template || i.family)}</div>
        <div class="incident-sub">${esc(i.family ?? "")} · ${esc(i.path ?? "")} detection · score ${(i.score ?? 0).toFixed(2)}</div></td>
      <td><b>${esc(i.rootCauseService)}</b>${i.rootCauseService !== i.service ? `<div class="incident-sub">seen in ${esc(i.service)}</div>` : ""}</td>
      <td>${(i.affectedServices ?? []).map((s) => `<span class="chip">${esc(s)}</span>`).join("") || `<span class="muted">—</span>`}</td>
      <td><span class="status status-${esc(i.status)}">${esc(i.status)}</span></td>
      <td class="mono">${esc(i.occurrences ?? 1)}</td>
      <td title="${esc(i.detectedAt)}">${relTime(i.detectedAt)}</td>
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
      <h1>${esc(incident.title || incident.template)}</h1>
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
      <div><dt>Occurrences</dt><dd>${esc(incident.occurrences ?? 1)}</dd></div>
    </dl>
    <div class="detail-grid">
      <div class="stack">
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
        <section class="panel" id="tickets"><h2>Tickets</h2><div class="panel-body">${ticketLinks(tickets)}</div></section>
        <section class="panel graph"><h2>Blast radius</h2><div class="panel-body">${blastRadiusSvg(incident)}</div>
          <div class="legend"><span><i style="background:#ff4d6d"></i>root cause</span><span><i style="background:#ff8c42"></i>affected</span></div></section>
        <section class="panel"><h2>Signals</h2>
          <table class="grid"><thead><tr><th>Signal</th><th>Weight</th><th>Evidence</th></tr></thead><tbody>${
            signals.map((s) => `<tr><td><b>${esc(s.name)}</b></td><td class="mono">${Number(s.weight ?? 0).toFixed(2)}</td><td>${signalDetails(s)}</td></tr>`).join("") ||
            `<tr><td colspan="3" class="muted">No signals.</td></tr>`
          }</tbody></table></section>
        <section class="panel"><h2>Evidence</h2><div class="panel-body">
          ${(incident.traceIds ?? []).slice(0, 8).map((t) => `<div class="mono">trace ${esc(t)}</div>`).join("") || `<span class="muted">No traces.</span>`}
          <p class="muted" style="margin-bottom:0"><a href="#/logs?service=${encodeURIComponent(incident.rootCauseService)}&severity=error">Error logs of ${esc(incident.rootCauseService)} →</a></p>
        </div></section>
      </div>
    </div>`;
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

async function renderServices() {
  const overview = await getJson("/api/overview?minutes=60");
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

async function renderLogs() {
  const params = hashParams();
  const query = {
    q: params.get("q") ?? "",
    service: params.get("service") ?? "",
    severity: params.get("severity") ?? "",
    range: params.get("range") ?? "1440",
  };
  const overview = state.overview ?? (await getJson("/api/overview?minutes=1440").catch(() => ({ services: [] })));
  const services = overview.services.map((s) => s.service);
  const api = new URLSearchParams({ limit: "200" });
  if (query.q) api.set("q", query.q);
  if (query.service) api.set("service", query.service);
  if (query.severity) api.set("severity", query.severity);
  if (query.range !== "all") api.set("from", new Date(Date.now() - Number(query.range) * 60000).toISOString());
  const started = performance.now();
  const logs = listOf(await getJson(`/api/logs?${api}`), "logs", "documents", "items");
  const took = Math.round(performance.now() - started);
  const opt = (value, label, selected) => `<option value="${esc(value)}" ${selected ? "selected" : ""}>${esc(label)}</option>`;
  const rows = logs
    .map(
      (l, i) => `<tr class="log-row link" data-row="${i}">
      <td class="ts">${clock(l["@timestamp"])}</td>
      <td><span class="lvl lvl-${esc(l.severity_text)}">${esc(l.severity_text)}</span></td>
      <td><a href="#/logs?service=${encodeURIComponent(l.service)}">${esc(l.service)}</a></td>
      <td class="message">${highlight(l.message, query.q)}</td></tr>
      <tr class="log-details" data-details="${i}" hidden><td colspan="4"><pre>${esc(JSON.stringify(l, null, 2))}</pre></td></tr>`,
    )
    .join("");
  view.innerHTML = `<div class="page-head"><div><h1>Logs</h1><p>Full-text search over every ingested log, newest first</p></div></div>
    <div class="panel">
      <form class="search" id="log-search">
        <input type="search" name="q" placeholder="Search messages, e.g. timeout payment" value="${esc(query.q)}" autocomplete="off" aria-label="Search logs">
        <select name="service" aria-label="Service">${opt("", "All services", !query.service)}${services.map((s) => opt(s, s, s === query.service)).join("")}</select>
        <select name="severity" aria-label="Severity">${opt("", "Any severity", !query.severity)}${LOG_LEVELS.map((s) => opt(s, s, s === query.severity)).join("")}</select>
        <select name="range" aria-label="Time range">${[["15", "Last 15 min"], ["60", "Last hour"], ["1440", "Last 24 h"], ["10080", "Last 7 days"], ["all", "All time"]].map(([v, l]) => opt(v, l, v === query.range)).join("")}</select>
        <button type="submit">Search</button>
      </form>
      <div class="result-meta" id="log-count">${logs.length} ${logs.length === 1 ? "match" : "matches"}${logs.length === 200 ? " (first 200)" : ""} · ${took} ms</div>
      ${logs.length ? `<table class="grid" id="log-table"><thead><tr><th>Time (UTC)</th><th>Level</th><th>Service</th><th>Message</th></tr></thead><tbody>${rows}</tbody></table>` : `<div class="empty"><h3>No matching logs</h3><p>Try fewer words, another service or a wider time range.</p></div>`}
    </div>`;
  document.getElementById("log-search").addEventListener("submit", (e) => {
    e.preventDefault();
    const form = new FormData(e.target);
    const next = new URLSearchParams();
    for (const key of ["q", "service", "severity", "range"]) {
      const value = String(form.get(key) ?? "");
      if (value) next.set(key, value);
    }
    location.hash = `#/logs?${next}`;
  });
}

// ---------- routing ----------

async function refresh(background = false) {
  const hash = location.hash || "#/incidents";
  const route = hash.split("?")[0];
  if (background && route === "#/logs") return;
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
  const row = e.target.closest("tr[data-href]");
  if (row && !e.target.closest("a")) location.hash = row.dataset.href;
  const logRow = e.target.closest("tr[data-row]");
  if (logRow && !e.target.closest("a")) {
    const details = view.querySelector(`tr[data-details="${logRow.dataset.row}"]`);
    if (details) details.hidden = !details.hidden;
  }
});
window.addEventListener("hashchange", () => refresh());
connectLive();
refresh();
