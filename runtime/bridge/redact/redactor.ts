import type { FlatAttributes } from "../../../contracts/records";
import { CREDENTIAL_RULES, DEFAULT_REDACTION, type RedactionConfig, type RedactionRule } from "../../../contracts/redaction";

export { DEFAULT_REDACTION, type RedactionConfig, type RedactionRule };

export interface Redactor {
  /** The text with every match replaced, and whether anything was. */
  text(value: string): { value: string; redacted: boolean };
  /** Redacts string values in place (by value pattern, or wholly when the key names a secret); true if any changed. */
  attributes(attrs: FlatAttributes): boolean;
}

/**
 * Characters a rule's regular expression cannot match without, found for all rules in one scan of
 * the text (`charactersOf`): most text lacks what most rules need, and one scan costs less than a
 * substring search or regular expression per rule. A letter costs nothing to add (one table holds
 * them all), so each rule needs the rarest letters of what it looks for.
 */
const enum Has {
  At = 1,
  Colon = 2,
  /** `=` or `:`, what separates a key from its value. */
  Separator = 4,
  Dot = 8,
  Underscore = 16,
  Dash = 32,
  /** Four decimal digits in a row. */
  DigitRun = 64,
  UpperA = 128,
  UpperJ = 256,
  /** `b` or `B`. */
  B = 512,
  LowerX = 1024,
  /** Thirteen decimal digits, consecutive ones at most one space or dash apart: the least a card number needs. */
  CardDigits = 2048,
  /** `r` or `R`. */
  R = 4096,
  LowerK = 8192,
  LowerG = 16384,
  UpperI = 32768,
}

/** What each ASCII character other than a digit tells on its own: one table lookup instead of a switch. */
const CHARACTER_BITS = new Uint16Array(128);
for (const [c, bits] of [
  ["@", Has.At],
  [":", Has.Colon | Has.Separator],
  ["=", Has.Separator],
  [".", Has.Dot],
  ["_", Has.Underscore],
  ["-", Has.Dash],
  ["A", Has.UpperA],
  ["J", Has.UpperJ],
  ["B", Has.B],
  ["b", Has.B],
  ["x", Has.LowerX],
  ["R", Has.R],
  ["r", Has.R],
  ["k", Has.LowerK],
  ["g", Has.LowerG],
  ["I", Has.UpperI],
] as const) {
  CHARACTER_BITS[c.charCodeAt(0)] = bits;
}

export function charactersOf(text: string): number {
  let has = 0;
  let digits = 0;
  // Digits of the current card-like run; `separated` when the character before was its one space or dash.
  let cardDigits = 0;
  let separated = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      if (++digits === 4) has |= Has.DigitRun;
      if (++cardDigits === 13) has |= Has.CardDigits;
      separated = false;
      continue;
    }
    digits = 0;
    if ((c === 32 || c === 45) && cardDigits > 0 && !separated) separated = true;
    else {
      cardDigits = 0;
      separated = false;
    }
    if (c < 128) has |= CHARACTER_BITS[c];
  }
  return has;
}

export interface Replacement {
  readonly pattern: RegExp;
  readonly replace: (match: string, ...groups: string[]) => string;
  /** `Has` bits the text must all have for the pattern to match (0: no prefilter). */
  readonly needs: number;
  /** A cheap test on the text, once it has `needs`, that skips the regular expression for most of the rest. */
  readonly confirm: ((text: string) => boolean) | null;
}

/** Every replacement through here: one object layout, so the loops over them stay monomorphic. */
function replacement(
  pattern: RegExp,
  replace: Replacement["replace"],
  needs: number,
  confirm: Replacement["confirm"] = null,
): Replacement {
  return { pattern, replace, needs, confirm };
}

export function mayMatch(r: Replacement, text: string, has: number): boolean {
  return (has & r.needs) === r.needs && (r.confirm === null || r.confirm(text));
}

const mark = (kind: string) => `[REDACTED:${kind}]`;

/** `key=value` / `key: value` / `"key": "value"`: keeps the key, replaces the value. */
function keyValueRule(keys: string, kind: string): Replacement {
  const key = new RegExp(`(?:${keys})`, "i");
  return replacement(
    new RegExp(`(\\b(?:${keys})\\b["']?\\s*[=:]\\s*["']?)([^\\s"'&,;]+)`, "gi"),
    (_m, k: string) => `${k}${mark(kind)}`,
    Has.Separator,
    (t) => key.test(t),
  );
}

function luhn(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

export const RULES: Record<RedactionRule, Replacement[]> = {
  email: [replacement(/\b[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b/g, () => mark("email"), Has.At)],
  creditCard: [
    replacement(
      // 13-19 digits, optionally grouped by spaces or dashes; Luhn keeps order ids and timestamps out.
      /\b\d(?:[ -]?\d){12,18}\b/g,
      (m) => (luhn(m.replace(/[ -]/g, "")) ? mark("card") : m),
      // Four digits in a row as well: the rule has always been tried only then (a card written a digit per group stays as is).
      Has.DigitRun | Has.CardDigits,
    ),
  ],
  token: [
    replacement(/\bBearer\s+[A-Za-z0-9\-._~+/]+=*/gi, () => `Bearer ${mark("token")}`, Has.B | Has.R, (t) => /bearer/i.test(t)),
    replacement(/\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g, () => mark("token"), Has.UpperJ, (t) => t.includes("eyJ")),
    keyValueRule("access_token|refresh_token|id_token|auth_token|token|session_id|sessionid|session_token", "token"),
  ],
  password: [
    keyValueRule("password|passwd|pwd|pass|secret|client_secret", "password"),
    // Credentials inside URLs: scheme://user:password@host
    replacement(
      /(\b[a-z][a-z0-9+.-]*:\/\/[^\s:/@]+:)([^\s@/]+)@/gi,
      (_m, pre: string) => `${pre}${mark("password")}@`,
      Has.Colon | Has.At,
      (t) => t.includes("://"),
    ),
  ],
  apiKey: [
    keyValueRule("api[_-]?key|apikey|x-api-key|api[_-]?secret", "apikey"),
    replacement(/\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/g, () => mark("apikey"), Has.UpperA | Has.UpperI, (t) => t.includes("AKIA") || t.includes("ASIA")),
    replacement(/\bsk-[A-Za-z0-9_-]{20,}\b/g, () => mark("apikey"), Has.Dash | Has.LowerK, (t) => t.includes("sk-")),
    replacement(/\bgh[pousr]_[A-Za-z0-9]{36,}\b/g, () => mark("apikey"), Has.Underscore | Has.LowerG),
    replacement(/\bxox[abprs]-[A-Za-z0-9-]{10,}\b/g, () => mark("apikey"), Has.LowerX | Has.Dash, (t) => t.includes("xox")),
    replacement(/\bAIza[0-9A-Za-z_-]{35}\b/g, () => mark("apikey"), Has.UpperA | Has.UpperI, (t) => t.includes("AIza")),
  ],
  ipAddress: [replacement(/\b(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(?:25[0-5]|2[0-4]\d|1?\d?\d)\b/g, () => mark("ip"), Has.Dot)],
};

/** Attribute keys whose whole string value is a secret, by the rule that covers them. */
const SECRET_KEYS: [RedactionRule, RegExp][] = [
  ["password", /(?:^|[._-])(?:password|passwd|pwd|secret|client_secret)$/i],
  ["token", /(?:^|[._-])(?:authorization|cookie|set-cookie|token|access_token|refresh_token|session_token)$/i],
  ["apiKey", /(?:^|[._-])(?:api[_-]?key|apikey|x-api-key)$/i],
];

const MAX_MEMO_VALUE_LENGTH = 256;

export function createRedactor(config: RedactionConfig): Redactor {
  const replacements: Replacement[] = [];
  const secretKeys: RegExp[] = [];
  if (config.enabled) {
    for (const rule of config.rules) replacements.push(...RULES[rule]);
    for (const source of config.extraPatterns) {
      replacements.push(replacement(new RegExp(source, "g"), () => mark("custom"), 0));
    }
    for (const [rule, key] of SECRET_KEYS) if (config.rules.includes(rule)) secretKeys.push(key);
  }

  /** True when some rule may match `value` (whose `charactersOf` is `has`): most attribute values need none. */
  function mayRedact(value: string, has: number): boolean {
    for (const r of replacements) if (mayMatch(r, value, has)) return true;
    return false;
  }

  function text(value: string): { value: string; redacted: boolean } {
    return redactText(value, charactersOf(value));
  }

  function redactText(value: string, characters: number): { value: string; redacted: boolean } {
    let out = value;
    let has = characters;
    for (const r of replacements) {
      if (!mayMatch(r, out, has)) continue;
      r.pattern.lastIndex = 0;
      if (!r.pattern.test(out)) continue;
      r.pattern.lastIndex = 0;
      out = out.replace(r.pattern, r.replace as (substring: string, ...args: unknown[]) => string);
      // The replacement brings characters of its own (`[REDACTED:...]`) for the rules after it.
      has = charactersOf(out);
    }
    return { value: out, redacted: out !== value };
  }

  // Attribute keys repeat endlessly; whether one names a secret is decided once per key.
  const secretKeyCache = new Map<string, boolean>();
  const isSecretKey = (key: string): boolean => {
    let secret = secretKeyCache.get(key);
    if (secret === undefined) {
      secret = secretKeys.some((k) => k.test(key));
      if (secretKeyCache.size < 10_000) secretKeyCache.set(key, secret);
    }
    return secret;
  };

  // A value no rule may match is left alone at once (ids, methods, most routes: no memo entry, so
  // unique ids do not crowd it). Short values that some rule may match repeat (user agents, hosts):
  // their redaction is memoized, null meaning unchanged; the memo starts over when full. Long values
  // are mostly unique and not kept.
  let valueMemo = new Map<string, string | null>();
  const redactValue = (value: string): string | null => {
    const has = charactersOf(value);
    if (!mayRedact(value, has)) return null;
    if (value.length > MAX_MEMO_VALUE_LENGTH) {
      const r = redactText(value, has);
      return r.redacted ? r.value : null;
    }
    let redacted = valueMemo.get(value);
    if (redacted === undefined) {
      const r = redactText(value, has);
      redacted = r.redacted ? r.value : null;
      if (valueMemo.size >= 10_000) valueMemo = new Map();
      valueMemo.set(value, redacted);
    }
    return redacted;
  };

  function attributes(attrs: FlatAttributes): boolean {
    if (replacements.length === 0) return false;
    let changed = false;
    // for-in: the same keys in the same order as Object.keys, without an array per record.
    for (const key in attrs) {
      const v = attrs[key];
      if (typeof v !== "string" || v === "") continue;
      if (isSecretKey(key)) {
        attrs[key] = mark("secret");
        changed = true;
        continue;
      }
      const redacted = redactValue(v);
      if (redacted !== null) {
        attrs[key] = redacted;
        changed = true;
      }
    }
    return changed;
  }

  return { text, attributes };
}

/** Redaction of text that leaves the tenant (LLM prompts, ticket bodies). */
export type TextRedactor = (text: string) => string;

/**
 * The last line of defence before text leaves the tenant: logs were redacted on the way in, but
 * evidence also holds timeline messages and attributes. The tenant's rules apply as configured and
 * credentials are always removed, also when the tenant disabled redaction.
 */
export function outgoingRedactor(config: RedactionConfig = DEFAULT_REDACTION): TextRedactor {
  const rules = new Set<RedactionRule>(CREDENTIAL_RULES);
  if (config.enabled) for (const rule of config.rules) rules.add(rule);
  const redactor = createRedactor({ enabled: true, rules: [...rules], extraPatterns: config.enabled ? config.extraPatterns : [] });
  return (text) => redactor.text(text).value;
}
