import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 120_000,
    pool: "forks",
    // Each file's database is cloned from a template migrated once per run.
    globalSetup: ["test/support/global-setup.ts"],
    projects: [
      {
        extends: true,
        test: { name: "unit", include: ["test/**/*.test.ts"], exclude: ["test/load/**"] },
      },
      {
        extends: true,
        // Minutes of sustained load: run on its own (npm run test:load), not with every change.
        test: { name: "load", include: ["test/load/**/*.test.ts"], testTimeout: 600_000 },
      },
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
