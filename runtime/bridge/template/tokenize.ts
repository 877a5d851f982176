/** A message split into tokens, with the separator that preceded each token (for rendering). */
export interface TokenizedMessage {
  tokens: string[];
  /** `seps[i]` is the text between token i-1 and token i: "" or " " (whitespace runs collapse). */
  seps: string[];
}

// Structure characters become tokens of their own so `key=value`, `host:port` and `[x]` expose
// their variable part as a separate position; the character codes are listed for the hot loop.
const DELIMITERS = new Set([..."=:,;()[]{}\"|"].map((c) => c.charCodeAt(0)));

function isSpace(code: number): boolean {
  return code === 32 || code === 9 || code === 10 || code === 13 || code === 11 || code === 12;
}

/** Splits on whitespace and around structure characters, in one scan without regular expressions. */
export function tokenize(message: string): TokenizedMessage {
  const tokens: string[] = [];
  const seps: string[] = [];
  let start = -1;
  let pendingSpace = false;
  for (let i = 0; i <= message.length; i++) {
    const code = i < message.length ? message.charCodeAt(i) : 32;
    const space = isSpace(code);
    const delimiter = !space && DELIMITERS.has(code);
    if (space || delimiter) {
      if (start >= 0) {
        tokens.push(message.slice(start, i));
        seps.push(pendingSpace && tokens.length > 1 ? " " : "");
        pendingSpace = false;
        start = -1;
      }
      if (space) pendingSpace = true;
      else {
        tokens.push(message[i]);
        seps.push(pendingSpace && tokens.length > 1 ? " " : "");
        pendingSpace = false;
      }
    } else if (start < 0) start = i;
  }
  return { tokens, seps };
}
