import { SEVERITY_TEXTS, type FlatValue, type LogDocument, type SeverityText } from "../../contracts/records";
import { NUMERIC_LOG_FIELDS, type LogDocField, type LogFieldRef, type LogFilter, type LogFilterOp, type LogTextTerm } from "../ports/stores";
import { ParamError } from "./params";

/**
 * The log query syntax of `/api/logs?q=` (README, "Log search"):
 *
 *   service:checkout level>=warn status>=500 http.route:"/api/pay" -env:test "timeout after" refused
 *
 * Terms are separated by spaces and all must hold. `key:value` matches exactly (`key:*`: the key is
 * present), `key>N`, `key>=N`, `key<N`, `key<=N` compare numbers (and levels: trace < debug < info <
 * warn < error < fatal); a leading `-` negates a term; quotes keep spaces in a value or make free
 * text a phrase; other words must occur in the message (prefix match). Keys: the document's fields
 * (with the aliases below), `attributes.<key>`, `resource.<key>`, or any other key, which matches an
 * attribute or a resource key of that name.
 */
export interface ParsedLogQuery {
  filters: LogFilter[];
  terms: LogTextTerm[];
}

const ALIASES: Record<string, LogDocField> = {
  service: "service",
  "service.name": "service",
  level: "severity_text",
  severity: "severity_text",
  severity_text: "severity_text",
  severity_number: "severity_number",
  trace: "trace_id",
  trace_id: "trace_id",
  span: "span_id",
  span_id: "span_id",
  host: "host",
  pod: "pod",
  env: "environment",
  environment: "environment",
  namespace: "service_namespace",
  service_namespace: "service_namespace",
  template: "template_id",
  template_id: "template_id",
  status: "http_status",
  http_status: "http_status",
};

/** OpenTelemetry severity numbers of each level's first step (SeverityNumber: TRACE=1 ... FATAL=21). */
const LEVEL_NUMBERS: Record<SeverityText, number> = { trace: 1, debug: 5, info: 9, warn: 13, error: 17, fatal: 21 };
const LEVEL_ALIASES: Record<string, SeverityText> = { warning: "warn", err: "error", critical: "fatal" };

const MAX_TERMS = 32;
const KEY = /^[A-Za-z_@][\w.@/-]*$/;

interface Token {
  raw: string;
  column: number;
}

/** Splits on spaces outside double quotes; `\"` inside quotes is a literal quote. */
function tokenize(input: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < input.length) {
    while (i < input.length && /\s/.test(input[i])) i++;
    if (i >= input.length) break;
    const start = i;
    let quoted = false;
    while (i < input.length && (quoted || !/\s/.test(input[i]))) {
      if (input[i] === "\\" && quoted && i + 1 < input.length) i += 2;
      else {
        if (input[i] === '"') quoted = !quoted;
        i++;
      }
    }
    if (quoted) throw new ParamError(`parameter q: unterminated quote starting at column ${start + 1}`);
    tokens.push({ raw: input.slice(start, i), column: start + 1 });
  }
  return tokens;
}

function unquote(value: string): { text: string; quoted: boolean } {
  if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) return { text: value.slice(1, -1).replace(/\\"/g, '"'), quoted: true };
  return { text: value, quoted: false };
}

function fieldOf(key: string): LogFieldRef {
  const alias = ALIASES[key.toLowerCase()];
  if (alias) return { scope: "doc", name: alias };
  for (const scope of ["attributes", "resource"] as const) {
    if (key.startsWith(`${scope}.`) && key.length > scope.length + 1) return { scope, key: key.slice(scope.length + 1) };
  }
  if (key.startsWith("attr.") && key.length > 5) return { scope: "attributes", key: key.slice(5) };
  return { scope: "any", key };
}

function level(value: string, column: number): SeverityText {
  const v = value.toLowerCase();
  const known = (SEVERITY_TEXTS as readonly string[]).includes(v) ? (v as SeverityText) : LEVEL_ALIASES[v];
  if (!known) throw new ParamError(`parameter q: level at column ${column} must be one of ${SEVERITY_TEXTS.join(", ")}`);
  return known;
}

const COMPARISON = /^([^:<>=]+?)(>=|<=|>|<|:)(.*)$/s;
const OPS: Record<string, LogFilterOp> = { ":": "eq", ">": "gt", ">=": "gte", "<": "lt", "<=": "lte" };

function parseToken(token: Token): LogFilter | LogTextTerm {
  let raw = token.raw;
  let negate = false;
  if (raw.startsWith("-") && raw.length > 1) {
    negate = true;
    raw = raw.slice(1);
  }
  const match = raw.startsWith('"') ? null : COMPARISON.exec(raw);
  if (!match || !KEY.test(match[1])) {
    const { text, quoted } = unquote(raw);
    if (text.length === 0) throw new ParamError(`parameter q: empty term at column ${token.column}`);
    return { text, phrase: quoted, negate };
  }
  const [, key, opText, rawValue] = match;
  const field = fieldOf(key);
  const { text: value, quoted } = unquote(rawValue);
  if (value.length === 0) throw new ParamError(`parameter q: ${key}${opText} at column ${token.column} needs a value`);
  let op = OPS[opText];
  if (op === "eq" && value === "*" && !quoted) return { field, op: "exists", value: "", negate };
  if (field.scope === "doc" && field.name === "severity_text") {
    const lvl = level(value, token.column);
    // A level comparison is a comparison of severity numbers: level>=warn means warn, error and fatal.
    if (op === "eq") return { field, op, value: lvl, negate };
    const bound = op === "gt" ? LEVEL_NUMBERS[lvl] + 4 : op === "lte" ? LEVEL_NUMBERS[lvl] + 3 : LEVEL_NUMBERS[lvl];
    if (op === "gt") op = "gte";
    return { field: { scope: "doc", name: "severity_number" }, op, value: bound, negate };
  }
  const numeric = field.scope === "doc" && NUMERIC_LOG_FIELDS.includes(field.name);
  if (op !== "eq" || numeric) {
    const n = Number(value);
    if (quoted || value.trim() === "" || !Number.isFinite(n)) {
      throw new ParamError(`parameter q: ${key}${opText} at column ${token.column} needs a number, got ${JSON.stringify(value)}`);
    }
    return { field, op, value: n, negate };
  }
  const exact = field.scope === "doc" && (field.name === "trace_id" || field.name === "span_id") ? value.toLowerCase() : value;
  return { field, op, value: exact, negate };
}

/** Parses the query syntax; throws a ParamError naming the column of the first bad term. */
export function parseLogQuery(input: string): ParsedLogQuery {
  const tokens = tokenize(input);
  if (tokens.length > MAX_TERMS) throw new ParamError(`parameter q: at most ${MAX_TERMS} terms`);
  const parsed: ParsedLogQuery = { filters: [], terms: [] };
  for (const token of tokens) {
    const item = parseToken(token);
    if ("field" in item) parsed.filters.push(item);
    else parsed.terms.push(item);
  }
  return parsed;
}

/** The values a field has in a document (`any` looks in attributes and in resource). */
export function fieldValues(doc: LogDocument, field: LogFieldRef): FlatValue[] {
  if (field.scope === "doc") return [doc[field.name]];
  if (field.scope === "attributes") return field.key in doc.attributes ? [doc.attributes[field.key]] : [];
  const values: FlatValue[] = [];
  if (field.key in doc.attributes) values.push(doc.attributes[field.key]);
  if (field.key in doc.resource) values.push(doc.resource[field.key]);
  return values;
}

function holds(value: FlatValue, op: LogFilterOp, expected: string | number): boolean {
  if (op === "exists") return value !== null;
  if (value === null) return false;
  if (op === "eq") return String(value) === String(expected);
  // Comparisons hold for numeric values only: "500" as text is not compared (as in the stores).
  if (typeof value !== "number" || typeof expected !== "number") return false;
  return op === "gt" ? value > expected : op === "gte" ? value >= expected : op === "lt" ? value < expected : value <= expected;
}

/** Unicode words, lower-cased: how the embedded store's full-text index (FTS5 unicode61) sees text. */
export function words(text: string): string[] {
  return (text.toLowerCase().match(/[\p{L}\p{N}_]+/gu) ?? []) as string[];
}

function containsTerm(messageWords: readonly string[], term: LogTextTerm): boolean {
  const wanted = words(term.text);
  if (wanted.length === 0) return true;
  if (!term.phrase) return wanted.every((w) => messageWords.some((m) => m.startsWith(w)));
  for (let i = 0; i + wanted.length <= messageWords.length; i++) {
    if (wanted.every((w, k) => (k === wanted.length - 1 ? messageWords[i + k].startsWith(w) : messageWords[i + k] === w))) return true;
  }
  return false;
}

/** True when a document satisfies a parsed query (the live tail filters new records with it). */
export function matchesLogQuery(doc: LogDocument, query: ParsedLogQuery): boolean {
  for (const f of query.filters) {
    const ok = fieldValues(doc, f.field).some((v) => holds(v, f.op, f.value));
    if (ok === f.negate) return false;
  }
  if (query.terms.length === 0) return true;
  const messageWords = words(doc.message);
  return query.terms.every((t) => containsTerm(messageWords, t) !== t.negate);
}
