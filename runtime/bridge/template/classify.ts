/** The template placeholder for a variable position. */
export const WILDCARD = "<*>";

/** How a whitespace-separated token takes part in matching. */
export const enum TokenKind {
  /** Compared literally: two messages differing here belong to different templates. */
  Word = 0,
  /** A parameter whatever the log (numbers, ids, hex, IPs, paths, URLs, dotted names, booleans). */
  Variable = 1,
  /** `key=value` or `key:value`: the key is structure, the value a parameter. */
  KeyValue = 2,
}

/** What the miner needs to know about one token; computed once per distinct token string. */
export interface TokenInfo {
  readonly kind: TokenKind;
  /** Matching key: the word itself, `key=` for a key-value pair, WILDCARD for a variable. */
  readonly key: string;
  /** The token as a template fragment, its variable part written as WILDCARD. */
  readonly render: string;
  /** The fragment once its value varies: `key=<*>,` for a pair, WILDCARD otherwise. */
  readonly generic: string;
  /** For a key-value pair whose value is a plain word, the value (fed to the vocabulary of observed parameter values); else "". */
  readonly value: string;
  /** True when the pair's value is a plain word (a name worth remembering as a parameter value). */
  readonly wordValue: boolean;
  /** A unit of measure (`KB`, `ms`): after a parameter it is part of that parameter. */
  readonly unit: boolean;
}

const OPENERS = "([{<\"'";
const CLOSERS = ")]}>\"',;.!?";

function hasDigit(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) return true;
  }
  return false;
}

function isLetter(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

function isIdentifierChar(c: number): boolean {
  return isLetter(c) || (c >= 48 && c <= 57) || c === 95 || c === 46 || c === 45 || c === 36;
}

/**
 * Enum-like constants (`ACTION_DOWN`, `android.intent.action.SCREEN_ON`) name a code path, not a
 * value: keeping them literal separates the templates they select.
 */
function isEnumConstant(s: string): boolean {
  const last = s.slice(s.lastIndexOf(".") + 1);
  return last.length > 1 && /^[A-Z][A-Z0-9]*(_[A-Z0-9]+)+$/.test(last);
}

const LITERAL_VALUES = new Set(["true", "false", "null", "none", "nil", "undefined", "yes", "no"]);
/** Month and weekday abbreviations belong to dates, which are parameters. */
const DATE_WORDS = new Set(
  "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec Mon Tue Wed Thu Fri Sat Sun"
    .split(" ")
    .flatMap((w) => [w, w.toUpperCase()]),
);

/** A token core that is a parameter on its own, without any context. */
function isVariableCore(core: string): boolean {
  if (core.length === 0) return false;
  if (hasDigit(core)) return true;
  const first = core.charCodeAt(0);
  // Absolute Unix or Windows paths, home paths and URLs.
  if (first === 47 || first === 92 || first === 126 || core.includes("://")) return true;
  if (LITERAL_VALUES.has(core.toLowerCase()) || DATE_WORDS.has(core)) return true;
  // Hex strings without decimal digits (`ffffffff`, `deadbeef`).
  if (core.length >= 8 && /^[a-fA-F]+$/.test(core)) return true;
  // Dotted names (hosts, packages, classes) and relative paths with two segments or more.
  if (!isEnumConstant(core) && /^[\w$-]+([./]+[\w$-]+)+$/.test(core) && /[./][A-Za-z]/.test(core)) return true;
  return false;
}

/**
 * Index of the `=` or `:` (or the last of a run of dot leaders) that separates an identifier key
 * from a value, or -1. The key may open
 * a bracket (`Surface(name=x)`), but then only `=` separates: `pam_unix(sshd:auth)` is a word.
 */
function keyValueSplit(core: string): number {
  const first = core.charCodeAt(0);
  if (!isLetter(first) && first !== 95) return -1;
  let bracketed = false;
  for (let i = 1; i < core.length; i++) {
    const c = core.charCodeAt(i);
    if (c === 61 || (c === 58 && !bracketed)) {
      if (i === core.length - 1) return -1;
      // `scheme://` is a URL, `::` an IPv6 address or a C++ scope: neither is a pair.
      if (c === 58 && (core.charCodeAt(i + 1) === 47 || core.charCodeAt(i + 1) === 58)) return -1;
      return i;
    }
    // Dot leaders separate a label from its value: `prefetch depth.......0`.
    if (c === 46 && core.charCodeAt(i + 1) === 46 && core.charCodeAt(i + 2) === 46) {
      let j = i;
      while (core.charCodeAt(j) === 46) j++;
      return j < core.length ? j - 1 : -1;
    }
    if (c === 40 || c === 123 || c === 91) bracketed = true;
    else if (!isIdentifierChar(c)) return -1;
    // `R02-M1-N0-C:J12-U11` is a location, not a pair: keys are names without digits.
    else if (!bracketed && c >= 48 && c <= 57) return -1;
  }
  return -1;
}

/**
 * Abbreviated units that belong to the number before them (`5.2 KB`, `30 ms`, `<1 sec`): the pair
 * is one parameter, so a value printed with or without its unit keeps one shape.
 */
const UNITS = new Set(
  ["B", "KB", "MB", "GB", "TB", "PB", "KiB", "MiB", "GiB", "TiB"].concat(["ns", "us", "µs", "ms", "s", "sec", "secs", "min", "mins"]),
);

/** True when the token is a unit of measure that continues a number. */
export function isUnit(token: string): boolean {
  let end = token.length;
  while (end > 0 && CLOSERS.includes(token[end - 1])) end--;
  return UNITS.has(end === token.length ? token : token.slice(0, end));
}

function wordInfo(key: string, unit: boolean): TokenInfo {
  return { kind: TokenKind.Word, key, render: key, generic: WILDCARD, value: "", wordValue: false, unit };
}

function word(token: string): TokenInfo {
  return wordInfo(token, isUnit(token));
}

function variable(prefix: string, suffix: string): TokenInfo {
  const render = `${prefix}${WILDCARD}${suffix}`;
  return {
    kind: TokenKind.Variable,
    key: WILDCARD,
    render,
    generic: WILDCARD,
    value: "",
    wordValue: false,
    unit: false,
  };
}

/** Offsets of the token without its surrounding brackets, quotes and trailing punctuation. */
function coreBounds(token: string): [number, number] {
  let start = 0;
  let end = token.length;
  while (start < end && OPENERS.includes(token[start])) start++;
  while (end > start && CLOSERS.includes(token[end - 1])) end--;
  return [start, end];
}

function coreOf(token: string): string {
  const [start, end] = coreBounds(token);
  return token.slice(start, end);
}

/** Classifies one whitespace-separated token. Pure; the miner memoizes it. */
export function classifyToken(token: string): TokenInfo {
  const [start, end] = coreBounds(token);
  const prefix = token.slice(0, start);
  const core = token.slice(start, end);
  const suffix = token.slice(end);
  const split = keyValueSplit(core);
  if (split > 0) {
    // Dot leaders vary in length with the value's width; the key keeps the label only.
    const key = core[split] === "." ? `${core.slice(0, core.indexOf("..."))}...` : core.slice(0, split + 1);
    let valueStart = split + 1;
    while (valueStart < core.length - 1 && OPENERS.includes(core[valueStart])) valueStart++;
    const value = core.slice(valueStart);
    // A quoted value is data even when it reads like a constant name.
    if (valueStart === split + 1 && isEnumConstant(value)) return word(token);
    // `Class.method:942` and `host.domain:8080` are one location, not a pair.
    if (core[split] === ":" && key.includes(".") && /^\d+$/.test(value)) return variable(prefix, suffix);
    const generic = `${prefix}${core[split] === "." ? key : core.slice(0, valueStart)}${WILDCARD}${suffix}`;
    const render = isVariableCore(value) ? generic : token;
    const wordValue = render === token;
    return { kind: TokenKind.KeyValue, key: prefix + key, render, generic, value: wordValue ? value : "", wordValue, unit: false };
  }
  if (isVariableCore(core)) return variable(prefix, suffix);
  return word(token);
}

/**
 * For `key=value` in `message.slice(start, end)` whose classification depends on its key alone,
 * the index of the `=`, else -1. That is: the key a letter or `_` then letters, `_`, `-`, `$` or
 * single dots (no digit, bracket or dot leader, so `keyValueSplit` splits at this `=`); the value
 * not empty, with a digit (a parameter), no upper-case letter (no enum constant), not opened by a
 * bracket or quote and not closed by a bracket or punctuation (no prefix or suffix). Every such
 * token classifies as `key=<*>`, so a token of ever-new values (`amount=22.99`) is looked up by
 * its key.
 */
export function keyOnlyPairEnd(message: string, start: number, end: number): number {
  const first = message.charCodeAt(start);
  if (!isLetter(first) && first !== 95) return -1;
  let at = start + 1;
  for (; at < end; at++) {
    const c = message.charCodeAt(at);
    if (c === 61) break;
    if (isLetter(c) || c === 95 || c === 45 || c === 36) continue;
    if (c !== 46 || message.charCodeAt(at + 1) === 46) return -1;
  }
  if (at >= end - 1 || OPENERS.includes(message[at + 1]) || CLOSERS.includes(message[end - 1])) return -1;
  let digit = false;
  for (let i = at + 1; i < end; i++) {
    const c = message.charCodeAt(i);
    if (c >= 65 && c <= 90) return -1;
    if (c >= 48 && c <= 57) digit = true;
  }
  return digit ? at : -1;
}

function isRunChar(c: number, hex: boolean): boolean {
  if ((c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102)) return true;
  if (hex) return c === 120 || c === 88;
  return (c >= 71 && c <= 90) || (c >= 103 && c <= 122);
}

/**
 * Replaces each run of letters and digits (`hex`: of hex digits and `x`) that holds a decimal
 * digit with WILDCARD; a minus sign directly before such a run goes with it. One linear scan: a
 * regular expression for this backtracks quadratically on long runs without digits.
 */
export function maskDigitRuns(text: string, hex: boolean): string {
  let out = "";
  let i = 0;
  const n = text.length;
  while (i < n) {
    if (!isRunChar(text.charCodeAt(i), hex)) {
      const negative = text[i] === "-" && i + 1 < n && text.charCodeAt(i + 1) >= 48 && text.charCodeAt(i + 1) <= 57;
      if (!negative) out += text[i];
      else if (i > 0 && isRunChar(text.charCodeAt(i - 1), hex)) out += "-";
      i++;
      continue;
    }
    let j = i;
    let digit = false;
    for (; j < n && isRunChar(text.charCodeAt(j), hex); j++) {
      const c = text.charCodeAt(j);
      if (c >= 48 && c <= 57) digit = true;
    }
    out += digit ? WILDCARD : text.slice(i, j);
    i = j;
  }
  return out;
}

/** `host.domain:port`, `10.0.0.1:80`, an absolute path or a URL. */
function isAddress(core: string): boolean {
  const first = core.charCodeAt(0);
  if (first === 47 || first === 92 || core.includes("://")) return true;
  return /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)+:\d{1,5}$/.test(core);
}

/**
 * The first token usually names the event (`onExtend:1514038530000`, `setLightsOn(true)`), so it
 * is masked piecewise: alphanumeric runs holding a digit become WILDCARD, the rest stays literal.
 */
export function classifyLeadingToken(token: string): TokenInfo {
  const info = classifyToken(token);
  if (info.kind !== TokenKind.Variable) return info;
  // An address names no event: a host with its port, a path or a URL first is the subject of the
  // message (which host, which file), so the event name is what follows it.
  if (isAddress(coreOf(token))) return info;
  // Without digits only a date word stays a parameter; a leading dotted name or path names the event.
  if (!hasDigit(token)) return DATE_WORDS.has(coreOf(token)) ? info : word(token);
  const masked = maskDigitRuns(token, false);
  if (!/[A-Za-z]{2}/.test(masked)) return info;
  return wordInfo(masked, false);
}

/** `textHash` keeps thirty bits. */
export const HASH_MASK = 0x3fffffff;

/**
 * Hash of `text.slice(start, end)`'s characters, the one `TokenScanner` computes while it scans a
 * token: a memo keyed by it is looked up without a substring and without hashing a string. Thirty
 * bits, so that it stays a small integer: a map keyed by a boxed number hashes slower.
 */
export function textHash(text: string, start: number, end: number): number {
  let hash = 0;
  for (let i = start; i < end; i++) hash = (Math.imul(hash, 31) + text.charCodeAt(i)) & HASH_MASK;
  return hash;
}

/** True when `message.slice(start, end)` is `text`, without the substring. */
export function sameText(text: string, message: string, start: number, end: number): boolean {
  if (text.length !== end - start) return false;
  for (let k = 0; k < text.length; k++) if (text.charCodeAt(k) !== message.charCodeAt(start + k)) return false;
  return true;
}

/** A memoized classification, chained with the others of the same hash. */
interface MemoEntry {
  readonly text: string;
  readonly leading: boolean;
  readonly info: TokenInfo;
  readonly next: MemoEntry | undefined;
}

/**
 * Memoizes `classifyToken` with a bounded map: log vocabularies repeat, so most tokens are hits. Equal
 * classifications are one object (`ShapeTrie` tells them apart by identity): `amount=22.99` and
 * `amount=23.50` get the same one. The memo is keyed by `textHash` and checked against the
 * characters, so the trie looks a token up by its offsets (`classifyAt`): hashing a fresh substring
 * for a string-keyed map cost more than classifying did.
 */
export class TokenClassifier {
  private memo = new Map<number, MemoEntry>();
  private memoSize = 0;
  private readonly interned = new Map<string, TokenInfo>();

  constructor(private readonly capacity = 200_000) {}

  classify(token: string): TokenInfo {
    return this.classifyAt(token, 0, token.length, textHash(token, 0, token.length), false);
  }

  classifyLeading(token: string): TokenInfo {
    return this.classifyAt(token, 0, token.length, textHash(token, 0, token.length), true);
  }

  /**
   * `classify` (or, `leading`, `classifyLeading`) of `message.slice(start, end)`, whose `textHash`
   * is `hash`.
   */
  classifyAt(message: string, start: number, end: number, hash: number, leading: boolean): TokenInfo {
    for (let e = this.memo.get(hash); e !== undefined; e = e.next) {
      if (e.leading === leading && sameText(e.text, message, start, end)) return e.info;
    }
    const token = message.slice(start, end);
    const info = this.intern(leading ? classifyLeadingToken(token) : classifyToken(token));
    if (this.memoSize >= this.capacity) {
      this.memo = new Map();
      this.memoSize = 0;
    }
    this.memo.set(hash, { text: token, leading, info, next: this.memo.get(hash) });
    this.memoSize++;
    return info;
  }

  private intern(info: TokenInfo): TokenInfo {
    const content = [info.kind, info.key, info.render, info.generic, info.value, info.wordValue, info.unit].join("\u0000");
    const known = this.interned.get(content);
    if (known !== undefined) return known;
    if (this.interned.size >= this.capacity) this.interned.clear();
    this.interned.set(content, info);
    return info;
  }
}
