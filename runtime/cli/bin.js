#!/usr/bin/env node
"use strict";
// The CLI ships as TypeScript; tsx compiles it on load so `npx logclaw` works right after `npm ci`.
require("tsx/cjs");
require("./main.ts")
  .main(process.argv)
  .catch((err) => {
    process.stderr.write(`logclaw: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
