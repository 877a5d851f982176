import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Pulumi keeps its mocks and config on globals: one process per test file keeps files isolated.
    pool: "forks",
    testTimeout: 30_000,
    hookTimeout: 180_000,
  },
});
