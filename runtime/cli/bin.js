#!/usr/bin/env node
"use strict";
// The `logclaw` binary runs the CLI compiled to plain JavaScript in dist/ (`npm run build`, also run by
// `npm ci`); in a checkout whose sources changed since, it rebuilds once first.
// V8's code cache (Node.js 22.1+) skips recompiling dependencies such as zod on every start.
require("node:module").enableCompileCache?.();
const { ensureBuilt } = require("./build.js");

let entry;
try {
  entry = ensureBuilt(() => process.stderr.write("logclaw: sources changed since the last build; building dist/ (npm run build)…\n"));
} catch (err) {
  process.stderr.write(`logclaw: ${err.message}\n`);
  process.exit(1);
}
require(entry)
  .main(process.argv)
  .catch((err) => {
    process.stderr.write(`logclaw: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
