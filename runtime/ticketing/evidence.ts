import type { LogStore } from "../ports/stores";
import type { Incident, LogDocument } from "../../contracts/records";

/** How much evidence one incident may pull; keeps prompts and tickets small and the store unloaded. */
export interface EvidenceLimits {
  /** Sample logs named by the incident. Default 20. */
  samples: number;
  /** Logs sharing the incident's traces. Default 30. */
  traceLogs: number;
  /** Affected services searched for errors (blast radius). Default 5. */
  blastServices: number;
  /** Error logs per affected service. Default 5. */
  perService: number;
  /** Characters kept of one message. Default 500. */
  messageChars: number;
  /** Look-back before `firstSeen` for blast-radius logs, in ms. Default 5 minutes. */
  lookbackMs: number;
}

export const DEFAULT_EVIDENCE_LIMITS: EvidenceLimits = {
  samples: 20,
  traceLogs: 30,
  blastServices: 5,
  perService: 5,
  messageChars: 500,
  lookbackMs: 5 * 60_000,
};

export interface EvidenceLog {
  id: string;
  at: string;
  service: string;
  severity: string;
  message: string;
  traceId: string | null;
  httpStatus: number | null;
}

export interface Evidence {
  samples: EvidenceLog[];
  traceLogs: EvidenceLog[];
  /** Error logs of the other affected services around the incident, by service. */
  blastRadius: Record<string, EvidenceLog[]>;
  /** Why evidence is partial (the store failed); the RCA still runs on the incident alone. */
  errors: string[];
}

function toEvidence(doc: LogDocument, messageChars: number): EvidenceLog {
  return {
    id: doc.id,
    at: doc["@timestamp"],
    service: doc.service,
    severity: doc.severity_text,
    message: doc.message.length > messageChars ? `${doc.message.slice(0, messageChars)}…` : doc.message,
    traceId: doc.trace_id,
    httpStatus: doc.http_status,
  };
}

/** Pulls bounded evidence for one incident from the log store; store errors degrade, never throw. */
export async function gatherEvidence(
  logs: LogStore,
  incident: Incident,
  limits: EvidenceLimits = DEFAULT_EVIDENCE_LIMITS,
): Promise<Evidence> {
  const errors: string[] = [];
  const safe = async (what: string, run: () => Promise<LogDocument[]>): Promise<LogDocument[]> => {
    try {
      return await run();
    } catch (err) {
      errors.push(`${what}: ${(err as Error).message}`);
      return [];
    }
  };
  const from = new Date(Date.parse(incident.firstSeen) - limits.lookbackMs).toISOString();
  const to = incident.lastSeen;
  const sampleIds = incident.sampleLogIds.slice(0, limits.samples);
  const traceIds = incident.traceIds.slice(0, 20);
  const blastServices = incident.affectedServices.filter((s) => s !== incident.service).slice(0, limits.blastServices);

  const [samples, traceLogs, ...blast] = await Promise.all([
    sampleIds.length ? safe("samples", () => logs.search({ ids: sampleIds, limit: limits.samples })) : [],
    traceIds.length ? safe("traces", () => logs.search({ traceIds, limit: limits.traceLogs })) : [],
    ...blastServices.map((service) =>
      safe(`blast ${service}`, () => logs.search({ service, severity: "error", from, to, limit: limits.perService })),
    ),
  ]);
  const blastRadius: Record<string, EvidenceLog[]> = {};
  blastServices.forEach((service, i) => {
    blastRadius[service] = (blast[i] ?? []).slice(0, limits.perService).map((d) => toEvidence(d, limits.messageChars));
  });
  return {
    samples: samples.slice(0, limits.samples).map((d) => toEvidence(d, limits.messageChars)),
    traceLogs: traceLogs.slice(0, limits.traceLogs).map((d) => toEvidence(d, limits.messageChars)),
    blastRadius,
    errors,
  };
}
