import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { join, resolve } from "node:path";

/**
 * Runs every `*.<suffix>.ts` file of a folder in its own Node process, one after another, so each
 * measures its own speed and memory. Used by `npm run bench` and `npm run eval`; an optional
 * argument keeps only the files whose name contains it; arguments after it go to every script run
 * (e.g. `npm run bench -- e2e --duration 60`). Exits non-zero if any script failed.
 */
const [dir, suffix, filter, ...scriptArgs] = process.argv.slice(2);
if (!dir || !suffix) {
  process.stderr.write("usage: run-scripts DIR SUFFIX [FILTER]\n");
  process.exit(2);
}
const folder = resolve(dir);
const scripts = readdirSync(folder)
  .filter((f) => f.endsWith(`.${suffix}.ts`) && (!filter || f.includes(filter)))
  .sort();
let failed = 0;
for (const script of scripts) {
  process.stderr.write(`# ${suffix}: ${script}\n`);
  const result = spawnSync(process.execPath, ["--import", "tsx", "--expose-gc", join(folder, script), ...scriptArgs], {
    stdio: "inherit",
  });
  if (result.status !== 0) {
    failed += 1;
    process.stderr.write(`# ${script} failed (exit ${result.status ?? result.signal})\n`);
  }
}
process.exit(failed === 0 ? 0 : 1);
