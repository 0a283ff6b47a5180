/**
 * Builds the React app into web/dist when it is missing or older than its sources, so `npm start`
 * on a fresh checkout serves the app without a separate build step. `--force` always builds.
 */
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";

const web = join(import.meta.dirname, "../web");
const built = join(web, "dist/index.html");

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === "dist" || entry.name === "node_modules") continue;
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(path) : statSync(path).mtimeMs);
  }
  return newest;
}

const force = process.argv.includes("--force");
if (force || !existsSync(built) || statSync(built).mtimeMs < newestSource(web)) {
  console.log("Building the web app…");
  // Always React's production build: run from the tests, NODE_ENV is "test", and Vite would
  // otherwise bundle React's development build (half a megabyte more for every first load).
  process.env.NODE_ENV = "production";
  // Imported only when a build is due: loading the build tool costs about two seconds of start-up.
  const { build } = await import("vite");
  await build({ configFile: join(web, "vite.config.ts"), logLevel: "warn" });
  console.log("Web app built into web/dist.");
}
