import type { Incident } from "../../../contracts/records";
import type { Evidence } from "../evidence";
import type { TextRedactor } from "../../bridge/redact";
import type { RootCauseAnalysis } from "../../../contracts/tickets";

interface FamilyRule {
  cause: (service: string) => string;
  fix: string;
}

/** Playbook per failure family the bridge detects; unknown families get the generic entry. */
const FAMILY_RULES: Record<string, FamilyRule> = {
  oom: {
    cause: (s) => `${s} ran out of memory and its process was killed or restarted`,
    fix: "Raise the memory limit or fix the leak; check recent deploys and heap growth before the kill.",
  },
  crash: {
    cause: (s) => `${s} crashed (unhandled error or panic) and restarted`,
    fix: "Inspect the stack trace in the sample logs, roll back the last deploy if it introduced the crash.",
  },
  resource_exhaustion: {
    cause: (s) => `${s} exhausted a resource (disk, file descriptors, threads or a pool)`,
    fix: "Free or enlarge the exhausted resource and cap its consumer; add an alert on its saturation.",
  },
  dependency: {
    cause: (s) => `${s} failed because a downstream dependency is unavailable or erroring`,
    fix: "Check the health of the dependency named in the samples; enable circuit breaking and retries with backoff.",
  },
  database: {
    cause: (s) => `${s} hit database errors (connection, deadlock or query failure)`,
    fix: "Check database health, connection-pool saturation and slow or locking queries.",
  },
  timeout: {
    cause: (s) => `requests in ${s} timed out waiting on a slow component`,
    fix: "Find the slow hop in the trace timeline; tune timeouts and add capacity where latency grows.",
  },
  connection: {
    cause: (s) => `${s} could not open or keep network connections`,
    fix: "Check DNS, network policies and the target's listeners; look for connection-refused or reset patterns.",
  },
  auth: {
    cause: (s) => `${s} rejected or failed authentication/authorization`,
    fix: "Check expired or rotated credentials and certificates, and recent permission changes.",
  },
  error_spike: {
    cause: (s) => `the error rate of ${s} rose far above its baseline`,
    fix: "Correlate the spike's start with deploys and config changes; roll back the change that preceded it.",
  },
  new_error_template: {
    cause: (s) => `${s} started logging an error it never logged before`,
    fix: "Read the new error in the samples; it usually points at the code path a recent change introduced.",
  },
};

const GENERIC: FamilyRule = {
  cause: (s) => `${s} is failing`,
  fix: "Read the sample logs and the trace timeline, starting with the earliest error of the root-cause service.",
};

/**
 * Deterministic RCA from the incident alone plus its evidence: same input, same answer. Used when no
 * LLM is configured and whenever the LLM fails, times out, is circuit-broken or answers malformed.
 */
export function ruleBasedRca(
  incident: Incident,
  evidence: Evidence,
  redact: TextRedactor,
  generatedAt: string,
  fallbackReason: string | null,
): RootCauseAnalysis {
  const rule = FAMILY_RULES[incident.family] ?? GENERIC;
  const origin = incident.rootCauseService || incident.service;
  const blast = incident.affectedServices.filter((s) => s !== origin);
  const via = origin !== incident.service ? ` (detected in ${incident.service})` : "";
  const spread = blast.length ? `; the failure spread to ${blast.join(", ")}` : "";

  const signals = [...incident.signals]
    .sort((a, b) => b.weight - a.weight || a.name.localeCompare(b.name))
    .slice(0, 3)
    .map((s) => `signal ${s.name} (weight ${s.weight.toFixed(2)})`);
  const firstErrors = [...incident.timeline]
    .filter((e) => e.severity === "error" || e.severity === "fatal")
    .sort((a, b) => a.at.localeCompare(b.at) || a.logId.localeCompare(b.logId))
    .slice(0, 3)
    .map((e) => `${e.at} ${e.service}: ${redact(e.message).slice(0, 300)}`);
  const samples = evidence.samples.slice(0, 2).map((s) => `${s.at} ${s.service}: ${redact(s.message).slice(0, 300)}`);
  const evidenceLines = [...signals, ...firstErrors, ...samples];
  if (evidenceLines.length === 0) evidenceLines.push(`${incident.occurrences} detection(s) of ${redact(incident.template)}`);

  return {
    rootCause: `${rule.cause(origin)}${via}${spread}.`,
    evidence: evidenceLines,
    affectedServices: [origin, ...blast],
    suggestedFix: rule.fix,
    confidence: Math.round(Math.min(0.8, 0.3 + 0.5 * incident.score) * 100) / 100,
    source: "rules",
    model: null,
    fallbackReason,
    generatedAt,
  };
}
