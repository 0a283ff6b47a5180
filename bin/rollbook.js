#!/usr/bin/env node
// Runs the compiled server (dist/, built by `npm start` or `npm run build`) when it is newer than
// every source file, so a start compiles nothing; otherwise the TypeScript itself through tsx, so
// `npx rollbook ...` also works from a checkout with no build or with edited sources.
import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { SERVER_BUILD, serverBuildIsCurrent } from "../scripts/server-build.mjs";

if (serverBuildIsCurrent()) {
  // Stacks point into src/ when asked for (reading the map costs start-up time otherwise).
  if (process.env.ROLLBOOK_DEBUG === "1") process.setSourceMapsEnabled(true);
  await import(pathToFileURL(SERVER_BUILD).href);
} else {
  const root = join(dirname(SERVER_BUILD), "../..");
  const result = spawnSync(
    process.execPath,
    ["--import", "tsx", join(root, "src/cli/main.ts"), ...process.argv.slice(2)],
    { stdio: "inherit" },
  );
  process.exit(result.status ?? 1);
}
