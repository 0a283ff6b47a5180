import { existsSync } from "node:fs";
import { join, sep } from "node:path";
import fastifyStatic from "@fastify/static";
import type { FastifyInstance } from "fastify";
import { body } from "./errors.ts";

export const DEFAULT_WEB_ROOT = join(import.meta.dirname, "../../web/dist");

/**
 * Serves the built React app: its files, and index.html for any other page address so the app's
 * own routes work on reload. API addresses that match no route answer JSON 404s.
 */
export async function serveWebApp(
  app: FastifyInstance,
  webRoot: string | null | undefined,
): Promise<void> {
  const root = webRoot === undefined ? DEFAULT_WEB_ROOT : webRoot;
  const present = root !== null && existsSync(join(root, "index.html"));
  if (present)
    await app.register(fastifyStatic, {
      root,
      wildcard: false,
      index: ["index.html"],
      // The build writes .br and .gz beside each file (web/precompress.ts): sent as the browser
      // accepts, with Content-Encoding and Vary, and nothing compressed per request.
      preCompressed: true,
      setHeaders(reply, path) {
        // Vite names assets by their content: a changed file is a new address, so keep them a year.
        if (path.includes(`${sep}assets${sep}`))
          reply.header("cache-control", "public, max-age=31536000, immutable");
      },
    });
  app.setNotFoundHandler((request, reply) => {
    // Judged as the router reads the address, decoded once: /%61pi/... is an API address too.
    const path = decodedPath(request.url);
    if (!present || path === "/api" || path.startsWith("/api/") || request.method !== "GET") {
      reply
        .status(404)
        .send(body("not_found", `No route ${request.method} ${request.url.split("?")[0]}`));
      return;
    }
    reply.type("text/html").sendFile("index.html");
  });
}

function decodedPath(url: string): string {
  const path = url.split("?")[0] ?? "";
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}
