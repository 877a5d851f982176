import type { LogDocument } from "../../../contracts/records";
import { classifyClientSide, IMMEDIATE_FAMILIES, matchFamily, type ClientSideKind, type FailureFamily } from "./families";

/** What one record says about failure, before any window is involved. */
export interface RecordAssessment {
  family: FailureFamily | null;
  /** The matched word or phrase. */
  phrase: string | null;
  /** Evidence weight in [0,1]: the family's weight scaled by severity, HTTP status and stack traces. */
  weight: number;
  /** Counts as an error in the windowed statistics (server-side failure, not client noise). */
  isError: boolean;
  clientSide: ClientSideKind | null;
  /** Opens an incident on this record alone. */
  immediate: boolean;
  stackTrace: boolean;
}

const FAMILY_WEIGHT: Record<FailureFamily, number> = {
  oom: 0.95,
  crash: 0.95,
  resource_exhaustion: 0.9,
  database: 0.75,
  timeout: 0.65,
  connection: 0.7,
  dependency: 0.65,
  auth: 0.5,
};

/** A failure word in an info or debug line is mostly chatter ("retrying after timeout", "pool size 20"). */
const SEVERITY_FACTOR: Record<LogDocument["severity_text"], number> = {
  fatal: 1,
  error: 0.85,
  warn: 0.35,
  info: 0.08,
  debug: 0.04,
  trace: 0.02,
};

/** An error record without a failure word still carries some evidence. */
const GENERIC_ERROR_WEIGHT = 0.3;

const STACK_IN_MESSAGE = /(?:\n\s+at [\w$.<>]+\(|Traceback \(most recent call last\)|goroutine \d+ \[|\n\s+at .+:\d+:\d+\))/;

function hasStackTrace(doc: LogDocument): boolean {
  return (
    typeof doc.attributes["exception.stacktrace"] === "string" ||
    typeof doc.attributes["exception.type"] === "string" ||
    STACK_IN_MESSAGE.test(doc.message)
  );
}

/**
 * Scores one record: failure family (words, not substrings) weighted by severity, HTTP status and stack trace.
 * `errorsOnly`: a record that is no error gets only its client-side kind (family null, weight 0, no stack
 * trace). The windows read the rest of the errors alone, and reading the failure words and the stack
 * trace of every info line was most of the cost.
 */
export function assessRecord(doc: LogDocument, errorsOnly = false): RecordAssessment {
  const status = doc.http_status;
  const clientSide = classifyClientSide(doc.message, status, doc.attributes);
  const serverError = status !== null && status >= 500;
  const severe = doc.severity_number >= 17;
  // A client's 4xx never counts as a server failure, whatever words it carries; below warning severity
  // only a 5xx makes an error, and a warning is one with a stack trace.
  const mayBeError = clientSide === null && (severe || serverError || doc.severity_number >= 13);
  if (errorsOnly && !mayBeError) return noError(clientSide);
  const stackTrace = hasStackTrace(doc);
  const isError = mayBeError && (severe || serverError || stackTrace);
  if (errorsOnly && !isError) return noError(clientSide);
  const match = clientSide === null || clientSide === "client_error" ? matchFamily(doc.message) : null;
  let weight: number;
  if (clientSide !== null) {
    weight = 0.02;
  } else {
    const base = match ? FAMILY_WEIGHT[match.family] : isError ? GENERIC_ERROR_WEIGHT : 0;
    const severityFactor = serverError ? Math.max(SEVERITY_FACTOR[doc.severity_text], 0.85) : SEVERITY_FACTOR[doc.severity_text];
    weight = base * severityFactor + (serverError ? 0.05 : 0) + (stackTrace && isError ? 0.05 : 0);
    weight = Math.min(1, weight);
  }
  const immediate = isError && severe && match !== null && IMMEDIATE_FAMILIES.has(match.family);
  return {
    family: match?.family ?? null,
    phrase: match?.phrase ?? null,
    weight,
    isError,
    clientSide,
    immediate,
    stackTrace,
  };
}

/**
 * The assessment of a record that is no error depends only on its client-side kind: one shared, frozen
 * object per kind, since nearly every record is no error and a new object each was garbage to collect.
 */
function noErrorOf(clientSide: ClientSideKind | null): RecordAssessment {
  return Object.freeze({ family: null, phrase: null, weight: 0, isError: false, clientSide, immediate: false, stackTrace: false });
}

const NO_ERROR = noErrorOf(null);
const NO_ERROR_BY_KIND: Readonly<Record<ClientSideKind, RecordAssessment>> = {
  client_error: noErrorOf("client_error"),
  scanner: noErrorOf("scanner"),
  validation: noErrorOf("validation"),
  expired_credentials: noErrorOf("expired_credentials"),
};

function noError(clientSide: ClientSideKind | null): RecordAssessment {
  return clientSide === null ? NO_ERROR : NO_ERROR_BY_KIND[clientSide];
}
