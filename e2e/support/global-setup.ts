import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { CHROMIUM } from "./harness.ts";

/** Builds the web app when its sources changed, and says plainly when Chromium is missing. */
export default function setup(): void {
  if (!existsSync(CHROMIUM))
    throw new Error(
      `End-to-end tests need Chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH).`,
    );
  const root = join(import.meta.dirname, "../..");
  execFileSync(process.execPath, [join(root, "scripts/build.mjs"), "--web"], {
    cwd: root,
    stdio: "inherit",
  });
}
