import * as path from "node:path";

/** The project root: where Pulumi.yaml sits, one level above this program's `main` (stacks/). */
export const PROJECT_ROOT = path.resolve(__dirname, "..");

/**
 * The directory the Kubernetes provider should render into for `logclaw:renderDirectory`. Config
 * and README name it relative to the project root, but the engine starts the program and its
 * providers in `main` (stacks/), where a relative path would land; this is the same directory
 * relative to that working directory (kept relative, so the state does not change when the
 * project moves).
 */
export function providerRenderDirectory(configured: string, cwd: string = process.cwd(), projectRoot: string = PROJECT_ROOT): string {
  if (path.isAbsolute(configured)) return configured;
  return path.relative(cwd, path.resolve(projectRoot, configured)) || ".";
}
