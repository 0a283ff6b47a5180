import type { FastifyInstance, FastifyRequest, RouteOptions } from "fastify";
import { decodeText, type TextEncoding } from "../app/import/encoding.ts";
import { RollbookError } from "../domain/errors.ts";

declare module "fastify" {
  interface FastifyContextConfig {
    /**
     * The media types a route's body may have (default JSON only). Anything else is answered 415
     * before a byte of the body is read, so a text/plain body can never reach a JSON route.
     */
    accepts?: readonly string[];
  }
}

export const KB = 1024;
export const MB = 1024 * KB;

/** A JSON change is a form's worth of fields: larger bodies are declared on their route. */
export const DEFAULT_BODY_LIMIT = 100 * KB;
/** A school's CSV or CTF file (a year's marks for a large secondary school is about 10 MB). */
export const IMPORT_BODY_LIMIT = 20 * MB;
/**
 * No Rollbook document nests deeper than a policy's conditions (about 10 levels); 32 leaves room
 * while refusing the hundreds of thousands of levels that stall a recursive parser or validator.
 */
export const MAX_JSON_DEPTH = 32;

/** Public routes that declare no limit of their own: a whole school behind one address at 8:50. */
const PUBLIC_RATE_LIMIT = { max: 600, timeWindow: "1 minute" } as const;

const JSON_ONLY = ["application/json"] as const;

/** Nesting depth of a JSON text, counted in one pass without parsing; stops once past `max`. */
export function jsonDepthExceeds(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > max) return true;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return false;
}

function mediaType(request: FastifyRequest): string | null {
  const header = request.headers["content-type"];
  if (!header) return null;
  return header.split(";")[0]?.trim().toLowerCase() ?? "";
}

function hasBody(request: FastifyRequest): boolean {
  const length = request.headers["content-length"];
  return (
    request.headers["transfer-encoding"] !== undefined || (length !== undefined && length !== "0")
  );
}

/**
 * Every route is public only when it says so; before any route plugin registers, this marks the
 * API documentation and the web app's files public (they hold no pupil data) and gives every
 * public route a rate limit unless it declares its own. Must be added before @fastify/rate-limit,
 * whose own onRoute hook reads the limit.
 */
export function declarePublicRoutes(app: FastifyInstance): void {
  app.addHook("onRoute", (route: RouteOptions) => {
    const url = route.url ?? "";
    const config = (route.config ?? {}) as NonNullable<RouteOptions["config"]>;
    const documentation = url === "/api/docs" || url.startsWith("/api/docs/");
    const webApp = !url.startsWith("/api/") && url !== "/api" && url !== "/health";
    if (documentation || webApp) config.public = true;
    if (config.public && config.rateLimit === undefined) config.rateLimit = PUBLIC_RATE_LIMIT;
    route.config = config;
  });
}

const csvEncodings = new WeakMap<FastifyRequest, TextEncoding>();

/** How a CSV body was decoded (the import summary names it). */
export const csvEncodingOf = (request: FastifyRequest): TextEncoding | undefined =>
  csvEncodings.get(request);

/**
 * Bodies: JSON by default, with its depth checked before it is parsed; CSV and XML only where a
 * route declares them (`config.accepts`); a size limit per server, raised only on the routes
 * that declare `bodyLimit` (imports).
 */
export function limitRequestBodies(app: FastifyInstance): void {
  const parseJson = app.getDefaultJsonParser("error", "error");
  app.removeAllContentTypeParsers();
  app.addContentTypeParser("application/json", { parseAs: "string" }, (request, body, done) => {
    const text = String(body);
    if (jsonDepthExceeds(text, MAX_JSON_DEPTH)) {
      done(
        new RollbookError(
          "invalid_input",
          `The request body nests deeper than ${MAX_JSON_DEPTH} levels; no Rollbook request does`,
        ),
      );
      return;
    }
    parseJson(request, text, done);
  });
  // The CTF plugin adds the XML parsers in its own scope.
  // CSV arrives as bytes: MIS exports are UTF-8 or Windows-1252, and a file in neither is
  // refused here rather than read with its names corrupted.
  app.addContentTypeParser("text/csv", { parseAs: "buffer" }, (request, body, done) => {
    try {
      const { text, encoding } = decodeText(body as Buffer, "CSV");
      csvEncodings.set(request, encoding);
      done(null, text);
    } catch (error) {
      done(error as Error);
    }
  });

  // preParsing: after sign-in, CSRF and each route's own onRequest checks (the inbound token),
  // before the body is read.
  app.addHook("preParsing", async (request) => {
    // An address no route matched is answered 404 whatever its body.
    if (request.is404 || !hasBody(request)) return;
    const accepts = request.routeOptions.config?.accepts ?? JSON_ONLY;
    const type = mediaType(request);
    if (type !== null && accepts.includes(type)) return;
    throw new RollbookError(
      "unsupported_media_type",
      `This address takes ${accepts.join(" or ")} bodies, not ${type ?? "a body without a Content-Type"}`,
    );
  });
}
