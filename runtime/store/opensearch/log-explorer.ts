import { InvalidCursorError, type LogQuery, type LogFieldRef, type LogFilter, type LogSearch, type LogTextTerm } from "../../ports/stores";

/**
 * OpenSearch query DSL for a parsed log search (the same semantics as the embedded store's SQL):
 * filters as term/range/exists clauses, free text as prefix matches on `message`, keyset paging with
 * `search_after` on (@timestamp, _id). `attributes` and `resource` are `flat_object` fields, whose
 * values are keywords: a range on an attribute compares numbers only where OpenSearch can parse both.
 */
function fieldPaths(field: LogFieldRef): string[] {
  if (field.scope === "doc") return [field.name];
  if (field.scope === "any") return [`attributes.${field.key}`, `resource.${field.key}`];
  return [`${field.scope}.${field.key}`];
}

function clauseFor(path: string, f: LogFilter): unknown {
  if (f.op === "exists") return { exists: { field: path } };
  if (f.op === "eq") return { term: { [path]: f.value } };
  return { range: { [path]: { [f.op]: f.value } } };
}

function filterClause(f: LogFilter): unknown {
  const clauses = fieldPaths(f.field).map((p) => clauseFor(p, f));
  return clauses.length === 1 ? clauses[0] : { bool: { should: clauses, minimum_should_match: 1 } };
}

function textClause(t: LogTextTerm): unknown {
  // match_phrase_prefix: a word matches as a prefix, a phrase in order with its last word as a prefix.
  return { match_phrase_prefix: { message: { query: t.text } } };
}

/** Filter clauses of the basic {@link LogQuery} fields, shared by the evidence search and the explorer. */
export function basicFilters(query: Omit<LogQuery, "q" | "limit">): unknown[] {
  const filter: unknown[] = [];
  if (query.service) filter.push({ term: { service: query.service } });
  if (query.severity) filter.push({ term: { severity_text: query.severity } });
  if (query.from || query.to) {
    filter.push({ range: { "@timestamp": { ...(query.from ? { gte: query.from } : {}), ...(query.to ? { lte: query.to } : {}) } } });
  }
  if (query.traceIds) filter.push({ terms: { trace_id: query.traceIds } });
  if (query.ids) filter.push({ ids: { values: query.ids } });
  return filter;
}

/** The bool query of a search (no paging). */
export function logSearchQuery(search: Omit<LogSearch, "limit" | "order" | "cursor">) {
  const filter: unknown[] = [{ term: { tenant_id: search.tenant } }];
  const mustNot: unknown[] = [];
  const must: unknown[] = [];
  for (const t of search.terms) (t.negate ? mustNot : must).push(textClause(t));
  for (const f of search.filters) (f.negate ? mustNot : filter).push(filterClause(f));
  filter.push(...basicFilters(search));
  return { bool: { must, filter, must_not: mustNot } };
}

export function sortFor(order: "desc" | "asc") {
  return [{ "@timestamp": { order } }, { _id: { order } }];
}

const CURSOR_PREFIX = "o1.";

export function encodeSearchAfter(order: "desc" | "asc", sort: unknown[]): string {
  return CURSOR_PREFIX + Buffer.from(JSON.stringify({ o: order, s: sort })).toString("base64url");
}

export function decodeSearchAfter(cursor: string, order: "desc" | "asc"): unknown[] {
  let value: { o?: unknown; s?: unknown } | null = null;
  try {
    if (cursor.startsWith(CURSOR_PREFIX)) value = JSON.parse(Buffer.from(cursor.slice(CURSOR_PREFIX.length), "base64url").toString());
  } catch {
    value = null;
  }
  if (!value || !Array.isArray(value.s) || value.s.length !== 2 || (value.o !== "desc" && value.o !== "asc")) {
    throw new InvalidCursorError("cursor is not one this store issued");
  }
  if (value.o !== order) throw new InvalidCursorError(`cursor was issued for order=${String(value.o)}`);
  return value.s;
}
