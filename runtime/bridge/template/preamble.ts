/**
 * Splits a raw log line into its preamble (timestamp, level, host, process, component) and the
 * message body, without knowing the log format. Lines in the wild put a header in front of the
 * message; the miner groups bodies, so the header's ever-changing timestamps and pids must not
 * reach it. The recognizer is deliberately conservative: without a date or time stamp at the start
 * it strips nothing, so a bare message passes through whole.
 */
export interface SplitLine {
  /** The header as it appeared, "" when none was recognized. */
  preamble: string;
  /** The message body: the rest of the line. */
  message: string;
}

const MONTHS = new Set(["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]);
const WEEKDAYS = new Set(["mon", "tue", "wed", "thu", "fri", "sat", "sun"]);
const LEVELS = new Set([
  "trace",
  "debug",
  "info",
  "notice",
  "warn",
  "warning",
  "error",
  "err",
  "crit",
  "critical",
  "alert",
  "emerg",
  "fatal",
  "severe",
  "fine",
  "finer",
  "finest",
]);
/** Three ASCII letters, lower-cased, as one number: `lowerCode3("Jan", 0) === lowerCode3("jan", 0)`. */
function lowerCode3(text: string, at: number): number {
  return ((text.charCodeAt(at) | 32) << 16) | ((text.charCodeAt(at + 1) | 32) << 8) | (text.charCodeAt(at + 2) | 32);
}

/** MONTHS and WEEKDAYS as `lowerCode3` numbers, for words already known to be letters only. */
const DATE_WORD_CODES = new Set([...MONTHS, ...WEEKDAYS].map((w) => lowerCode3(w, 0)));

/** First letters (lower case) of every level: most words are rejected without a substring. */
const LEVEL_INITIALS = new Set([...LEVELS, "v", "d", "i", "w", "e", "f", "a"].map((l) => l.charCodeAt(0)));
/** Android logcat and similar one-letter priorities; only upper case counts. */
const LETTER_LEVELS = new Set(["V", "D", "I", "W", "E", "F", "A"]);

/** Tokens scanned after the timestamp run for the level or the `component:` that ends a header. */
const LOOKAHEAD = 6;
/** Length of the one short tag (an alert label, a syslog priority) that may precede a header's stamp. */
const MAX_TAG_LENGTH = 12;
/** `|`-separated header fields accepted at most (`time|component|pid|message`). */
const MAX_PIPE_FIELDS = 3;

function isSpace(code: number): boolean {
  return code === 32 || code === 9 || code === 10 || code === 13 || code === 11 || code === 12;
}

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

/**
 * The line's first tokens as [start, end) offsets, scanned lazily: a header is decided within a
 * few tokens, and no substring is made unless a check needs one.
 */
class Tokens {
  readonly starts: number[] = [];
  readonly ends: number[] = [];
  private pos = 0;

  constructor(readonly line: string) {}

  /** True when token `i` exists, scanning up to it. */
  has(i: number): boolean {
    const { line } = this;
    while (this.starts.length <= i) {
      let p = this.pos;
      while (p < line.length && isSpace(line.charCodeAt(p))) p++;
      if (p >= line.length) return false;
      const start = p;
      while (p < line.length && !isSpace(line.charCodeAt(p))) p++;
      this.starts.push(start);
      this.ends.push(p);
      this.pos = p;
    }
    return true;
  }

  text(i: number): string {
    return this.line.slice(this.starts[i], this.ends[i]);
  }

  /** Bounds set by `bare`: kept on the instance so the hot loop allocates no tuples. */
  private bareStart = 0;
  private bareEnd = 0;

  /** Sets `bareStart`/`bareEnd` to token `i` without surrounding brackets and trailing commas. */
  private bare(i: number): void {
    const { line } = this;
    let s = this.starts[i];
    let e = this.ends[i];
    while (s < e && isOpen(line.charCodeAt(s))) s++;
    while (e > s && isClose(line.charCodeAt(e - 1))) e--;
    this.bareStart = s;
    this.bareEnd = e;
  }

  /** A date (`2005-06-03`, `17/06/09`, `20171223-22:15`), a time (`12:01:01`), a compact date or epoch. */
  isTimestamp(i: number): boolean {
    this.bare(i);
    return isTimestampText(this.line, this.bareStart, this.bareEnd);
  }

  /**
   * A time stamp that starts a header. A bare number (`081109`, `1131566461`) is one only when another
   * stamp or a level follows it (`081109 203615 148 INFO`): alone it is as likely an id or a count
   * (`cart 100002 loaded`, `123456 bytes received`), and stripping it only from the lines whose number
   * happens to be long would split one statement into two templates.
   */
  isStamp(i: number): boolean {
    if (!this.isTimestamp(i)) return false;
    if (digitRun(this.line, this.bareStart, this.bareEnd) !== this.bareEnd - this.bareStart) return true;
    return this.has(i + 1) && (this.isTimestamp(i + 1) || this.isLevel(i + 1));
  }

  isHeaderField(i: number): boolean {
    const { line } = this;
    this.bare(i);
    const s = this.bareStart;
    const e = this.bareEnd;
    if (e === s || isSeparator(line, s, e)) return true;
    for (let p = s; p < e; p++) if (isDigit(line.charCodeAt(p))) return true;
    // `7:51:42 PM`: the half of a 12-hour clock (upper case only; `am`/`pm` in prose are words).
    if (e - s === 2) return (line.startsWith("AM", s) || line.startsWith("PM", s)) && i > 0 && this.isTimestamp(i - 1);
    if (e - s !== 3) return false;
    const lower = line.slice(s, e).toLowerCase();
    return MONTHS.has(lower) || WEEKDAYS.has(lower);
  }

  /**
   * A logger's source field: a pid (digits), a logger or caller name (`c.e.Foo`, `app/main.go:42`,
   * `(Foo.java:42)`, `Controller#47`): one token with digits only, or with `.`, `/`, `#`, `$` or `@`
   * inside, not ending in `:` (that is a component, which ends a header by itself).
   */
  isSourceField(i: number): boolean {
    const { line } = this;
    this.bare(i);
    const s = this.bareStart;
    const e = this.bareEnd;
    if (e === s || line.charCodeAt(e - 1) === 58) return false;
    if (digitRun(line, s, e) === e - s) return true;
    for (let p = s + 1; p < e - 1; p++) {
      const c = line.charCodeAt(p);
      // . / # $ @
      if (c === 46 || c === 47 || c === 35 || c === 36 || c === 64) return true;
    }
    return false;
  }

  /** True when token `i` ends at a tab: tab-separated columns (zap's console format). */
  endsAtTab(i: number): boolean {
    return this.line.charCodeAt(this.ends[i]) === 9;
  }

  isLevel(i: number): boolean {
    this.bare(i);
    return isLevelText(this.line, this.bareStart, this.bareEnd);
  }

  /** `component:` (not `::`): the token that closes a syslog or Java-style header. */
  isComponent(i: number): boolean {
    const { line } = this;
    const s = this.starts[i];
    const e = this.ends[i];
    return e - s > 1 && line.charCodeAt(e - 1) === 58 && line.charCodeAt(e - 2) !== 58;
  }

  isSeparator(i: number): boolean {
    return isSeparator(this.line, this.starts[i], this.ends[i]);
  }

  /** True when token `i` is followed by two spaces or more, as fixed-width columns are. */
  isPaddedColumn(i: number): boolean {
    const e = this.ends[i];
    return this.line.charCodeAt(e) === 32 && this.line.charCodeAt(e + 1) === 32;
  }
}

/** `[`, `(`, `<`. */
function isOpen(c: number): boolean {
  return c === 91 || c === 40 || c === 60;
}

/** `]`, `)`, `>`, `,`. */
function isClose(c: number): boolean {
  return c === 93 || c === 41 || c === 62 || c === 44;
}

/** A level (`INFO`, `W`, `error:`) between `s` and `bareEnd`, a token without its brackets. */
function isLevelText(line: string, s: number, bareEnd: number): boolean {
  const e = line.charCodeAt(bareEnd - 1) === 58 ? bareEnd - 1 : bareEnd;
  if (e - s > 8 || e === s || !LEVEL_INITIALS.has(line.charCodeAt(s) | 32)) return false;
  const t = line.slice(s, e);
  return LETTER_LEVELS.has(t) || LEVELS.has(t.toLowerCase());
}

/** `-`, `--`, `---`, `|`, `:`, `::`. */
function isSeparator(line: string, s: number, e: number): boolean {
  if (e - s === 1) return line[s] === "-" || line[s] === "|" || line[s] === ":";
  if (e - s === 3) return line.startsWith("---", s);
  return e - s === 2 && (line.startsWith("--", s) || line.startsWith("::", s));
}

function digitRun(line: string, from: number, end: number): number {
  let p = from;
  while (p < end && isDigit(line.charCodeAt(p))) p++;
  return p - from;
}

function isTimestampText(line: string, s: number, e: number): boolean {
  const lead = digitRun(line, s, e);
  if (lead === 0) return false;
  if (lead === e - s) return lead >= 6 && lead <= 13;
  const sep = line[s + lead];
  const next = digitRun(line, s + lead + 1, e);
  if (sep === ":") return lead <= 2 && next === 2;
  return (sep === "-" || sep === "/" || sep === ".") && lead <= 8 && next >= 1;
}

/** Where the message starts after a header ending at `at`: its blanks belong to neither. */
function bodyStart(line: string, at: number): number {
  let body = at;
  while (body < line.length && isSpace(line.charCodeAt(body))) body++;
  return body;
}

/** End of a header of `|`-separated fields opened by a time stamp, or 0. */
function pipesEnd(line: string): number {
  let at = 0;
  for (let fields = 0; fields < MAX_PIPE_FIELDS; fields++) {
    const bar = line.indexOf("|", at);
    if (bar < 0) break;
    let spaced = false;
    for (let p = at; p < bar && !spaced; p++) spaced = isSpace(line.charCodeAt(p));
    if (bar === at || spaced || (fields === 0 && !isTimestampText(line, at, bar))) break;
    at = bar + 1;
  }
  return at;
}

function isLetter(code: number): boolean {
  return (code >= 65 && code <= 90) || (code >= 97 && code <= 122);
}

/**
 * True when `splitPreamble`'s rules cannot find a header, decided without its token arrays (most
 * lines of an application log start so): the first word is letters only, so neither a header field
 * nor a pipe-separated stamp (a three-letter word may be a month or weekday), and the second word is
 * no stamp behind a tag: its opening brackets skipped, it does not start with a digit, or the first
 * word is too long for a tag, or the word does not read as a time stamp (`product 1383 served`), or
 * it is a bare number that no stamp or level follows (`order 100002 placed`, as `Tokens.isStamp`).
 */
function plainStart(line: string): boolean {
  let p = 0;
  while (p < line.length && isSpace(line.charCodeAt(p))) p++;
  const start = p;
  while (p < line.length && isLetter(line.charCodeAt(p))) p++;
  if (p === start || (p < line.length && !isSpace(line.charCodeAt(p)))) return false;
  const first = p - start;
  if (first === 3 && DATE_WORD_CODES.has(lowerCode3(line, start))) return false;
  while (p < line.length && isSpace(line.charCodeAt(p))) p++;
  while (p < line.length && isOpen(line.charCodeAt(p))) p++;
  if (p >= line.length || !isDigit(line.charCodeAt(p)) || first > MAX_TAG_LENGTH) return true;
  const bareStart = p;
  while (p < line.length && !isSpace(line.charCodeAt(p))) p++;
  let bareEnd = p;
  while (bareEnd > bareStart && isClose(line.charCodeAt(bareEnd - 1))) bareEnd--;
  if (!isTimestampText(line, bareStart, bareEnd)) return true;
  if (digitRun(line, bareStart, bareEnd) !== bareEnd - bareStart) return false;
  while (p < line.length && isSpace(line.charCodeAt(p))) p++;
  let nextStart = p;
  while (p < line.length && !isSpace(line.charCodeAt(p))) p++;
  let nextEnd = p;
  if (nextStart === nextEnd) return true;
  while (nextStart < nextEnd && isOpen(line.charCodeAt(nextStart))) nextStart++;
  while (nextEnd > nextStart && isClose(line.charCodeAt(nextEnd - 1))) nextEnd--;
  return !isTimestampText(line, nextStart, nextEnd) && !isLevelText(line, nextStart, nextEnd);
}

/** Splits `line` into preamble and message; see the module comment for the rules. */
export function splitPreamble(line: string): SplitLine {
  const at = headerEnd(line);
  return at === 0 ? { preamble: "", message: line } : { preamble: line.slice(0, at), message: line.slice(bodyStart(line, at)) };
}

/** `splitPreamble(line).message`, without the split's object. */
export function messageAfterPreamble(line: string): string {
  const at = headerEnd(line);
  return at === 0 ? line : line.slice(bodyStart(line, at));
}

/** Where the header ends, 0 when there is none. */
function headerEnd(line: string): number {
  if (plainStart(line)) return 0;
  const t = new Tokens(line);
  if (!t.has(0)) return 0;
  if (line.lastIndexOf("|", t.ends[0]) >= 0) {
    const piped = pipesEnd(line);
    if (piped > 0) return piped;
  }
  // One short tag may precede the stamp (an alert label, a syslog priority).
  let i = 0;
  if (t.has(1) && t.ends[0] - t.starts[0] <= MAX_TAG_LENGTH && !t.isHeaderField(0) && t.isStamp(1)) i = 1;
  let stamped = false;
  while (t.has(i) && t.isHeaderField(i)) {
    if (!stamped && t.isStamp(i)) stamped = true;
    // `sshd[24200]:` ends a header even when it holds digits.
    if (stamped && t.isComponent(i)) return t.ends[i];
    i++;
  }
  if (!stamped) return 0;
  let end = t.ends[i - 1];
  for (let j = i; j < i + LOOKAHEAD && t.has(j); j++) {
    const level = t.isLevel(j);
    if (!level && t.isComponent(j)) {
      end = t.ends[j];
      break;
    }
    if (!level) continue;
    end = t.ends[j];
    let k = j + 1;
    if (t.has(k) && t.isComponent(k)) end = t.ends[k++];
    else if (t.has(k) && line[t.starts[k]] === "[") {
      // A bracketed component may hold spaces: `[ProcessThread(sid:1 cport:-1)::Processor@476]`,
      // but spans several tokens only when a separator follows: `[client 1.2.3.4] Directory ...`
      // is message.
      let close = k;
      while (close < k + 4 && t.has(close) && line[t.ends[close] - 1] !== "]") close++;
      const closed = t.has(close) && line[t.ends[close] - 1] === "]";
      if (closed && (close === k || (t.has(close + 1) && t.isSeparator(close + 1)))) {
        end = t.ends[close];
        k = close + 1;
      }
    } else if (t.has(k) && t.isPaddedColumn(k)) {
      // A column padded with two spaces or more, as fixed-width formats print the component.
      end = t.ends[k++];
    }
    while (t.has(k) && t.isSeparator(k)) end = t.ends[k++];
    end = sourceFieldsEnd(t, k, end);
    break;
  }
  return end;
}

/**
 * After the level, the source fields many loggers print before the message (Spring Boot's
 * `1234 --- [main] c.e.App : `, logback's `c.e.Foo - `, log4j's `[main] c.e.Foo (Foo.java:42) - `,
 * loguru's `app.main:run:42 - `, zap's `app/main.go:42<TAB>`): pids, bracketed threads (which may
 * hold spaces) and logger or caller names, up to the last separator after them. They belong to the
 * header only when such a separator follows, so a message that merely starts with a dotted name or a
 * number stays whole. Returns the new end of the header (`end` when there are none).
 */
function sourceFieldsEnd(t: Tokens, from: number, end: number): number {
  const { line } = t;
  let k = from;
  while (k < from + LOOKAHEAD && t.has(k)) {
    if (t.isSeparator(k)) {
      if (k > from) end = t.ends[k];
      k++;
      continue;
    }
    if (line[t.starts[k]] === "[") {
      // A bracketed thread, possibly padded with spaces: `[           main]`.
      let close = k;
      while (close < k + 4 && t.has(close) && line[t.ends[close] - 1] !== "]") close++;
      if (!t.has(close) || line[t.ends[close] - 1] !== "]") break;
      k = close + 1;
      continue;
    }
    if (!t.isSourceField(k)) break;
    if (t.endsAtTab(k)) end = t.ends[k];
    k++;
  }
  return end;
}
