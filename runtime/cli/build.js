"use strict";
// Builds the TypeScript runtime once into dist/ (tsc -p tsconfig.build.json plus the dashboard's static
// files), so every `logclaw` command starts as plain JavaScript. `npm run build` and `npm ci` (prepare)
// run it; the bin shim runs it when a source file is newer than the last build (a checkout being
// edited). Plain JavaScript on purpose: it must run before anything is compiled.
const fs = require("node:fs");
const path = require("node:path");
const { spawnSync } = require("node:child_process");

const ROOT = path.resolve(__dirname, "..", "..");
const DIST = path.join(ROOT, "dist");
const ENTRY = path.join(DIST, "runtime", "cli", "main.js");
/** Its mtime is when the last successful build started: any source edited after it makes the build stale. */
const STAMP = path.join(DIST, ".build-stamp");
const LOCK = path.join(DIST, ".build-lock");
const SOURCE_DIRS = ["runtime", "contracts", "infra"];
const SOURCE_FILES = ["package.json", "tsconfig.json", "tsconfig.build.json"];
const STATIC_DIR = path.join("runtime", "dashboard", "static");
/** A lock older than this was left by a build that died. */
const STALE_LOCK_MS = 10 * 60_000;

function newestMtime(dir, newest) {
  let entries;
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return newest;
  }
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = newestMtime(full, newest);
    else if (entry.name.endsWith(".ts") || full.includes(STATIC_DIR)) newest = Math.max(newest, fs.statSync(full).mtimeMs);
  }
  return newest;
}

function newestSourceMs() {
  let newest = 0;
  for (const dir of SOURCE_DIRS) newest = newestMtime(path.join(ROOT, dir), newest);
  for (const file of SOURCE_FILES) {
    try {
      newest = Math.max(newest, fs.statSync(path.join(ROOT, file)).mtimeMs);
    } catch {
      // A missing config file changes nothing the build reads.
    }
  }
  return newest;
}

/** True when dist/ is missing or older than a source. An install without sources (the image) is never stale. */
function isStale() {
  if (!fs.existsSync(path.join(ROOT, "runtime", "cli", "main.ts"))) return false;
  let stampMs;
  try {
    stampMs = fs.statSync(STAMP).mtimeMs;
  } catch {
    return true;
  }
  return !fs.existsSync(ENTRY) || newestSourceMs() > stampMs;
}

function sleep(ms) {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** One build at a time: parallel commands (a test run) wait for the first one's build. */
function withLock(task) {
  fs.mkdirSync(DIST, { recursive: true });
  for (;;) {
    try {
      fs.mkdirSync(LOCK);
      break;
    } catch (err) {
      if (err.code !== "EEXIST") throw err;
      try {
        if (Date.now() - fs.statSync(LOCK).mtimeMs > STALE_LOCK_MS) fs.rmSync(LOCK, { recursive: true, force: true });
      } catch {
        // Released meanwhile.
      }
      sleep(200);
    }
  }
  try {
    return task();
  } finally {
    fs.rmSync(LOCK, { recursive: true, force: true });
  }
}

/** Compiles; throws with one line when TypeScript is absent or the sources do not compile. */
function build() {
  let tsc;
  try {
    tsc = require.resolve("typescript/bin/tsc", { paths: [ROOT] });
  } catch {
    throw new Error("cannot build: the typescript package is not installed (run npm ci)");
  }
  const startedMs = Date.now();
  // tsc reports on stdout; the commands' stdout carries their output (replay's incidents), so stderr.
  const result = spawnSync(process.execPath, [tsc, "-p", path.join(ROOT, "tsconfig.build.json")], { cwd: ROOT, stdio: ["ignore", 2, 2] });
  if (result.status !== 0) throw new Error(`build failed: tsc -p tsconfig.build.json exited ${result.status ?? result.signal} (errors above)`);
  fs.cpSync(path.join(ROOT, STATIC_DIR), path.join(DIST, STATIC_DIR), { recursive: true });
  fs.writeFileSync(STAMP, "");
  fs.utimesSync(STAMP, new Date(startedMs), new Date(startedMs));
}

/** The compiled CLI entry, built first when stale. `onBuild` is told before a build starts. */
function ensureBuilt(onBuild) {
  if (isStale()) {
    withLock(() => {
      if (!isStale()) return;
      if (onBuild) onBuild();
      build();
    });
  }
  return ENTRY;
}

module.exports = { ensureBuilt, isStale, ENTRY };

if (require.main === module) {
  // `--if-possible` (npm's prepare): an install without dev dependencies has no TypeScript and nothing to build with.
  const ifPossible = process.argv.includes("--if-possible");
  try {
    if (ifPossible && !fs.existsSync(path.join(ROOT, "node_modules", "typescript"))) {
      process.stderr.write("logclaw build: skipped (typescript not installed)\n");
    } else {
      withLock(build);
      process.stderr.write(`logclaw build: dist/ is up to date\n`);
    }
  } catch (err) {
    process.stderr.write(`logclaw build: ${err.message}\n`);
    process.exit(1);
  }
}
