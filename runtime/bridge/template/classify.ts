/** The template placeholder for a variable position. */
export const WILDCARD = "<*>";

function hasDigit(token: string): boolean {
  for (let i = 0; i < token.length; i++) {
    const c = token.charCodeAt(i);
    if (c >= 48 && c <= 57) return true;
  }
  return false;
}

/**
 * True when a token is certainly a parameter whatever the log: anything with a digit (numbers,
 * ids, hex, IPs, timestamps, versions, sizes), file paths and URLs. Masking these before the tree
 * search is what lets one configuration work across systems.
 */
export function isVariableToken(token: string): boolean {
  if (hasDigit(token)) return true;
  const first = token.charCodeAt(0);
  // Absolute Unix or Windows paths, and URLs.
  if ((first === 47 || first === 92) && token.length > 1) return true;
  return token.includes("://");
}

/** Classifies tokens with a bounded memo: log vocabularies repeat, so most tokens are cache hits. */
export class TokenClassifier {
  private readonly memo = new Map<string, boolean>();

  constructor(private readonly capacity = 100_000) {}

  isVariable(token: string): boolean {
    let v = this.memo.get(token);
    if (v === undefined) {
      v = isVariableToken(token);
      if (this.memo.size >= this.capacity) this.memo.clear();
      this.memo.set(token, v);
    }
    return v;
  }
}
