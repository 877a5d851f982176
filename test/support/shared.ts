import { existsSync } from "node:fs";
import { resolve } from "node:path";

/**
 * The workspace's shared folder beside the repository: real data sets, the upstream CRDs and OTLP
 * protos. Tests and evals read it in place; the product never does.
 */
export const SHARED_DIR = resolve(__dirname, "..", "..", "..", "shared");

/**
 * The path of `parts` under ../shared. When it is absent this throws one line naming it, so a test
 * that needs the shared data fails loudly instead of skipping (describe names of such tests say
 * `[reads ../shared/...]`; test/architecture/imports.test.ts checks).
 */
export function sharedPath(...parts: string[]): string {
  const full = resolve(SHARED_DIR, ...parts);
  if (!existsSync(full)) throw new Error(`${full} is missing: this test reads ../shared/${parts.join("/")} (the workspace's shared folder beside the repository)`);
  return full;
}
