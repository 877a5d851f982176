import { configDefaults, defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // The real-engine suite needs the built Pulumi toolchain: `npm run test:e2e` (vitest.e2e.config.mts).
    exclude: [...configDefaults.exclude, "test/e2e/**"],
    // Pulumi keeps its mocks and config on globals: one process per test file keeps files isolated.
    pool: "forks",
    testTimeout: 30_000,
    hookTimeout: 180_000,
  },
});
