/**
 * vitest global setup: builds dist/ once before the tests when a source changed since the last build,
 * so the tests that start the real `logclaw` binary do not each wait for (or race to) the build.
 */
export default function setup(): void {
  const { ensureBuilt } = require("../../runtime/cli/build.js") as { ensureBuilt: (onBuild?: () => void) => string };
  ensureBuilt(() => process.stderr.write("building dist/ for the tests that run the logclaw binary…\n"));
}
