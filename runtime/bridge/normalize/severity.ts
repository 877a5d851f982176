import type { SeverityText } from "../../../contracts/records";

/** OTel severity number ranges: 1-4 trace, 5-8 debug, 9-12 info, 13-16 warn, 17-20 error, 21-24 fatal. */
export function severityTextOf(n: number): SeverityText {
  if (n >= 21) return "fatal";
  if (n >= 17) return "error";
  if (n >= 13) return "warn";
  if (n >= 9) return "info";
  if (n >= 5) return "debug";
  return "trace";
}

const TEXT_TO_NUMBER: Record<string, number> = {
  trace: 1,
  finest: 1,
  finer: 2,
  debug: 5,
  fine: 5,
  config: 7,
  info: 9,
  information: 9,
  informational: 9,
  notice: 10,
  warn: 13,
  warning: 13,
  error: 17,
  err: 17,
  severe: 17,
  fatal: 21,
  critical: 21,
  crit: 21,
  alert: 22,
  emerg: 23,
  emergency: 23,
  panic: 23,
};

const MAX_SEVERITY_NUMBER = 24;
/** The result for each OTel severity number, built once: the pipeline asks for one per record. */
const BY_NUMBER: readonly Readonly<{ text: SeverityText; number: number }>[] = Array.from({ length: MAX_SEVERITY_NUMBER + 1 }, (_, n) =>
  Object.freeze({ text: severityTextOf(n), number: n }),
);

/**
 * The record's severity: the number when set (the OTel mapping), else the text (syslog, log4j, Python
 * and common spellings, e.g. "ERROR2" or "Warning"), else info.
 */
export function normalizeSeverity(severityNumber: number, severityText: string): { text: SeverityText; number: number } {
  if (severityNumber > 0) return severityNumber <= MAX_SEVERITY_NUMBER && Number.isInteger(severityNumber) ? BY_NUMBER[severityNumber] : { text: severityTextOf(severityNumber), number: severityNumber };
  const key = severityText.trim().toLowerCase().replace(/[0-9]+$/, "");
  const n = TEXT_TO_NUMBER[key];
  if (n !== undefined) return { text: severityTextOf(n), number: n };
  return { text: "info", number: 9 };
}
