import { InvalidCursorError, type LogFieldRef, type LogFilter, type LogSearch, type LogTextTerm } from "../../ports/stores";

/**
 * SQL for a parsed log search over the `logs` table: conditions with named parameters, the FTS5
 * match for free text, and the (timestamp, seq) cursor of keyset paging.
 */
export interface SqlFilter {
  from: string;
  where: string[];
  params: Record<string, string | number>;
}

/** Columns kept beside the JSON document (indexed); other fields are read from the document. */
const COLUMNS: Partial<Record<string, string>> = {
  service: "logs.service",
  severity_text: "logs.severity_text",
  severity_number: "logs.severity_number",
  trace_id: "logs.trace_id",
};

/** Columns looked up through a key index: ids by their last `KEY_CHARS` characters (logs-005), trace ids by a token (logs-006). */
export type KeyedColumn = "id" | "trace_id";
/** As in logs-005's index expression: SQLite uses an expression index only for the same expression. */
const KEY_CHARS = 8;

/**
 * The token a trace id is indexed by in `logs_trace` (logs-006): its last 8 characters in hex, one
 * FTS5 token whatever the id's characters; `value` is an SQL expression. As in logs-006's statements.
 */
export function traceKey(value: string): string {
  return `substr(hex(${value}), -16)`;
}

/** The FTS5 query for one key: the token quoted as a phrase (hex needs no escaping). */
function traceMatch(value: string): string {
  return `'"' || ${traceKey(value)} || '"'`;
}

/** `trace_id:<id>` in a query (the dashboard's "logs of this trace"): answered through the trace index. */
function isKeyedFilter(f: LogFilter): f is LogFilter & { value: string } {
  return f.op === "eq" && !f.negate && f.field.scope === "doc" && f.field.name === "trace_id" && typeof f.value === "string";
}

/** `column = value` through the column's key index: the key finds the candidates, the whole value decides. */
export function keyedEquals(column: KeyedColumn, value: string): string {
  if (column === "trace_id") return `logs.seq IN (SELECT rowid FROM logs_trace WHERE logs_trace MATCH ${traceMatch(value)}) AND logs.trace_id = ${value}`;
  return `substr(logs.${column}, -${KEY_CHARS}) = substr(${value}, -${KEY_CHARS}) AND logs.${column} = ${value}`;
}

/** `column IN (values)` through the column's key index. */
export function keyedIn(column: KeyedColumn, values: readonly string[]): string {
  if (column === "trace_id") {
    return `logs.seq IN (SELECT rowid FROM logs_trace WHERE logs_trace MATCH ${values.map(traceMatch).join(` || ' OR ' || `)}) AND logs.trace_id IN (${values.join(", ")})`;
  }
  const suffixes = values.map((v) => `substr(${v}, -${KEY_CHARS})`);
  return `substr(logs.${column}, -${KEY_CHARS}) IN (${suffixes.join(", ")}) AND logs.${column} IN (${values.join(", ")})`;
}

function ftsWords(text: string): string[] {
  return (text.toLowerCase().match(/[\p{L}\p{N}_]+/gu) ?? []) as string[];
}

/** FTS5 syntax for one term: a word as a prefix, a phrase with its last word as a prefix; null when it has no words. */
function ftsTerm(term: LogTextTerm): string | null {
  const w = ftsWords(term.text);
  if (w.length === 0) return null;
  return term.phrase ? `"${w.join(" ")}"*` : w.map((x) => `"${x}"*`).join(" AND ");
}

class Builder {
  readonly where: string[] = [];
  readonly params: Record<string, string | number> = {};
  private n = 0;

  param(value: string | number): string {
    const name = `p${this.n++}`;
    this.params[name] = value;
    return `@${name}`;
  }

  /** SQL expressions for where a field's value is: one for a document field or scoped key, two for `any`. */
  locations(field: LogFieldRef): { value: string; type: string | null }[] {
    if (field.scope === "doc") {
      const column = COLUMNS[field.name];
      if (column) return [{ value: column, type: null }];
      const path = this.param(`$."${field.name}"`);
      return [{ value: `json_extract(logs.doc, ${path})`, type: `json_type(logs.doc, ${path})` }];
    }
    const scopes = field.scope === "any" ? ["attributes", "resource"] : [field.scope];
    return scopes.map((scope) => {
      // Keys are flattened and dotted ("http.route"): quoted as one JSON path label.
      const path = this.param(`$.${scope}."${field.key.replace(/"/g, "")}"`);
      return { value: `json_extract(logs.doc, ${path})`, type: `json_type(logs.doc, ${path})` };
    });
  }

  condition(f: LogFilter): string {
    if (isKeyedFilter(f)) return keyedEquals("trace_id", this.param(f.value));
    const parts = this.locations(f.field).map(({ value, type }) => {
      if (f.op === "exists") return type ? `(${type} IS NOT NULL AND ${type} <> 'null')` : `${value} IS NOT NULL`;
      if (f.op === "eq") {
        if (typeof f.value === "number") return `${value} = ${this.param(f.value)}`;
        // JSON true/false come back from json_extract as 1/0: compare their JSON spelling instead.
        const text = type ? `(CASE ${type} WHEN 'true' THEN 'true' WHEN 'false' THEN 'false' ELSE CAST(${value} AS TEXT) END)` : value;
        return `${text} = ${this.param(f.value)}`;
      }
      const op = { gt: ">", gte: ">=", lt: "<", lte: "<=" }[f.op];
      const numeric = type ? `${type} IN ('integer', 'real') AND ` : "";
      return `(${numeric}${value} ${op} ${this.param(f.value)})`;
    });
    const any = parts.length === 1 ? parts[0] : `(${parts.join(" OR ")})`;
    // A missing value makes the condition NULL: "not (missing = x)" must hold, hence COALESCE.
    return f.negate ? `NOT COALESCE(${any}, 0)` : any;
  }
}

function toMillis(iso: string, field: string): number {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new Error(`log query: ${field} is not an ISO-8601 time: ${iso}`);
  return ms;
}

/** Every condition of the search except the cursor; null when free text makes it match nothing. */
export function sqlFilterOf(search: Omit<LogSearch, "limit" | "order" | "cursor">): SqlFilter | null {
  const b = new Builder();
  let from = "logs";
  // With ids or trace ids, their index finds a handful of rows: "+" keeps the planner from walking
  // the tenant's whole (tenant, time) index instead (it would, to save the sort).
  const keyed = search.ids !== undefined || search.traceIds !== undefined || search.filters.some(isKeyedFilter);
  b.where.push(`${keyed ? "+" : ""}logs.tenant_id = ${b.param(search.tenant)}`);
  const positive = search.terms.filter((t) => !t.negate).map(ftsTerm).filter((t): t is string => t !== null);
  if (positive.length > 0) {
    from = "logs JOIN logs_fts ON logs_fts.rowid = logs.seq";
    b.where.push(`logs_fts MATCH ${b.param(positive.join(" AND "))}`);
  }
  for (const term of search.terms.filter((t) => t.negate)) {
    const fts = ftsTerm(term);
    if (fts) b.where.push(`logs.seq NOT IN (SELECT rowid FROM logs_fts WHERE logs_fts MATCH ${b.param(fts)})`);
  }
  if (search.service) b.where.push(`logs.service = ${b.param(search.service)}`);
  if (search.severity) b.where.push(`logs.severity_text = ${b.param(search.severity)}`);
  if (search.from) b.where.push(`logs.ts_ms >= ${b.param(toMillis(search.from, "from"))}`);
  if (search.to) b.where.push(`logs.ts_ms <= ${b.param(toMillis(search.to, "to"))}`);
  if (search.traceIds) {
    if (search.traceIds.length === 0) return null;
    b.where.push(keyedIn("trace_id", search.traceIds.map((t) => b.param(t))));
  }
  if (search.ids) {
    if (search.ids.length === 0) return null;
    b.where.push(keyedIn("id", search.ids.map((t) => b.param(t))));
  }
  for (const f of search.filters) b.where.push(b.condition(f));
  return { from, where: b.where, params: b.params };
}

interface CursorPosition {
  order: "desc" | "asc";
  ts: number;
  seq: number;
}

const CURSOR_PREFIX = "s1.";

export function encodeCursor(position: CursorPosition): string {
  return CURSOR_PREFIX + Buffer.from(`${position.order === "desc" ? "d" : "a"}:${position.ts}:${position.seq}`).toString("base64url");
}

export function decodeCursor(cursor: string, order: "desc" | "asc"): CursorPosition {
  const text = cursor.startsWith(CURSOR_PREFIX) ? Buffer.from(cursor.slice(CURSOR_PREFIX.length), "base64url").toString() : "";
  const m = /^([da]):(-?\d{1,16}):(\d{1,16})$/.exec(text);
  if (!m) throw new InvalidCursorError("cursor is not one this store issued");
  const position: CursorPosition = { order: m[1] === "d" ? "desc" : "asc", ts: Number(m[2]), seq: Number(m[3]) };
  if (position.order !== order) throw new InvalidCursorError(`cursor was issued for order=${position.order}`);
  return position;
}

/** The keyset condition "after this position in this order". */
export function cursorCondition(position: CursorPosition, params: Record<string, string | number>): string {
  params.cursor_ts = position.ts;
  params.cursor_seq = position.seq;
  const cmp = position.order === "desc" ? "<" : ">";
  return `(logs.ts_ms ${cmp} @cursor_ts OR (logs.ts_ms = @cursor_ts AND logs.seq ${cmp} @cursor_seq))`;
}
