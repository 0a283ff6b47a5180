/**
 * Builds what `npm start` serves when it is missing or older than its sources: the server,
 * compiled once into dist/ (so a start runs plain JavaScript, with no compiling at run time), and
 * the React app into web/dist. Plain JavaScript itself, so checking costs a few milliseconds and
 * neither build tool is loaded unless something needs building. `--force` builds both; `--web`
 * or `--server` limits it to one.
 */
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { serverBuild, serverBuildIsCurrent } from "./server-build.mjs";

const root = join(import.meta.dirname, "..");
const web = join(root, "web");
const builtWeb = join(web, "dist/index.html");

function newestSource(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === "dist" || entry.name === "node_modules") continue;
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(path) : statSync(path).mtimeMs);
  }
  return newest;
}

const force = process.argv.includes("--force");
const only = process.argv.includes("--web")
  ? "web"
  : process.argv.includes("--server")
    ? "server"
    : null;

if (only !== "web" && (force || !serverBuildIsCurrent())) {
  console.log("Compiling the server into dist/…");
  await serverBuild();
}

if (
  only !== "server" &&
  (force || !existsSync(builtWeb) || statSync(builtWeb).mtimeMs < newestSource(web))
) {
  console.log("Building the web app…");
  // Always React's production build: run from the tests, NODE_ENV is "test", and Vite would
  // otherwise bundle React's development build (half a megabyte more for every first load).
  process.env.NODE_ENV = "production";
  // Imported only when a build is due: loading the build tool costs about two seconds.
  const { build } = await import("vite");
  await build({ configFile: join(web, "vite.config.ts"), logLevel: "warn" });
  console.log("Web app built into web/dist.");
}
