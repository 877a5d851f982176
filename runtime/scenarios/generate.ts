import { failureEffect, isDown, type FailureEffect } from "./failures";
import { Random } from "./random";
import { CHRONIC_ERROR_RATE, CHRONIC_SERVICE, FAILURE_TARGETS, ROUTES, SERVICES } from "./topology";
import {
  FAILURE_KINDS,
  type FailureKind,
  type FailureLabel,
  type NoiseKind,
  type NoiseLabel,
  type Scenario,
  type ScenarioLog,
  type ScenarioOptions,
  type ScenarioSpan,
} from "./types";

const DEFAULT_START_MS = Date.UTC(2026, 0, 5, 8, 0, 0);
const SEV = { debug: [5, "DEBUG"], info: [9, "INFO"], warn: [13, "WARN"], error: [17, "ERROR"], fatal: [21, "FATAL"] } as const;
type Level = keyof typeof SEV;

/** Services whose failure reaches callers; the others fail on their own (the new-template failure). */
const STATUS_TEXT: Record<number, string> = { 500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable", 504: "Gateway Timeout" };

interface CallOutcome {
  status: number;
  endMs: number;
  /** How the caller experiences a failure. */
  error: "down" | "timeout" | "fail" | null;
  failureId: string | null;
  /** The callee failed without a word: its caller falls back and logs nothing. */
  silent: boolean;
}

/**
 * Generates a labelled scenario: a small shop of microservices with traces, steady traffic with a slow
 * wobble, benign noise of every kind, and injected failures with their ground truth. Deterministic per seed.
 */
export function generateScenario(options: ScenarioOptions): Scenario {
  const rng = new Random(options.seed);
  const startMs = options.startMs ?? DEFAULT_START_MS;
  const durationMs = options.durationMs ?? 40 * 60_000;
  const endMs = startMs + durationMs;
  const rps = options.requestsPerSecond ?? 25;
  const warmupMs = options.warmupMs ?? 6 * 60_000;
  const logs: ScenarioLog[] = [];
  let counter = rng.int(1000, 90000);

  const log = (
    timeMs: number,
    service: string,
    level: Level,
    body: string,
    attributes: ScenarioLog["attributes"] = {},
    trace: { traceId: string; spanId: string } | null = null,
    failureId: string | null = null,
    noise: NoiseKind | null = null,
  ) => {
    logs.push({
      timeMs: Math.round(timeMs),
      service,
      severityNumber: SEV[level][0],
      severityText: SEV[level][1],
      body,
      attributes,
      traceId: trace?.traceId ?? null,
      spanId: trace?.spanId ?? null,
      failureId,
      noise,
    });
  };

  // --- plan failures: after the warm-up, one per slot, each on a different service ---
  const kinds: FailureKind[] = options.failures ?? rng.shuffle(FAILURE_KINDS).slice(0, 5);
  const effects: FailureEffect[] = [];
  const usedTargets = new Set<string>();
  const slotMs = (durationMs - warmupMs - 5 * 60_000) / Math.max(1, kinds.length);
  kinds.forEach((kind, i) => {
    const candidates = FAILURE_TARGETS[kind].filter((s) => !usedTargets.has(s));
    const service = candidates.length > 0 ? rng.pick(candidates) : rng.pick(FAILURE_TARGETS[kind]);
    usedTargets.add(service);
    const slotStart = startMs + warmupMs + i * slotMs;
    const failStart = slotStart + rng.next() * slotMs * 0.2;
    const length = Math.min(rng.int(90_000, 240_000), slotMs * 0.45);
    effects.push(failureEffect(kind, `f${i + 1}-${kind}`, service, Math.round(failStart), Math.round(failStart + length), rng));
  });
  const activeEffect = (service: string, t: number) => effects.find((e) => e.service === service && t >= e.startMs && t < e.endMs);

  // --- plan noise ---
  const noise: NoiseLabel[] = [];
  const burst = (kind: NoiseKind, service: string, count: number, minLen: number, maxLen: number) => {
    for (let i = 0; i < count; i++) {
      const s = startMs + rng.next() * (durationMs - maxLen);
      noise.push({ kind, service, startMs: Math.round(s), endMs: Math.round(s + rng.int(minLen, maxLen)) });
    }
  };
  burst("validation_errors", "checkout-api", 2, 30_000, 90_000);
  burst("scanner_404", "gateway", 2, 30_000, 120_000);
  burst("expired_tokens", "gateway", 2, 60_000, 180_000);
  burst("rate_limited_429", "gateway", 1, 30_000, 90_000);
  noise.push({ kind: "chronic_service", service: CHRONIC_SERVICE, startMs, endMs });
  noise.push({ kind: "benign_failure_words", service: "*", startMs, endMs });
  const deployable = Object.keys(SERVICES).filter((s) => s !== "gateway" && s !== "notification-worker");
  for (let i = 0; i < 3; i++) {
    const service = rng.pick(deployable);
    const s = startMs + rng.next() * (durationMs - 60_000);
    // Never deploy a service while it is failing: that would blur the ground truth.
    if (effects.some((e) => e.service === service && s > e.startMs - 180_000 && s < e.endMs + 180_000)) continue;
    noise.push({ kind: "deploy", service, startMs: Math.round(s), endMs: Math.round(s + 20_000) });
  }
  const deployOf = (service: string, t: number) => noise.find((n) => n.kind === "deploy" && n.service === service && t >= n.startMs && t < n.endMs);
  const deployedSince = (service: string, t: number) => noise.some((n) => n.kind === "deploy" && n.service === service && t >= n.startMs);

  // --- request traffic through the call graph: a server span per handled request, a client span per call ---
  const spans: ScenarioSpan[] = [];
  const call = (service: string, t: number, traceId: string, parent: { span: string; logged: string }, n: number): CallOutcome => {
    const spec = SERVICES[service];
    const spanId = rng.hex(8);
    const trace = { traceId, spanId };
    const effect = activeEffect(service, t);
    if (effect && isDown(effect, t)) return { status: 0, endMs: t + 1, error: "down", failureId: effect.id, silent: false };
    if (effect?.kind === "caller_only_errors" && rng.chance(effect.errorRate)) {
      // Dropped before the handler runs: no span and no line of its own; the caller's connection is reset.
      return { status: 0, endMs: t + rng.int(1, 5), error: "fail", failureId: effect.id, silent: true };
    }
    // Structured loggers name the caller's span (not its client span, which they never see).
    const attrs: ScenarioLog["attributes"] = spec.logsParentSpan ? { parent_span_id: parent.logged } : {};
    const answer = (endMs: number, status: number, error: CallOutcome["error"], failureId: string | null, silent: boolean): CallOutcome => {
      spans.push({ traceId, spanId, parentSpanId: parent.span, service, name: `handle ${service}`, kind: "server", startMs: t, endMs, error: status >= 500, peer: null, failureId });
      return { status, endMs, error, failureId, silent };
    };
    if (spec.startMessage) log(t, service, "info", spec.startMessage(n), attrs, trace);
    let cur = t + rng.int(spec.latencyMs[0], spec.latencyMs[1]) / 2 + (effect?.slowMs ?? 0);
    const slowedBy = effect && effect.slowMs > 0 ? effect.id : null;
    if (effect && effect.downtimes.length === 0 && !effect.silent && rng.chance(effect.errorRate)) {
      cur += effect.delayMs;
      log(cur, service, "error", effect.message(rng, n), { ...attrs, ...effect.attributes }, trace, effect.id);
      if (effect.status !== 200) return answer(cur, effect.status, effect.kind === "timeout" ? "timeout" : "fail", effect.id, false);
    }
    if (effect?.kind === "silent_errors" && rng.chance(effect.errorRate)) {
      log(cur, service, "info", effect.message(rng, n), attrs, trace, effect.id);
      return answer(cur + 1, effect.status, "fail", effect.id, true);
    }
    if (service === CHRONIC_SERVICE && rng.chance(CHRONIC_ERROR_RATE)) {
      log(cur, service, "error", `timeout while refreshing price cache from pricing-feed after ${rng.int(700, 900)}ms, serving stale prices`, attrs, trace, null, "chronic_service");
    }
    for (const child of spec.calls) {
      const clientSpan = rng.hex(8);
      const callStart = cur;
      const out = call(child, cur, traceId, { span: clientSpan, logged: spanId }, n);
      cur = out.endMs;
      const failed = out.error !== null;
      spans.push({ traceId, spanId: clientSpan, parentSpanId: spanId, service, name: `call ${child}`, kind: "client", startMs: callStart, endMs: cur, error: failed, peer: child, failureId: failed ? out.failureId : null });
      if (!failed) {
        const deploy = deployOf(child, cur);
        if (deploy && rng.chance(0.3)) {
          log(cur, service, "warn", `connection refused by ${child}, retrying (attempt 1/3)`, { "peer.service": child }, trace, null, "deploy");
          cur += 50;
        }
        continue;
      }
      // A silent failure: the caller falls back (a default, a cached answer) and says nothing.
      if (out.silent) continue;
      const peer = { ...attrs, "peer.service": child };
      const message =
        out.error === "down"
          ? `call to ${child} failed: dial tcp 10.0.${rng.int(1, 9)}.${rng.int(2, 250)}:8080: connect: connection refused`
          : out.error === "timeout"
            ? `call to ${child} timed out after ${rng.int(2000, 5000)}ms`
            : `call to ${child} failed: ${out.status} ${STATUS_TEXT[out.status] ?? "Error"}`;
      log(cur, service, "error", message, { ...peer, "http.response.status_code": out.status === 0 ? 503 : out.status }, trace, out.failureId);
      return answer(cur + 1, 503, out.error === "timeout" ? "timeout" : "fail", out.failureId, false);
    }
    if (deployedSince(service, cur) && rng.chance(0.1)) {
      log(cur, service, "info", `feature flag ${service}-v2-pipeline evaluated: enabled for request ${n}`, attrs, trace, null, "deploy");
    }
    if (rng.chance(0.002)) {
      log(cur, service, "error", `unexpected error handling request ${n}: EOF while reading request body`, attrs, trace);
    }
    if (effect?.kind === "vanished_logs" && rng.chance(effect.errorRate)) return answer(cur + 1, 200, null, slowedBy, false);
    const altShare = effect?.kind === "template_mix" ? effect.errorRate : (spec.altPath?.share ?? 0);
    if (spec.altPath && rng.chance(altShare)) log(cur, service, "info", spec.altPath.message(n), attrs, trace);
    else log(cur, service, "info", spec.okMessage(n), attrs, trace);
    return answer(cur + 1, 200, null, slowedBy, false);
  };

  const userAgents = ["Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15", "ShopApp/4.2 (iOS 17.5)", "okhttp/4.12.0"];
  for (let t = startMs + rng.gapMs(rps); t < endMs; ) {
    const wobble = 1 + 0.25 * Math.sin((2 * Math.PI * (t - startMs)) / (25 * 60_000));
    const n = counter++;
    let pickAt = rng.next();
    const route = ROUTES.find((r) => (pickAt -= r.share) < 0) ?? ROUTES[ROUTES.length - 1];
    const traceId = rng.hex(16);
    const gatewaySpan = rng.hex(8);
    const clientSpan = rng.hex(8);
    const out = call(route.service, t + 1, traceId, { span: clientSpan, logged: gatewaySpan }, n);
    const status = out.silent ? 200 : out.error === "down" ? 502 : out.error === "timeout" ? 504 : out.status;
    const latency = Math.max(1, Math.round(out.endMs - t));
    const level: Level = status >= 500 ? "error" : "info";
    const failed = out.error !== null;
    const operation = `${route.method} ${route.path(0).split("?")[0].replace(/\/0$/, "/{id}")}`;
    spans.push({ traceId, spanId: clientSpan, parentSpanId: gatewaySpan, service: "gateway", name: `call ${route.service}`, kind: "client", startMs: t + 1, endMs: out.endMs, error: failed, peer: route.service, failureId: failed ? out.failureId : null });
    spans.push({ traceId, spanId: gatewaySpan, parentSpanId: null, service: "gateway", name: operation, kind: "server", startMs: t, endMs: out.endMs + 1, error: status >= 500, peer: null, failureId: status >= 500 ? out.failureId : null });
    log(
      out.endMs + 1,
      "gateway",
      level,
      `${route.method} ${route.path(n)} ${status} ${latency}ms`,
      {
        "http.request.method": route.method,
        "url.path": route.path(n).split("?")[0],
        "http.response.status_code": status,
        upstream: route.service,
        "user_agent.original": rng.pick(userAgents),
      },
      { traceId, spanId: gatewaySpan },
      status >= 500 ? out.failureId : null,
    );
    t += rng.gapMs(rps * wobble);
  }

  // --- crash loops: the dying process's last words, and its restarts ---
  for (const e of effects) {
    for (const [down, up] of e.downtimes) {
      for (let k = 0; k < rng.int(1, 3); k++) log(down + k * 50, e.service, "fatal", e.message(rng, counter++), e.attributes, null, e.id);
      if (up < e.endMs || up <= endMs) log(up + rng.int(3000, 5000), e.service, "info", `Started ${e.service} in ${rng.int(3, 6)}.${rng.int(0, 9)}s`);
    }
  }

  // --- background: async worker, benign failure words, noise bursts, deploy chatter ---
  for (let t = startMs; t < endMs; t += rng.gapMs(2)) {
    log(t, "notification-worker", "info", `sent order confirmation to customer${rng.int(1, 99999)}@example.com`);
  }
  const benign: [Level, (r: Random) => string][] = [
    [
      "info",
      (r) => `circuit breaker for ${r.pick(["payment-api", "cart-api", "search-api"])} closed after successful probe`,
    ],
    ["debug", (r) => `http client timeout configured to ${r.pick([5000, 10000, 30000])}ms`],
    ["info", (r) => `connection pool stats: active=${r.int(1, 9)} idle=${r.int(10, 40)} exhausted=false`],
    ["info", () => "retry succeeded after transient connection reset"],
    ["info", (r) => `no out of memory risk: heap usage ${r.int(20, 70)}%`],
    ["info", (r) => `0 deadlocks detected in the last ${r.int(1, 5)} minutes`],
    ["warn", (r) => `slow query detected: ${r.int(1001, 2500)}ms exceeds threshold 1000ms`],
    ["debug", (r) => `crash reporter initialized with upload interval ${r.int(30, 120)}s`],
  ];
  const services = Object.keys(SERVICES);
  for (let t = startMs; t < endMs; t += rng.gapMs(1.5)) {
    const [level, text] = rng.pick(benign);
    log(t, rng.pick(services), level, text(rng), {}, null, null, "benign_failure_words");
  }
  for (const nl of noise) {
    const rate = { validation_errors: 12, scanner_404: 40, expired_tokens: 15, rate_limited_429: 25 }[nl.kind as string];
    if (rate !== undefined) {
      for (let t = nl.startMs; t < nl.endMs; t += rng.gapMs(rate)) noiseLine(nl.kind, t, rng, log);
    }
    if (nl.kind === "deploy") {
      log(nl.startMs, nl.service, "info", "Received SIGTERM, shutting down gracefully");
      log(nl.startMs + 15_000, nl.service, "info", `Started ${nl.service} v1.${rng.int(5, 30)}.${rng.int(0, 9)} in ${rng.int(2, 6)}.${rng.int(0, 9)}s`);
      const caller = Object.values(SERVICES).find((s) => s.calls.includes(nl.service))?.name ?? "gateway";
      log(nl.startMs + rng.int(1000, 14_000), caller, "error", `request to ${nl.service} failed after 3 retries`, { "peer.service": nl.service }, null, null, "deploy");
    }
  }

  logs.sort((a, b) => a.timeMs - b.timeMs);
  spans.sort((a, b) => a.endMs - b.endMs);
  return { seed: options.seed, startMs, endMs, logs, spans, failures: labelsOf(effects, logs, spans), noise };
}

function noiseLine(kind: NoiseKind, t: number, rng: Random, log: LogFn): void {
  switch (kind) {
    case "validation_errors": {
      const field = rng.pick(["email", "postalCode", "quantity", "cardExpiry"]);
      // Some services log validation failures at ERROR and without a status: words must tell.
      if (rng.chance(0.6)) log(t, "checkout-api", "error", `Validation failed for field '${field}': must be a valid ${field}`, { "http.response.status_code": 400 }, null, null, kind);
      else log(t, "checkout-api", "error", `Validation failed for field '${field}': must be a valid ${field}`, {}, null, null, kind);
      return;
    }
    case "scanner_404": {
      const path = rng.pick(["/wp-login.php", "/.env", "/wp-admin/setup-config.php", "/phpmyadmin/index.php", "/.git/config", "/cgi-bin/luci"]);
      const scanner = rng.chance(0.5);
      log(t, "gateway", rng.chance(0.3) ? "error" : "warn", `GET ${path} 404 ${rng.int(1, 4)}ms`, {
        "http.request.method": "GET",
        "url.path": path,
        "http.response.status_code": 404,
        "user_agent.original": scanner ? "Mozilla/5.0 zgrab/0.x" : "Mozilla/5.0 (Windows NT 10.0; Win64; x64)",
      }, null, null, kind);
      return;
    }
    case "expired_tokens": {
      const when = new Date(t - rng.int(60_000, 86_400_000)).toISOString();
      log(t, rng.chance(0.5) ? "gateway" : "auth-api", rng.chance(0.5) ? "error" : "warn", `JWT expired at ${when}, rejecting request`, { "http.response.status_code": 401 }, null, null, kind);
      return;
    }
    case "rate_limited_429":
      log(t, "gateway", "error", `rate limit exceeded for client 10.${rng.int(0, 255)}.${rng.int(0, 255)}.${rng.int(1, 254)}: 429 Too Many Requests`, { "http.response.status_code": 429 }, null, null, kind);
      return;
    default:
      return;
  }
}

type LogFn = (
  timeMs: number,
  service: string,
  level: Level,
  body: string,
  attributes?: ScenarioLog["attributes"],
  trace?: { traceId: string; spanId: string } | null,
  failureId?: string | null,
  noise?: NoiseKind | null,
) => void;

/** Ground truth: a service is affected when the failure made it log at least 3 error lines, or fail at least 3 spans. */
function labelsOf(effects: FailureEffect[], logs: ScenarioLog[], spans: ScenarioSpan[]): FailureLabel[] {
  return effects.map((e) => {
    const count = (m: Map<string, number>, service: string) => m.set(service, (m.get(service) ?? 0) + 1);
    const errors = new Map<string, number>();
    const failedSpans = new Map<string, number>();
    for (const l of logs) {
      if (l.failureId === e.id && l.severityNumber >= 17 && l.service !== e.service) count(errors, l.service);
    }
    for (const s of spans) {
      if (s.failureId === e.id && s.error && s.service !== e.service) count(failedSpans, s.service);
    }
    for (const [service, n] of failedSpans) if (n > (errors.get(service) ?? 0)) errors.set(service, n);
    return {
      id: e.id,
      kind: e.kind,
      rootCauseService: e.service,
      affectedServices: [...errors].filter(([, n]) => n >= 3).map(([s]) => s).sort(),
      startMs: e.startMs,
      endMs: e.endMs,
    };
  });
}
