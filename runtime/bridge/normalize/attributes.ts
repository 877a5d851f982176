import type { FlatAttributes, FlatValue } from "../../../contracts/records";
import type { AnyValue, KeyValue } from "../decode/otlp-types";

/** An AnyValue as plain JSON (maps as objects, arrays as arrays, bytes as base64). */
export function plainValue(v: AnyValue): unknown {
  if (v.stringValue !== undefined) return v.stringValue;
  if (v.boolValue !== undefined) return v.boolValue;
  if (v.intValue !== undefined) return intValue(v.intValue);
  if (v.doubleValue !== undefined) return Number.isFinite(v.doubleValue) ? v.doubleValue : String(v.doubleValue);
  if (v.bytesValue !== undefined) return v.bytesValue;
  if (v.arrayValue !== undefined) return v.arrayValue.values.map(plainValue);
  if (v.kvlistValue !== undefined) {
    const obj: Record<string, unknown> = {};
    for (const kv of v.kvlistValue.values) obj[kv.key] = plainValue(kv.value);
    return obj;
  }
  return null;
}

/** int64 as a number when it fits exactly, else the decimal string. */
function intValue(decimal: string): number | string {
  const n = Number(decimal);
  return Number.isSafeInteger(n) ? n : decimal;
}

/** A non-map AnyValue as a flat attribute value: arrays as JSON text, int64 as a number when exact. */
export function flatValue(v: AnyValue): FlatValue {
  if (v.stringValue !== undefined) return v.stringValue;
  if (v.boolValue !== undefined) return v.boolValue;
  if (v.intValue !== undefined) return intValue(v.intValue);
  if (v.doubleValue !== undefined) return Number.isFinite(v.doubleValue) ? v.doubleValue : String(v.doubleValue);
  if (v.bytesValue !== undefined) return v.bytesValue;
  if (v.arrayValue !== undefined) return JSON.stringify(plainValue(v));
  return null;
}

/** Flattens OTLP attributes into dotted keys: maps nest as `a.b.c`, arrays become JSON text. */
export function flattenAttributes(kvs: readonly KeyValue[], out: FlatAttributes = {}, prefix = ""): FlatAttributes {
  for (const kv of kvs) {
    const key = prefix + kv.key;
    if (kv.value.kvlistValue !== undefined) flattenAttributes(kv.value.kvlistValue.values, out, `${key}.`);
    else out[key] = flatValue(kv.value);
  }
  return out;
}
