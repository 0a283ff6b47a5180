/**
 * The server compiled to JavaScript: src/ bundled by esbuild (which tsx already brings) into
 * dist/cli/main.js, packages left as imports of node_modules. The bundle sits two folders deep
 * like every src/ module that finds files beside the checkout (web/dist, package.json), so those
 * paths hold in both. It counts as current only when newer than every file under src/ and than
 * package.json and package-lock.json; bin/rollbook.js runs it then, and the TypeScript through
 * tsx otherwise.
 */
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";

const root = join(import.meta.dirname, "..");
export const SERVER_BUILD = join(root, "dist/cli/main.js");

function newestIn(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestIn(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/** A few hundred stat calls: cheap enough to ask on every start. */
export function serverBuildIsCurrent() {
  if (!existsSync(SERVER_BUILD)) return false;
  const built = statSync(SERVER_BUILD).mtimeMs;
  const inputs = [
    join(root, "package.json"),
    join(root, "package-lock.json"),
    import.meta.filename,
  ];
  const newest = Math.max(
    newestIn(join(root, "src")),
    ...inputs.filter(existsSync).map((f) => statSync(f).mtimeMs),
  );
  return built > newest;
}

export async function serverBuild() {
  const { build } = await import("esbuild");
  await build({
    entryPoints: [join(root, "src/cli/main.ts")],
    outdir: join(root, "dist/cli"),
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "node",
    target: "node20",
    packages: "external",
    sourcemap: true,
    logLevel: "warning",
  });
}
