function isSpace(code: number): boolean {
  return code === 32 || code === 9 || code === 10 || code === 13 || code === 11 || code === 12;
}

/**
 * Splits a message on whitespace in one scan. A double-quoted string opening a token or a value
 * (`tag="View Lock"`) stays one token when it closes on the same line, so a quoted parameter with
 * spaces does not change the token count.
 */
export function tokenize(message: string): string[] {
  const tokens: string[] = [];
  const n = message.length;
  let i = 0;
  while (i < n) {
    while (i < n && isSpace(message.charCodeAt(i))) i++;
    if (i >= n) break;
    const start = i;
    while (i < n && !isSpace(message.charCodeAt(i))) {
      const c = message.charCodeAt(i);
      if (c === 34 && (i === start || message.charCodeAt(i - 1) === 61)) {
        const close = message.indexOf('"', i + 1);
        if (close > 0) {
          i = close + 1;
          continue;
        }
      }
      i++;
    }
    tokens.push(message.slice(start, i));
  }
  return tokens;
}
