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
/** Android logcat and similar one-letter priorities; only upper case counts. */
const LETTER_LEVELS = new Set(["V", "D", "I", "W", "E", "F", "A"]);
const SEPARATORS = new Set(["-", "--", "|", ":", "::"]);

/** Tokens scanned after the timestamp run for the level or the `component:` that ends a header. */
const LOOKAHEAD = 6;
/** `|`-separated header fields accepted at most (`time|component|pid|message`). */
const MAX_PIPE_FIELDS = 3;

const DATE = /^\d{1,8}[-/.]\d{1,2}([-/.:]\d{1,4})?/;
const TIME = /^\d{1,2}:\d{2}(:\d{2})?/;
const COMPACT_DATE_OR_EPOCH = /^\d{6,13}$/;

interface Token {
  text: string;
  start: number;
  end: number;
}

function words(line: string, limit: number): Token[] {
  const out: Token[] = [];
  const re = /\S+/g;
  let m: RegExpExecArray | null;
  while (out.length < limit && (m = re.exec(line)) !== null) out.push({ text: m[0], start: m.index, end: m.index + m[0].length });
  return out;
}

function bare(token: string): string {
  return token.replace(/^[[(<]+/, "").replace(/[\])>,]+$/, "");
}

function isTimestamp(token: string): boolean {
  const t = bare(token);
  return DATE.test(t) || TIME.test(t) || COMPACT_DATE_OR_EPOCH.test(t);
}

function isHeaderField(token: string): boolean {
  const t = bare(token);
  if (t === "" || SEPARATORS.has(t)) return true;
  if (/\d/.test(t)) return true;
  const lower = t.toLowerCase();
  return MONTHS.has(lower) || WEEKDAYS.has(lower);
}

function isLevel(token: string): boolean {
  const t = bare(token).replace(/:$/, "");
  return LEVELS.has(t.toLowerCase()) || LETTER_LEVELS.has(t);
}

function isComponent(token: string): boolean {
  return token.length > 1 && token.endsWith(":") && !token.endsWith("::");
}

function cut(line: string, at: number): SplitLine {
  const rest = line.slice(at);
  const body = rest.replace(/^\s+/, "");
  return { preamble: line.slice(0, at + rest.length - body.length).trimEnd(), message: body };
}

function splitPipes(line: string): SplitLine | undefined {
  let at = 0;
  for (let fields = 0; fields < MAX_PIPE_FIELDS; fields++) {
    const bar = line.indexOf("|", at);
    if (bar < 0) break;
    const field = line.slice(at, bar);
    if (field === "" || /\s/.test(field) || (fields === 0 && !isTimestamp(field))) break;
    at = bar + 1;
  }
  return at > 0 ? cut(line, at) : undefined;
}

/** Splits `line` into preamble and message; see the module comment for the rules. */
export function splitPreamble(line: string): SplitLine {
  const tokens = words(line, 24);
  if (tokens.length === 0) return { preamble: "", message: line };
  if (tokens[0].text.includes("|")) {
    const piped = splitPipes(line);
    if (piped) return piped;
  }
  // One short tag may precede the stamp (an alert label, a syslog priority).
  let i = 0;
  if (tokens.length > 1 && !isHeaderField(tokens[0].text) && isTimestamp(tokens[1].text) && tokens[0].text.length <= 12) i = 1;
  let stamped = false;
  while (i < tokens.length && isHeaderField(tokens[i].text)) {
    if (isTimestamp(tokens[i].text)) stamped = true;
    // `sshd[24200]:` ends a header even when it holds digits.
    if (stamped && isComponent(tokens[i].text)) return cut(line, tokens[i].end);
    i++;
  }
  if (!stamped) return { preamble: "", message: line };
  let end = tokens[i - 1].end;
  for (let j = i; j < Math.min(tokens.length, i + LOOKAHEAD); j++) {
    const t = tokens[j].text;
    if (isComponent(t) && !isLevel(t)) {
      end = tokens[j].end;
      break;
    }
    if (isLevel(t)) {
      end = tokens[j].end;
      let k = j + 1;
      if (k < tokens.length && isComponent(tokens[k].text)) end = tokens[k++].end;
      else if (k < tokens.length && tokens[k].text.startsWith("[")) {
        // A bracketed component may hold spaces: `[ProcessThread(sid:1 cport:-1)::Processor@476]`.
        // Several tokens only when a separator follows: `[client 1.2.3.4] Directory ...` is message.
        const close = tokens.findIndex((t, n) => n >= k && n < k + 4 && t.text.endsWith("]"));
        if (close === k || (close > k && SEPARATORS.has(tokens[close + 1]?.text ?? ""))) {
          end = tokens[close].end;
          k = close + 1;
        }
      } else if (k < tokens.length && /^\S+ {2,}/.test(line.slice(tokens[k].start))) {
        // A column padded with two spaces or more, as fixed-width formats print the component.
        end = tokens[k++].end;
      }
      while (k < tokens.length && SEPARATORS.has(tokens[k].text)) end = tokens[k++].end;
      break;
    }
  }
  return cut(line, end);
}
