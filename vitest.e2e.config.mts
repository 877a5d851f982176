import { defineConfig } from "vitest/config";

/** The real Pulumi engine end to end (`npm run test:e2e`): needs `npm run toolchain` first. */
export default defineConfig({
  test: {
    include: ["test/e2e/**/*.e2e.test.ts"],
    pool: "forks",
    // One engine run at a time: each file drives `pulumi` processes against its own file backend,
    // and the machine's cores are shared.
    fileParallelism: false,
    testTimeout: 600_000,
    hookTimeout: 600_000,
  },
});
