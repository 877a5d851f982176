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
    projects: [
      // In-process tests only: no process, thread or browser (test/architecture/test-suite.test.ts checks),
      // so they need no built binary either.
      { extends: true, test: { name: "unit", exclude: [...configDefaults.exclude, "test/e2e/**", "**/*.integration.test.ts", "**/*.process.test.ts"] } },
      // Tests that spawn the `logclaw` CLI or drive Chromium: slower, and they need the built binary's
      // environment, so they run as their own project (still part of `npm test`).
      // Not `extends: true`: that would merge the root `include` in and run every unit file again here.
      {
        test: {
          name: "process",
          include: ["test/**/*.process.test.ts"],
          exclude: [...configDefaults.exclude, "test/e2e/**"],
          pool: "forks",
          testTimeout: 30_000,
          hookTimeout: 180_000,
          globalSetup: ["test/support/build-cli.ts"],
        },
      },
      {
        // Against a real Kafka broker and OpenSearch node (test/support/servers), started only when an
        // integration file is selected; files run one at a time because some stop and restart the servers.
        test: {
          name: "integration",
          include: ["test/**/*.integration.test.ts"],
          exclude: [...configDefaults.exclude, "test/e2e/**"],
          pool: "forks",
          fileParallelism: false,
          globalSetup: ["test/support/build-cli.ts", "test/support/servers/global-setup.ts"],
          testTimeout: 300_000,
          hookTimeout: 300_000,
        },
      },
    ],
  },
});
