import type { FlatAttributes } from "../../../contracts/records";

/** Current semantic-convention key first, then the legacy ones it replaced (semconv 1.20 and older). */
const HTTP_STATUS_KEYS = ["http.response.status_code", "http.status_code", "http.response.status", "http.status"];

/** The HTTP response status a record reports, or null; numbers and numeric strings, 100-599 only. */
export function httpStatusOf(attributes: FlatAttributes): number | null {
  for (const key of HTTP_STATUS_KEYS) {
    const v = attributes[key];
    if (v === undefined || v === null) continue;
    const n = typeof v === "number" ? v : typeof v === "string" && /^\s*\d{3}\s*$/.test(v) ? Number(v) : NaN;
    if (Number.isInteger(n) && n >= 100 && n <= 599) return n;
  }
  return null;
}
