import { HASH_MASK, TokenKind, WILDCARD, maskDigitRuns, type TokenClassifier, type TokenInfo } from "./classify";

/** A message reduced to what matching needs: one key and one fragment per position. */
export interface Shape {
  readonly keys: readonly string[];
  /** Per position: the classified token (`render`, `generic`), a synthetic one for a collapsed run. */
  readonly infos: readonly TokenInfo[];
  /** Words standing in parameter slots (pair values, names after `user`), for the vocabulary. */
  readonly values: readonly string[] | undefined;
}

/** What the token scan needs to know of a character. */
const enum Char {
  Other = 0,
  Space = 1,
  Digit = 2,
  /** `=` or `:`. */
  Separator = 3,
  Dot = 4,
  Quote = 5,
}

/** `Char` of each ASCII character (any other is `Char.Other`): one table lookup per character. */
const CHAR_CLASS = new Uint8Array(128);
for (const c of [9, 10, 11, 12, 13, 32]) CHAR_CLASS[c] = Char.Space;
for (let c = 48; c <= 57; c++) CHAR_CLASS[c] = Char.Digit;
CHAR_CLASS[61] = CHAR_CLASS[58] = Char.Separator;
CHAR_CLASS[46] = Char.Dot;
CHAR_CLASS[34] = Char.Quote;

function charClass(code: number): Char {
  return code < 128 ? CHAR_CLASS[code] : Char.Other;
}

/** Characters `classifyToken` strips around a core; a token touching one takes the full path. */
function isBracket(code: number): boolean {
  return (
    code === 40 || code === 41 || code === 91 || code === 93 || code === 123 || code === 125 || code === 60 ||
    code === 62 || code === 34 || code === 39 || code === 44 || code === 59 || code === 46 || code === 33 || code === 63
  );
}

/**
 * A letter or `_`: the only characters a pair's key starts with (`keyValueSplit`). A token with a
 * digit, unbracketed, that starts otherwise (`/api/search?q=item7`, `10.0.0.1:80`) is no pair, so a
 * parameter whatever its `=` or `:`.
 */
function isKeyStart(code: number): boolean {
  return (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 95;
}

const NAME_SLOT_KEYWORDS = new Set(["user", "User", "USER"]);

const VARIABLE_INFO: TokenInfo = {
  kind: TokenKind.Variable,
  key: WILDCARD,
  render: WILDCARD,
  generic: WILDCARD,
  value: "",
  wordValue: false,
  unit: false,
};

/**
 * Splits a message on whitespace, one token per `next()`, as offsets into it: no substring unless
 * the caller needs one. A double-quoted string opening a token or a value (`tag="View Lock"`) stays
 * one token when it closes on the same line, so a quoted parameter with spaces does not change the
 * token count.
 */
export class TokenScanner {
  private message = "";
  private pos = 0;
  /** The current token is `message.slice(start, end)`. */
  start = 0;
  end = 0;
  /** Tokens returned so far, the current one included. */
  count = 0;
  /** `textHash` of the token's characters; meaningless when `quoted` (it skipped some). */
  hash = 0;
  quoted = false;
  /** The token holds a decimal digit. */
  digit = false;
  /** The token needs no classification: a parameter by its characters alone, not the first. */
  parameter = false;

  reset(message: string): void {
    this.message = message;
    this.pos = 0;
    this.count = 0;
  }

  next(): boolean {
    const message = this.message;
    const n = message.length;
    let i = this.pos;
    while (i < n && charClass(message.charCodeAt(i)) === Char.Space) i++;
    if (i >= n) {
      this.pos = i;
      return false;
    }
    const start = i;
    let digit = false;
    let pair = false;
    let quoted = false;
    let hash = 0;
    while (i < n) {
      const c = message.charCodeAt(i);
      const kind = charClass(c);
      // Most characters are letters, of no class: one test for them.
      if (kind !== Char.Other) {
        if (kind === Char.Space) break;
        if (kind === Char.Digit) digit = true;
        else if (kind === Char.Separator || (kind === Char.Dot && message.charCodeAt(i + 1) === 46)) pair = true;
        else if (kind === Char.Quote && (i === start || message.charCodeAt(i - 1) === 61)) {
          const close = message.indexOf('"', i + 1);
          if (close > 0) {
            i = close + 1;
            quoted = true;
            continue;
          }
        }
      }
      hash = (Math.imul(hash, 31) + c) & HASH_MASK;
      i++;
    }
    this.pos = i;
    this.start = start;
    this.end = i;
    this.hash = hash;
    this.quoted = quoted;
    this.digit = digit;
    const first = message.charCodeAt(start);
    this.parameter =
      this.count > 0 && digit && (!pair || !isKeyStart(first)) && !isBracket(first) && !isBracket(message.charCodeAt(i - 1));
    this.count++;
    return true;
  }
}

/**
 * Tokenizes and classifies a message: parameter tokens are masked, adjacent parameters collapse
 * into one position, a unit after a parameter joins it, the word after `user` is a parameter. Tokens
 * with a digit and no key are parameters without a memo lookup. A shape of parameters only is not
 * final (`isAllParameters`, `parametersOnly`). The full path: the miner keeps its results per token
 * sequence (`ShapeTrie`).
 */
export function classifyTokens(message: string, classifier: TokenClassifier, scanner: TokenScanner): Shape {
  const keys: string[] = [];
  const infos: TokenInfo[] = [];
  let values: string[] | undefined;
  let previous: TokenInfo | undefined;
  scanner.reset(message);
  while (scanner.next()) {
    let info: TokenInfo;
    // A parameter token is never needed as a string: no substring for it.
    let token: string | undefined;
    if (scanner.parameter) info = VARIABLE_INFO;
    else {
      token = message.slice(scanner.start, scanner.end);
      info = previous === undefined ? classifier.classifyLeading(token) : classifier.classify(token);
    }
    if (info.kind === TokenKind.Word && previous !== undefined && NAME_SLOT_KEYWORDS.has(previous.key)) {
      (values ??= []).push(token as string);
      info = VARIABLE_INFO;
    } else if (info.kind === TokenKind.KeyValue && info.wordValue) (values ??= []).push(info.value);
    const last = keys.length - 1;
    if (info.unit && previous?.kind === TokenKind.Variable) continue;
    previous = info;
    if (info.kind === TokenKind.Variable && last >= 0 && keys[last] === WILDCARD) {
      // Adjacent parameters collapse: `IRQs 3 4 5` and `IRQs 3 4` have one shape.
      infos[last] = { ...VARIABLE_INFO, render: `${infos[last].render} ${info.render}` };
      continue;
    }
    keys.push(info.key);
    infos.push(info);
  }
  return { keys, infos, values };
}

/** True for the shape of one collapsed parameter run, which `parametersOnly` replaces. */
export function isAllParameters(shape: Shape): boolean {
  return shape.keys.length === 1 && shape.keys[0] === WILDCARD;
}

/**
 * The shape of a message of nothing but parameters (`sda1 sda2 sda3`, `r24=0x0ffea4c8 r25=0x3`):
 * their letters and punctuation are the only structure left to tell such messages apart.
 */
export function parametersOnly(message: string, values: readonly string[] | undefined): Shape {
  const masked = maskDigitRuns(message.trim(), true).replace(/\s+/g, " ");
  return { keys: [masked], infos: [{ ...VARIABLE_INFO, key: masked, render: masked }], values };
}
