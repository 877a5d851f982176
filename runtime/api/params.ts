import { SEVERITY_TEXTS, type SeverityText } from "../../contracts/records";

/** A bad query parameter; the message is the one line the API answers with. */
export class ParamError extends Error {}

const ISO = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

type Query = Record<string, unknown>;

/** Express parses `?a=1&a=2` into an array and `?a[b]=1` into an object: only one plain string is accepted. */
function single(query: Query, name: string): string | undefined {
  const value = query[name];
  if (value === undefined) return undefined;
  if (typeof value !== "string") throw new ParamError(`parameter ${name} must be given once, as a plain value`);
  return value;
}

export function rejectUnknown(query: Query, allowed: readonly string[]): void {
  for (const name of Object.keys(query)) {
    if (!allowed.includes(name)) throw new ParamError(`unknown parameter ${name} (allowed: ${allowed.join(", ") || "none"})`);
  }
}

/** An ISO-8601 timestamp, normalized to UTC `toISOString()` form so stores compare strings safely. */
export function isoParam(query: Query, name: string): string | undefined {
  const value = single(query, name);
  if (value === undefined) return undefined;
  const ms = Date.parse(value);
  if (!ISO.test(value) || Number.isNaN(ms)) throw new ParamError(`parameter ${name} must be an ISO-8601 timestamp such as 2026-01-31T12:00:00Z`);
  return new Date(ms).toISOString();
}

export function intParam(query: Query, name: string, min: number, max: number): number | undefined {
  const value = single(query, name);
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
    throw new ParamError(`parameter ${name} must be an integer from ${min} to ${max}`);
  }
  return Number(value);
}

export function textParam(query: Query, name: string, maxLength: number): string | undefined {
  const value = single(query, name);
  if (value === undefined) return undefined;
  if (value.length === 0 || value.length > maxLength) throw new ParamError(`parameter ${name} must be 1 to ${maxLength} characters`);
  return value;
}

export function severityParam(query: Query, name: string): SeverityText | undefined {
  const value = single(query, name);
  if (value === undefined) return undefined;
  if (!(SEVERITY_TEXTS as readonly string[]).includes(value)) {
    throw new ParamError(`parameter ${name} must be one of ${SEVERITY_TEXTS.join(", ")}`);
  }
  return value as SeverityText;
}

export function enumParam<T extends string>(query: Query, name: string, values: readonly T[]): T | undefined {
  const value = single(query, name);
  if (value === undefined) return undefined;
  if (!(values as readonly string[]).includes(value)) throw new ParamError(`parameter ${name} must be one of ${values.join(", ")}`);
  return value as T;
}
