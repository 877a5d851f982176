import { hash } from "node:crypto";
import type { FlatAttributes, LogDocument } from "../../../contracts/records";
import type { AnyValue, KeyValue, LogRecord, Resource, ResourceLogs, ScopeLogs } from "../decode/otlp-types";
import type { Redactor } from "../redact/redactor";
import { flattenAttributes, plainValue } from "./attributes";
import { nanosToEpochMs, placeEventMs, usableMs, type EventTimeBounds, type TimeAdjustment } from "./event-time";
import { httpStatusOf } from "./http-status";
import { normalizeSeverity } from "./severity";

/** What normalization knows about one resource, computed once per ResourceLogs. */
export interface ResourceContext {
  tenantId: string;
  resource: FlatAttributes;
  service: string;
  serviceNamespace: string | null;
  environment: string | null;
  host: string | null;
  pod: string | null;
  /** Hash of the tenant and the resource's attributes, part of every document id. */
  identity: string;
  /** True when redaction changed a resource attribute. */
  resourceRedacted: boolean;
  /** Epoch milliseconds to ISO-8601 (cached per second). */
  iso: (ms: number) => string;
}

/** A normalized record before template mining fills `template_id` and `template`. */
export interface NormalizedRecord {
  document: LogDocument;
  /** Event time in epoch milliseconds. */
  timeMs: number;
  /** Set when the record's own timestamp was not used (see `placeEventTime`). */
  timeAdjustment: TimeAdjustment | null;
}

/** Attribute that keeps a record's own timestamp when it was not used as its event time. */
export const ORIGINAL_TIME_ATTRIBUTE = "logclaw.original_time_unix_nano";

/**
 * ISO-8601 of epoch milliseconds. Records arrive in bursts within the same second, so the
 * "YYYY-MM-DDTHH:MM:SS." part is cached; Date#toISOString per record is a measurable share of the
 * pipeline. The milliseconds come from a table: each time is then one string joined from two (the
 * pieces of a formatted one were a measurable share of the pipeline's garbage).
 */
function createIsoFormatter(): (ms: number) => string {
  let second = NaN;
  let prefix = "";
  return (ms) => {
    // Five- and six-digit years have a longer prefix: no cache for them.
    if (ms >= YEAR_10000_MS || !Number.isInteger(ms)) return new Date(ms).toISOString();
    const s = Math.floor(ms / 1000);
    if (s !== second) {
      second = s;
      prefix = `${new Date(s * 1000).toISOString().slice(0, 19)}.`;
    }
    return prefix + MILLIS_Z[ms - s * 1000];
  };
}
const YEAR_10000_MS = 253402300800000;
/** "000Z" to "999Z": the end of an ISO-8601 time by its milliseconds. */
const MILLIS_Z: readonly string[] = Array.from({ length: 1000 }, (_, n) => `${String(n).padStart(3, "0")}Z`);

function stringOrNull(v: unknown): string | null {
  return typeof v === "string" && v !== "" ? v : v === undefined || v === null || v === "" ? null : String(v);
}

export function resourceContext(tenantId: string, rl: ResourceLogs, redactor: Redactor): ResourceContext {
  return buildResourceContext(tenantId, rl.resource, JSON.stringify(rl.resource.attributes), redactor, createIsoFormatter());
}

function buildResourceContext(
  tenantId: string,
  otlpResource: Resource,
  attributesJson: string,
  redactor: Redactor,
  iso: (ms: number) => string,
): ResourceContext {
  const resource = flattenAttributes(otlpResource.attributes);
  const resourceRedacted = redactor.attributes(resource);
  return {
    resourceRedacted,
    iso,
    tenantId,
    resource,
    // OTel SDKs report `unknown_service` (optionally `:process`) when service.name is not set.
    service: stringOrNull(resource["service.name"]) ?? "unknown_service",
    serviceNamespace: stringOrNull(resource["service.namespace"]),
    environment: stringOrNull(resource["deployment.environment.name"] ?? resource["deployment.environment"]),
    host: stringOrNull(resource["host.name"] ?? resource["k8s.node.name"]),
    pod: stringOrNull(resource["k8s.pod.name"]),
    identity: hash("sha1", `${tenantId}\u0000${attributesJson}`, "hex"),
  };
}

/** Distinct resources remembered by a `ResourceContexts`; past it the memo starts over. */
const MAX_CACHED_RESOURCES = 4096;
/**
 * Resources compared under one first value. Past it (one service on many hosts or pods), a resource
 * is found by its key instead: a lookup never compares more than these few.
 */
const MAX_COMPARED_RESOURCES = 8;

/**
 * `resourceContext` memoized on the resource's attributes: every batch repeats the same few
 * resources, and flattening, redacting and hashing them was a measurable share of the pipeline.
 * Documents of one resource share its (already redacted) `resource` object, as they do within one
 * ResourceLogs.
 *
 * A resource whose attribute values are all plain strings (nearly every one) is found by comparing
 * its keys and values with those of the resources remembered under its first value, without building
 * a key: joining and hashing a key of a few hundred characters per ResourceLogs was ~1.5 % of replay
 * CPU. Any other resource, and any past the first few under one first value, is found by
 * `resourceKey`. Both tell resources apart exactly as their attributes' JSON does.
 */
export function createResourceContexts(tenantId: string, redactor: Redactor): (resource: Resource) => ResourceContext {
  const iso = createIsoFormatter();
  let byFirstValue = new Map<string, RememberedResource[]>();
  let byKey = new Map<string, ResourceContext>();
  let remembered = 0;
  const build = (resource: Resource) => {
    if (remembered >= MAX_CACHED_RESOURCES) {
      byFirstValue = new Map();
      byKey = new Map();
      remembered = 0;
    }
    remembered += 1;
    return buildResourceContext(tenantId, resource, JSON.stringify(resource.attributes), redactor, iso);
  };
  return (resource) => {
    const attributes = resource.attributes;
    const first = attributes.length === 0 ? "" : stringOnly(attributes[0].value);
    if (first !== undefined) {
      const bucket = byFirstValue.get(first);
      if (bucket !== undefined) {
        for (let i = 0; i < bucket.length; i++) if (samePairs(bucket[i].pairs, attributes)) return bucket[i].ctx;
      }
      const pairs = bucket === undefined || bucket.length < MAX_COMPARED_RESOURCES ? stringPairs(attributes) : null;
      if (pairs !== null) {
        const ctx = build(resource);
        // `build` may have started the memo over: the bucket is looked up again.
        const current = byFirstValue.get(first);
        if (current === undefined) byFirstValue.set(first, [{ pairs, ctx }]);
        else current.push({ pairs, ctx });
        return ctx;
      }
    }
    const key = resourceKey(attributes);
    let ctx = byKey.get(key);
    if (ctx === undefined) {
      ctx = build(resource);
      byKey.set(key, ctx);
    }
    return ctx;
  };
}

interface RememberedResource {
  /** Keys and values, alternating. */
  pairs: readonly string[];
  ctx: ResourceContext;
}

/** The attributes' keys and values, alternating, when every value is a plain string and nothing else; else null. */
function stringPairs(attributes: readonly KeyValue[]): string[] | null {
  const pairs: string[] = new Array(attributes.length * 2);
  for (let i = 0; i < attributes.length; i++) {
    const kv = attributes[i];
    const s = stringOnly(kv.value);
    if (s === undefined) return null;
    pairs[2 * i] = kv.key;
    pairs[2 * i + 1] = s;
  }
  return pairs;
}

function samePairs(pairs: readonly string[], attributes: readonly KeyValue[]): boolean {
  if (pairs.length !== attributes.length * 2) return false;
  for (let i = 0; i < attributes.length; i++) {
    const kv = attributes[i];
    if (kv.key !== pairs[2 * i] || stringOnly(kv.value) !== pairs[2 * i + 1]) return false;
  }
  return true;
}

/** The value's string when it is `{ stringValue }` and nothing else (so its JSON is that of the string alone). */
function stringOnly(value: AnyValue): string | undefined {
  const s = value.stringValue;
  if (s === undefined) return undefined;
  let fields = 0;
  for (const _ in value) fields += 1;
  return fields === 1 ? s : undefined;
}

/**
 * A memo key that tells resources apart exactly as their attributes' JSON does, built for a fraction
 * of JSON.stringify's cost: every entry is length-prefixed, so no two attribute lists share a key; a
 * value other than a plain string goes in as JSON.
 */
function resourceKey(attributes: readonly KeyValue[]): string {
  let key = "";
  for (let i = 0; i < attributes.length; i++) {
    const kv = attributes[i];
    const s = stringOnly(kv.value);
    if (s !== undefined) key += `s${kv.key.length}:${kv.key}${s.length}:${s}`;
    else {
      const json = JSON.stringify(kv);
      key += `j${json.length}:${json}`;
    }
  }
  return key;
}

/** Nanoseconds (decimal string) to epoch milliseconds, or null for "unset" and out-of-range values. */
export function nanosToMs(nanos: string): number | null {
  return usableMs(nanosToEpochMs(nanos));
}

/**
 * What normalization reads of one log record, whichever way it was decoded: `recordFields` of a decoded
 * `LogRecord` (protobuf, or a request decoded up front), `readJsonLogRecord` straight from parsed OTLP/JSON.
 */
export interface RecordFields {
  timeUnixNano: string;
  observedTimeUnixNano: string;
  /** The two times as `nanosToEpochMs` gives them (null when unset, NaN beyond any date), converted once per record. */
  timeMs: number | null;
  observedMs: number | null;
  severityNumber: number;
  severityText: string;
  flags: number;
  /** Lower-case hex, or "" when absent. */
  traceId: string;
  spanId: string;
  /** The message before redaction (`messageOf`). */
  message: string;
  /** The record's attributes flattened, a map body's other keys under `body.`; the document takes (and redacts) this object. */
  attributes: FlatAttributes;
}

/**
 * The log message: a string body as is; a map body's `message`/`msg` string (the other keys go to
 * attributes under `body.`); any other body as JSON text.
 */
export function messageOf(body: AnyValue | null, attributes: FlatAttributes): string {
  if (body === null) return "";
  if (body.stringValue !== undefined) return body.stringValue;
  if (body.kvlistValue !== undefined) {
    const kvs = body.kvlistValue.values;
    const main = kvs.find((kv) => (kv.key === "message" || kv.key === "msg") && kv.value.stringValue !== undefined);
    if (main) {
      flattenAttributes(
        kvs.filter((kv) => kv !== main),
        attributes,
        "body.",
      );
      return main.value.stringValue as string;
    }
  }
  const plain = plainValue(body);
  return typeof plain === "string" ? plain : JSON.stringify(plain);
}

/** The fields normalization reads of a decoded log record. */
export function recordFields(record: LogRecord): RecordFields {
  const attributes = flattenAttributes(record.attributes);
  return {
    timeUnixNano: record.timeUnixNano,
    observedTimeUnixNano: record.observedTimeUnixNano,
    timeMs: nanosToEpochMs(record.timeUnixNano),
    observedMs: nanosToEpochMs(record.observedTimeUnixNano),
    severityNumber: record.severityNumber,
    severityText: record.severityText,
    flags: record.flags,
    traceId: record.traceId,
    spanId: record.spanId,
    message: messageOf(record.body, attributes),
    attributes,
  };
}

function hasKeys(attributes: FlatAttributes): boolean {
  for (const _ in attributes) return true;
  return false;
}

/** One decoded OTLP log record to a LogDocument (template fields empty); see `normalizeFields`. */
export function normalizeRecord(
  ctx: ResourceContext,
  scope: ScopeLogs,
  record: LogRecord,
  redactor: Redactor,
  receivedMs: number,
  bounds: EventTimeBounds,
): NormalizedRecord {
  return normalizeFields(ctx, scope.scope.name, recordFields(record), redactor, receivedMs, bounds);
}

/**
 * One log record to a LogDocument (template fields empty). The event time is the record's own
 * time when it lies within `bounds` around `receivedMs`, else the received time, with the original
 * timestamp kept in the `logclaw.original_time_unix_nano` attribute (`placeEventTime`).
 */
export function normalizeFields(
  ctx: ResourceContext,
  scopeName: string,
  record: RecordFields,
  redactor: Redactor,
  receivedMs: number,
  bounds: EventTimeBounds,
): NormalizedRecord {
  const placed = placeEventMs(record.timeMs, record.observedMs, receivedMs, bounds);
  const observedMs = usableMs(record.observedMs);
  const at = placed.timeMs;
  const attributes = record.attributes;
  const rawMessage = record.message;
  // Many records carry no attributes: nothing to redact, no status to read, and no JSON.stringify
  // (which allocates a sizeable buffer even for "{}").
  let hasAttributes = hasKeys(attributes);
  const attributesText = hasAttributes ? JSON.stringify(attributes) : "{}";
  // Everything that makes the record itself, before redaction, so a replay hashes to the same id.
  // Joined once rather than a template literal: one string, where the literal left a chain of
  // twenty pieces for the hash to copy again (most of normalization's garbage, hence young-GC time).
  const idText = [
    ctx.identity,
    scopeName,
    record.timeUnixNano,
    record.observedTimeUnixNano,
    record.severityNumber,
    record.severityText,
    record.traceId,
    record.spanId,
    record.flags,
    rawMessage,
    attributesText,
  ].join("\u0000");
  const id = hash("sha1", idText, "hex").slice(0, 32);
  // After the id: the id hashes the record as sent, so a replay still finds the same document.
  if (placed.adjustment !== null && record.timeMs !== null) {
    attributes[ORIGINAL_TIME_ATTRIBUTE] = record.timeUnixNano;
    hasAttributes = true;
  }
  const message = redactor.text(rawMessage);
  const attributesRedacted = hasAttributes && redactor.attributes(attributes);
  const severity = normalizeSeverity(record.severityNumber, record.severityText);
  return {
    timeMs: at,
    timeAdjustment: placed.adjustment,
    document: {
      id,
      "@timestamp": ctx.iso(at),
      observed_timestamp: observedMs === null ? null : ctx.iso(observedMs),
      tenant_id: ctx.tenantId,
      service: ctx.service,
      service_namespace: ctx.serviceNamespace,
      environment: ctx.environment,
      host: ctx.host,
      pod: ctx.pod,
      severity_text: severity.text,
      severity_number: severity.number,
      message: message.value,
      template_id: "",
      template: "",
      trace_id: record.traceId === "" ? null : record.traceId,
      span_id: record.spanId === "" ? null : record.spanId,
      http_status: hasAttributes ? httpStatusOf(attributes) : null,
      attributes,
      resource: ctx.resource,
      redacted: message.redacted || attributesRedacted || ctx.resourceRedacted,
    },
  };
}
