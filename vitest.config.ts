import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    // Database tests start an embedded Postgres per file; the machine has two cores.
    testTimeout: 30_000,
    hookTimeout: 120_000,
    pool: "forks",
    maxWorkers: 2,
    projects: [
      { extends: true, test: { name: "unit", include: ["test/**/*.test.ts"] } },
      {
        extends: true,
        test: {
          name: "e2e",
          include: ["e2e/**/*.e2e.ts"],
          // Builds the web app and checks for Chromium once, before any browser starts.
          globalSetup: ["e2e/support/global-setup.ts"],
          testTimeout: 60_000,
          // Each file runs a server and a browser: one file at a time on two cores.
          fileParallelism: false,
        },
      },
    ],
  },
});
